import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createPimClient, type PimRole, type TokenCredential } from "../../src/index";
import { acceptedActivations, byName, closeShared, type Harness, harness, limited, maxPerRole } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(closeShared);

function policyTarget(role: PimRole) {
  const t = role.target;
  if (t.kind === "entraRole") return { plane: "directoryRole" as const, roleDefinitionId: t.roleDefinitionId };
  if (t.kind === "group") return { plane: "group" as const, groupId: t.groupId, accessId: t.accessId };
  return { plane: "azure" as const, scope: t.scope, roleDefinitionId: t.roleDefinitionId };
}

/** Status codes the tenant answered for activation writes, in order. */
function activationStatuses(h: Harness): number[] {
  return h.emu.admin
    .requests()
    .filter(
      (e) =>
        (e.method === "POST" && /ssignmentScheduleRequests$/.test(e.path)) ||
        (e.method === "PUT" && /roleAssignmentScheduleRequests\//i.test(e.path)),
    )
    .map((e) => e.status);
}

describe("proactive step-up", () => {
  it("c1 and c2 roles on all planes activate in one operation with exactly one step-up", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    const before = h.credential.interactiveCount;
    const selected = [
      byName(roles, "Security Administrator"), // c1
      byName(roles, "Global Administrator"), // c2
      byName(roles, "PIM-KeyVault-BreakGlass", "member"), // c1
      byName(roles, "Owner"), // c1, ARM
    ];
    const results = await h.client.activate(selected, { justification: "incident 7", duration: "PT30M" });
    expect(results.map((r) => [r.name, r.outcome, r.error?.code ?? null])).toEqual([
      ["Security Administrator", "activated", null],
      ["Global Administrator", "activated", null],
      ["PIM-KeyVault-BreakGlass", "activated", null],
      ["Owner", "activated", null],
    ]);
    expect(h.credential.interactiveCount - before).toBe(1);
    expect(h.credential.stepUps).toEqual([["c1", "c2"]]);
    // Every token request of the operation carried the claims (Graph and ARM): no refusal at all.
    expect(activationStatuses(h).every((s) => s === 201)).toBe(true);
    expect(maxPerRole(acceptedActivations(h.emu))).toBe(1);
  });

  it("a user who cannot satisfy a context gets step_up_failed with advice, and no loop", async () => {
    h = await harness({ upn: limited });
    const { roles } = await h.client.listRoles({ kinds: ["entraRole"] });
    const before = h.credential.interactiveCount;
    const [r] = await h.client.activate([byName(roles, "Global Administrator")], { justification: "x" });
    expect(r).toMatchObject({ outcome: "failed", error: { code: "step_up_failed" } });
    expect(r?.advice).toContain("c2");
    expect(h.credential.interactiveCount - before).toBe(1);
    expect(acceptedActivations(h.emu).size).toBe(0);
  });
});

/**
 * The harness credential with its step-ups (token requests with claims) held until `release`, or
 * refused; plain token requests pass straight through.
 */
function heldStepUps(hh: Harness, refuse = false) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let asked = 0;
  const credential: TokenCredential = {
    async getToken(scopes, options) {
      if (options?.claims) {
        asked++;
        await gate;
        if (refuse) throw new Error("the user closed the sign-in window");
      }
      return hh.credential.getToken(scopes, options);
    },
  };
  const client = createPimClient({ cloud: hh.emu.cloud, credential, fetch: hh.emu.fetch, clock: hh.clock });
  return { client, release: () => release(), stepUpsAsked: () => asked };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

describe("writes and the step-up overlap", () => {
  const pick = (roles: PimRole[]) => [
    byName(roles, "Reports Reader"), // no context
    byName(roles, "Contributor"), // no context, ARM
    byName(roles, "Security Administrator"), // c1
    byName(roles, "Owner"), // c1, ARM
  ];
  const input = { justification: "change 12", ticket: { system: "SN", number: "12" }, duration: "PT30M" };

  it("roles that need no context are sent while the step-up runs; the others wait for it", async () => {
    h = await harness();
    const held = heldStepUps(h);
    const { roles } = await held.client.listRoles();
    const running = held.client.activate(pick(roles), input);
    const hh = h;
    // Both plain roles are accepted while the sign-in is still open.
    expect(await until(() => acceptedActivations(hh.emu).size === 2)).toBe(true);
    expect(held.stepUpsAsked()).toBe(1);
    held.release();
    const results = await running;
    expect(results.map((r) => [r.name, r.outcome])).toEqual([
      ["Reports Reader", "activated"],
      ["Contributor", "activated"],
      ["Security Administrator", "activated"],
      ["Owner", "activated"],
    ]);
    expect(acceptedActivations(h.emu).size).toBe(4);
    expect(maxPerRole(acceptedActivations(h.emu))).toBe(1);
    // No refusal: each role went out with the token it needed.
    expect(activationStatuses(h).every((s) => s === 201)).toBe(true);
  });

  it("stepUpBeforeWrites holds every write until the step-up is done", async () => {
    h = await harness();
    const held = heldStepUps(h);
    const { roles } = await held.client.listRoles();
    const running = held.client.activate(pick(roles), { ...input }, { stepUpBeforeWrites: true });
    expect(await until(() => held.stepUpsAsked() === 1)).toBe(true);
    // Time for anything that was going to be sent to arrive.
    await new Promise((r) => setTimeout(r, 300));
    expect(activationStatuses(h)).toEqual([]);
    held.release();
    expect((await running).map((r) => r.outcome)).toEqual(["activated", "activated", "activated", "activated"]);
  });

  it("a failed step-up fails only the roles that needed it", async () => {
    h = await harness();
    const held = heldStepUps(h, true);
    const { roles } = await held.client.listRoles();
    held.release();
    const results = await held.client.activate(pick(roles), input);
    expect(results.map((r) => [r.name, r.outcome, r.error?.code ?? null])).toEqual([
      ["Reports Reader", "activated", null],
      ["Contributor", "activated", null],
      ["Security Administrator", "failed", "step_up_failed"],
      ["Owner", "failed", "step_up_failed"],
    ]);
    expect(acceptedActivations(h.emu).size).toBe(2);
  });
});

describe("reactive step-up (policy tightened after the listing)", () => {
  it("Graph: 400 UnknownError wrapping RoleAssignmentRequestAcrsValidationFailed → one step-up, resent once", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    const reader = byName(roles, "Reports Reader");
    const group = byName(roles, "PIM-Tier0-Operators", "member");
    h.emu.admin.setPolicy(policyTarget(reader), { authContext: "c1" });
    h.emu.admin.setPolicy(policyTarget(group), { authContext: "c2" });
    const [a, b] = await h.client.activate([reader, group], { justification: "audit" });
    expect([a?.outcome, b?.outcome]).toEqual(["activated", "activated"]);
    // One step-up for both challenged items, with both contexts.
    expect(h.credential.stepUps).toEqual([["c1", "c2"]]);
    const refusals = h.emu.admin
      .requests()
      .filter((e) => e.status === 400 && /ssignmentScheduleRequests$/.test(e.path));
    expect(refusals).toHaveLength(2);
    expect(maxPerRole(acceptedActivations(h.emu))).toBe(1);
  });

  it("ARM: 400 RoleAssignmentRequestAcrsValidationFailed with claims in the message → one step-up", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["azureRole"] });
    const reader = roles.find((r) => r.name === "Reader" && r.scope.type === "managementGroup") as PimRole;
    h.emu.admin.setPolicy(policyTarget(reader), { authContext: "c2" });
    const [r] = await h.client.activate([reader], {});
    expect(r).toMatchObject({ outcome: "activated", error: null });
    expect(h.credential.stepUps).toEqual([["c2"]]);
    expect(activationStatuses(h)).toEqual([400, 201]);
    expect(maxPerRole(acceptedActivations(h.emu))).toBe(1);
  });

  it("401 WWW-Authenticate with base64 claims (Graph in $batch and ARM) → one step-up", async () => {
    h = await harness();
    h.emu.admin.settings({ acrsChallenge: "www-authenticate" });
    const { roles } = await h.client.listRoles();
    const gr = byName(roles, "Global Reader");
    const contributor = byName(roles, "Contributor");
    h.emu.admin.setPolicy(policyTarget(gr), { authContext: "c1" });
    h.emu.admin.setPolicy(policyTarget(contributor), { authContext: "c1" });
    const results = await h.client.activate([gr, contributor], {
      justification: "x",
      ticket: { system: "SN", number: "9" },
    });
    expect(results.map((r) => r.outcome)).toEqual(["activated", "activated"]);
    expect(h.credential.stepUps).toHaveLength(1);
    expect(activationStatuses(h).filter((s) => s === 401)).toHaveLength(2);
    expect(maxPerRole(acceptedActivations(h.emu))).toBe(1);
  });

  it("a second refusal after the step-up is failed(auth_context_not_satisfied), never a loop", async () => {
    // The tenant ignores acrs from clients that did not declare cp1: the step-up cannot help.
    h = await harness({ emulator: { settings: { requireCp1ForAcrs: true } }, credential: { clientCapabilities: [] } });
    const { roles } = await h.client.listRoles({ kinds: ["entraRole"] });
    const [r] = await h.client.activate([byName(roles, "Security Administrator")], { justification: "x" });
    expect(r).toMatchObject({ outcome: "failed", error: { code: "auth_context_not_satisfied" } });
    expect(JSON.stringify(r)).not.toMatch(/claims=(?!REDACTED)|access_token/);
    expect(activationStatuses(h)).toEqual([400, 400]);
    expect(h.credential.claimsSeen.length).toBeLessThanOrEqual(3);
  });

  it("Graph: a plain RoleAssignmentRequestAcrsValidationFailed with raw JSON claims in the message", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["entraRole"] });
    h.emu.admin.addFault({
      kind: "status",
      status: 400,
      method: "POST",
      path: "roleAssignmentScheduleRequests$",
      inBatch: true,
      times: 1,
      body: {
        error: {
          code: "RoleAssignmentRequestAcrsValidationFailed",
          message: 'The request requires claims. claims={"access_token":{"acrs":{"essential":true, "value":"c1"}}}',
        },
      },
    });
    const [r] = await h.client.activate([byName(roles, "Reports Reader")], {});
    expect(r?.outcome).toBe("activated");
    expect(h.credential.stepUps).toEqual([["c1"]]);
  });
});

describe("secrets stay out of logs, traces and results", () => {
  it("no token, code or claims value in anything the core emits during a step-up", async () => {
    const logs: unknown[] = [];
    h = await harness({ client: { logger: { log: (level, event, fields) => logs.push({ level, event, fields }) } } });
    const { roles } = await h.client.listRoles();
    const reader = byName(roles, "Reports Reader");
    h.emu.admin.setPolicy(policyTarget(reader), { authContext: "c1" });
    const results = await h.client.activate([reader, byName(roles, "Owner")], { justification: "canary" });
    expect(results.map((r) => r.outcome)).toEqual(["activated", "activated"]);
    const emitted = JSON.stringify({ logs, traces: h.traces, results, roles });
    expect(emitted).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/); // JWTs
    expect(emitted).not.toMatch(/acrs|access_token|claims=(?!REDACTED)/i);
    expect(emitted).not.toMatch(/Bearer /);
    expect(logs.length).toBeGreaterThan(0);
  });
});
