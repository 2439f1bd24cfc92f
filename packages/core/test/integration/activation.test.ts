import { afterAll, afterEach, describe, expect, it } from "vitest";
import { isPimError } from "../../src/index";
import { acceptedActivations, byName, closeShared, type Harness, harness, maxPerRole, writes } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(closeShared);

describe("planning refuses before anything is sent", () => {
  it("missing justification and ticket: a precise error per role, no request", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    const selected = [
      byName(roles, "Exchange Administrator"),
      byName(roles, "Global Reader"),
      byName(roles, "Reports Reader"),
    ];
    const plan = await h.client.planActivation(selected, { duration: "1h" });
    expect(plan.ok).toBe(false);
    expect(plan.items.map((i) => i.problems.map((p) => p.code))).toEqual([
      ["justification_required", "ticket_required"],
      ["justification_required"],
      [],
    ]);
    const err = await h.client.activate(selected, {}).catch((e: unknown) => e);
    expect(isPimError(err) && err.code).toBe("plan_invalid");
    expect(writes(h.emu)).toHaveLength(0);
  });

  it("bad duration, start in the past, start after the eligibility ends, invalid child scope", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    const reader = byName(roles, "Reports Reader");
    expect((await h.client.planActivation([reader], { duration: "two hours" })).items[0]?.problems[0]?.code).toBe(
      "invalid_duration",
    );
    expect(
      (await h.client.planActivation([reader], { start: "2020-01-01T00:00:00Z" })).items[0]?.problems[0]?.code,
    ).toBe("start_in_past");
    const gr = byName(roles, "Global Reader");
    const afterEnd = new Date(Date.parse(gr.eligibility?.end ?? "") + 86_400_000).toISOString();
    expect(
      (await h.client.planActivation([gr], { start: afterEnd, justification: "x" })).items[0]?.problems[0]?.code,
    ).toBe("start_outside_eligibility");
    const contributor = byName(roles, "Contributor");
    const other = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/elsewhere";
    expect(
      (
        await h.client.planActivation([contributor], {
          justification: "x",
          ticket: { system: "SN", number: "1" },
          childScope: other,
        })
      ).items[0]?.problems[0]?.code,
    ).toBe("invalid_scope");
    const missing = `${contributor.scope.id}/resourceGroups/does-not-exist`;
    expect(
      (
        await h.client.planActivation([contributor], {
          justification: "x",
          ticket: { system: "SN", number: "1" },
          childScope: missing,
        })
      ).items[0]?.problems[0]?.code,
    ).toBe("scope_not_eligible");
    expect(writes(h.emu)).toHaveLength(0);
  });

  it("caps durations to each role's maximum and reports it (sub-hour maximum kept exact)", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    const plan = await h.client.planActivation(
      [byName(roles, "Global Administrator"), byName(roles, "Global Reader")],
      {
        duration: "2h",
        justification: "incident 42",
      },
    );
    expect(plan.items.map((i) => [i.duration, i.capped, i.requestedDuration])).toEqual([
      ["PT30M", true, "PT2H"],
      ["PT2H", false, null],
    ]);
    expect(plan.authContexts).toEqual(["c2"]);
  });
});

describe("execution", () => {
  it("activates Entra roles and groups through one $batch and Azure roles by PUT; one result per role", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    const selected = [
      byName(roles, "Reports Reader"),
      byName(roles, "Global Reader"),
      byName(roles, "PIM-Tier0-Operators", "member"),
      byName(roles, "Contributor"),
      roles.find((r) => r.kind === "azureRole" && r.name === "Reader") ?? byName(roles, "Reader"),
    ];
    const mark = h.traces.length;
    const results = await h.client.activate(selected, {
      duration: "PT1H",
      justification: "quarterly review",
      ticket: { system: "ServiceNow", number: "CHG-1" },
    });
    expect(results.map((r) => [r.name, r.outcome, r.error])).toEqual([
      ["Reports Reader", "activated", null],
      ["Global Reader", "activated", null],
      ["PIM-Tier0-Operators", "activated", null],
      ["Contributor", "activated", null],
      ["Reader", "activated", null],
    ]);
    for (const r of results) {
      expect(r.requestId).toMatch(/[0-9a-f-]{36}/);
      expect(r.duration).toBe("PT1H");
    }
    const sent = h.traces.slice(mark);
    expect(sent.filter((t) => t.method === "POST" && t.url.endsWith("/$batch"))).toHaveLength(1);
    expect(sent.filter((t) => t.method === "PUT")).toHaveLength(2);
    expect(maxPerRole(acceptedActivations(h.emu))).toBe(1);
    const after = await h.client.listRoles();
    expect(byName(after.roles, "Global Reader")).toMatchObject({ state: "active", assignmentType: "activated" });
    expect(byName(after.roles, "Contributor").state).toBe("active");
  });

  it("pending approval, already active, scheduled start", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const [pra, app] = await h.client.activate(
      [byName(roles, "Privileged Role Administrator"), byName(roles, "Application Administrator")],
      {
        justification: "change window",
      },
    );
    expect(pra).toMatchObject({ outcome: "pending", status: "PendingApproval", error: null });
    expect(app?.outcome).toBe("already-active");
    const [scheduled] = await h.client.activate([byName(roles, "Reports Reader")], {
      start: tomorrow,
      duration: "PT2H",
    });
    expect(scheduled).toMatchObject({ outcome: "scheduled", start: tomorrow, duration: "PT2H" });
    const pending = await h.client.listRequests({ pendingOnly: true });
    expect(pending.requests.map((r) => r.requestId)).toContain(pra?.requestId);
  });

  it("MFA refusal becomes mfa_required with advice", async () => {
    h = await harness({ credential: { approveMfa: false } });
    const { roles } = await h.client.listRoles({ kinds: ["entraRole"] });
    const [r] = await h.client.activate([byName(roles, "Helpdesk Administrator")], {});
    expect(r).toMatchObject({ outcome: "failed", error: { code: "mfa_required" } });
    expect(r?.advice).toMatch(/multi-factor/);
  });

  it("dry run validates without submitting: would-activate, nothing accepted", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    const results = await h.client.activate(
      [byName(roles, "Global Reader"), byName(roles, "Contributor"), byName(roles, "Reports Reader")],
      {
        justification: "dry",
        ticket: { system: "SN", number: "1" },
      },
      { dryRun: true },
    );
    expect(results.map((r) => r.outcome)).toEqual(["would-activate", "would-activate", "would-activate"]);
    expect(acceptedActivations(h.emu).size).toBe(0);
    const log = h.emu.admin.requests();
    expect(log.some((e) => e.surface === "arm" && /\/validate$/.test(e.path))).toBe(true);
    expect(log.some((e) => (e.body as { isValidationOnly?: boolean } | undefined)?.isValidationOnly === true)).toBe(
      true,
    );
    const after = await h.client.listRoles();
    expect(byName(after.roles, "Global Reader").state).toBe("eligible");
  });

  it("activates an Azure role at a child scope offered by eligibleChildResources", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["azureRole"] });
    const contributor = byName(roles, "Contributor");
    const rg = `${contributor.scope.id}/resourceGroups/rg-web-prod`;
    const [r] = await h.client.activate([contributor], {
      justification: "deploy",
      ticket: { system: "SN", number: "2" },
      childScope: rg,
    });
    expect(r).toMatchObject({ outcome: "activated", scope: { type: "resourceGroup" } });
    const puts = h.emu.admin.requests().filter((e) => e.method === "PUT");
    expect(puts[0]?.path.toLowerCase()).toContain(
      "/resourcegroups/rg-web-prod/providers/microsoft.authorization/roleassignmentschedulerequests/",
    );
  });
});
