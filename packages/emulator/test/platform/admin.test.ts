import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator, ScenarioError } from "../../src/index";
import { httpsRequest, type RawResponse } from "./https-client";

const graph = "https://graph.microsoft.com";
// Privileged Role Administrator (built-in template id): approval required in the demo tenant.
const privilegedRoleAdministrator = "e8611ab8-c189-46e8-94e1-60213ab1f814";
const tinyScenario = {
  tenant: { displayName: "Tiny", domain: "tiny.example.com" },
  users: [{ upn: "ada@tiny.example.com", displayName: "Ada" }],
};

describe("admin API", () => {
  let emu: Emulator;
  let dir: string;
  const admin = (method: string, path: string, body?: unknown): Promise<RawResponse> =>
    httpsRequest(`${emu.url}/_emulator${path}`, {
      ca: emu.caCertPem,
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
    });
  const parsed = (res: RawResponse) =>
    JSON.parse(res.body) as Record<string, unknown> & { error?: { code: string; path?: string } };

  /** A self-activation that needs approval, made through Graph as the demo admin. */
  const requestApproval = async (): Promise<{ id: string; approvalId: string }> => {
    const user = emu.users[0];
    if (!user) throw new Error("the demo has users");
    const token = await emu.issueAccessToken({
      upn: user.upn,
      audience: graph,
      scopes: ["RoleAssignmentSchedule.ReadWrite.Directory"],
      amr: ["pwd", "mfa"],
    });
    const res = await emu.fetch(`${emu.url}/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        action: "selfActivate",
        principalId: user.oid,
        roleDefinitionId: privilegedRoleAdministrator,
        directoryScopeId: "/",
        justification: "Quarterly access review follow-up",
        scheduleInfo: {
          startDateTime: emu.admin.clock.now().toISOString(),
          expiration: { type: "afterDuration", duration: "PT1H" },
        },
      }),
    });
    const body = (await res.json()) as { id: string; status: string; approvalId: string };
    expect(res.status).toBe(201);
    expect(body.status).toBe("PendingApproval");
    return { id: body.id, approvalId: body.approvalId };
  };

  beforeAll(async () => {
    emu = await createEmulator();
    dir = mkdtempSync(join(tmpdir(), "pimkit-admin-test-"));
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the request log (not its own calls), after a sequence number, and clears it", async () => {
    emu.admin.clearRequests();
    await emu.fetch(`${emu.url}/common/discovery/instance?api-version=1.1`);
    await emu.fetch(`${emu.url}/${emu.tenantId}/discovery/v2.0/keys`);
    const all = emu.admin.requests();
    expect(all.map((e) => e.path)).toEqual(["/common/discovery/instance", `/${emu.tenantId}/discovery/v2.0/keys`]);
    const first = all[0]?.seq ?? 0;
    expect(emu.admin.requests({ since: first }).map((e) => e.seq)).toEqual([all[1]?.seq]);
    const overHttp = parsed(await admin("GET", `/requests?since=${first}`)) as { value: Array<{ seq: number }> };
    expect(overHttp.value.map((e) => e.seq)).toEqual([all[1]?.seq]);
    expect(emu.admin.requests().some((e) => e.path.startsWith("/_emulator"))).toBe(false);
    expect((await admin("GET", "/requests?since=abc")).status).toBe(400);
    expect((await admin("DELETE", "/requests")).status).toBe(204);
    expect(emu.admin.requests()).toEqual([]);
  });

  it("adds, lists, removes and clears faults over HTTP, refusing malformed ones", async () => {
    const created = await admin("POST", "/faults", { kind: "status", status: 429, retryAfter: "2", path: "^/arm/" });
    expect(created.status).toBe(201);
    const fault = parsed(created) as { id: string; kind: string };
    expect(fault.kind).toBe("status");
    const hit = await emu.fetch(`${emu.url}/arm/subscriptions?api-version=2022-12-01`);
    expect(hit.status).toBe(429);
    expect(hit.headers.get("retry-after")).toBe("2");
    const listed = parsed(await admin("GET", "/faults")) as { value: Array<{ id: string; fired: number }> };
    expect(listed.value).toEqual([expect.objectContaining({ id: fault.id, fired: 1 })]);
    expect((await admin("DELETE", `/faults/${fault.id}`)).status).toBe(204);
    expect((await admin("DELETE", `/faults/${fault.id}`)).status).toBe(404);
    const bad = await admin("POST", "/faults", { kind: "status", path: "(" });
    expect(bad.status).toBe(400);
    expect(parsed(bad).error?.code).toBe("InvalidFault");
    const typo = await admin("POST", "/faults", { kind: "status", retry_after: "2" });
    expect(typo.status).toBe(400);
    const many = await admin("POST", "/faults", [{ kind: "hang" }, { kind: "truncate", path: "x" }]);
    expect((parsed(many) as { value: unknown[] }).value).toHaveLength(2);
    expect((await admin("DELETE", "/faults")).status).toBe(204);
    expect(emu.admin.listFaults()).toEqual([]);
  });

  it("reads, advances and sets the clock; reset undoes it", async () => {
    const before = emu.admin.clock.now().getTime();
    const advanced = parsed(await admin("POST", "/clock", { advanceSeconds: 3600 })) as { now: string };
    expect(Date.parse(advanced.now) - before).toBeGreaterThanOrEqual(3600_000);
    expect(Date.parse(advanced.now) - before).toBeLessThan(3660_000);
    const set = parsed(await admin("POST", "/clock", { set: "2031-05-06T07:08:09Z" })) as { now: string };
    expect(Date.parse(set.now)).toBeGreaterThanOrEqual(Date.parse("2031-05-06T07:08:09Z"));
    expect(Date.parse((parsed(await admin("GET", "/clock")) as { now: string }).now)).toBeLessThan(
      Date.parse("2031-05-06T07:09:09Z"),
    );
    expect((await admin("POST", "/clock", { advanceSeconds: "soon" })).status).toBe(400);
    expect((await admin("POST", "/reset")).status).toBe(200);
    expect(Math.abs(emu.admin.clock.now().getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("reads and changes settings (the tenant's and the latency); reset restores them", async () => {
    const initial = parsed(await admin("GET", "/settings")) as { pageSize: number; latencyMs: number };
    expect(initial.latencyMs).toBe(0);
    const changed = parsed(
      await admin("PATCH", "/settings", { pageSize: 2, latencyMs: 5, acrsChallenge: "www-authenticate" }),
    );
    expect(changed).toMatchObject({ pageSize: 2, latencyMs: 5, acrsChallenge: "www-authenticate" });
    expect(emu.admin.settings()).toMatchObject({ pageSize: 2, latencyMs: 5 });
    expect((emu.admin.state() as unknown) !== undefined).toBe(true);
    const bad = await admin("PATCH", "/settings", { pageSize: 0 });
    expect(bad.status).toBe(400);
    expect(parsed(bad).error?.path).toBe("$.pageSize");
    expect((await admin("PATCH", "/settings", { nonsense: true })).status).toBe(400);
    // Settings survive a scenario reload but not a reset.
    emu.admin.loadScenario("demo");
    expect(emu.admin.settings().pageSize).toBe(2);
    emu.admin.reset();
    expect(emu.admin.settings()).toMatchObject({ pageSize: initial.pageSize, latencyMs: 0 });
  });

  it("loads scenarios by name, file and object, and refuses bad ones with the JSON path", async () => {
    const demoTenant = emu.tenantId;
    const ok = await admin("POST", "/scenario", { scenario: tinyScenario });
    expect(ok.status).toBe(200);
    expect(emu.users.map((u) => u.upn)).toEqual(["ada@tiny.example.com"]);
    expect(emu.tenantId).not.toBe(demoTenant);
    expect(emu.cloud.tenantId).toBe(emu.tenantId);

    const file = join(dir, "broken.json");
    writeFileSync(
      file,
      JSON.stringify({ ...tinyScenario, users: [{ upn: "x@tiny.example.com", displayName: "X", contexts: ["c100"] }] }),
    );
    const bad = await admin("POST", "/scenario", { scenario: file });
    expect(bad.status).toBe(400);
    expect(parsed(bad).error?.code).toBe("InvalidScenario");
    expect(parsed(bad).error?.path).toMatch(/^\$\.users\[0\]\.contexts/);
    // A refused scenario leaves the tenant as it was.
    expect(emu.users.map((u) => u.upn)).toEqual(["ada@tiny.example.com"]);
    expect(() => emu.admin.loadScenario({ tenant: {} })).toThrow(ScenarioError);
    expect((await admin("POST", "/scenario", "demo")).status).toBe(200);
    expect(emu.tenantId).toBe(demoTenant);
  });

  it("dumps state and tightens a policy", async () => {
    const state = parsed(await admin("GET", "/state"));
    expect(state).toBeTypeOf("object");
    expect(JSON.stringify(state)).toContain("alex.morgan@contoso.example.com");
    const res = await admin("POST", "/policies", {
      target: { plane: "directoryRole", roleDefinitionId: "f2ef992c-3afb-46b9-b7cf-a126ee74c451" },
      settings: { ticket: true, maxDuration: "PT45M" },
    });
    expect(res.status).toBe(200);
    expect(parsed(res)).toMatchObject({ settings: { ticket: true, maxDuration: "PT45M" } });
    const bad = await admin("POST", "/policies", {
      target: { plane: "directoryRole", roleDefinitionId: "f2ef992c-3afb-46b9-b7cf-a126ee74c451" },
      settings: { maxDuration: "forever" },
    });
    expect(bad.status).toBe(400);
    emu.admin.reset();
  });

  it("approves as the stage's first approver by default, and denies over HTTP", async () => {
    emu.admin.reset();
    const first = await requestApproval();
    const pending = emu.admin.approvals.list().find((a) => a.requestId === first.id);
    expect(pending?.id).toBe(first.approvalId);
    const approved = emu.admin.approvals.approve(first.approvalId, { justification: "ok" });
    expect(approved.ok).toBe(true);
    if (approved.ok) expect(approved.request.status).not.toBe("PendingApproval");
    expect(emu.admin.approvals.approve(first.approvalId)).toMatchObject({ ok: false });

    emu.admin.reset();
    const second = await requestApproval();
    const unknown = await admin("POST", `/approvals/${second.approvalId}/deny`, {
      approver: "nobody@contoso.example.com",
    });
    expect(unknown.status).toBe(400);
    expect(parsed(unknown).error?.code).toBe("UnknownApprover");
    const denied = await admin("POST", `/approvals/${second.approvalId}/deny`, {
      approver: "priya.natarajan@contoso.example.com",
      justification: "not this week",
    });
    expect(denied.status).toBe(200);
    expect((parsed(denied) as { request: { status: string } }).request.status).toBe("Denied");
    expect((await admin("POST", "/approvals/00000000-0000-0000-0000-000000000000/approve")).status).toBe(404);
    const list = parsed(await admin("GET", "/approvals")) as { value: Array<{ id: string }> };
    expect(list.value.map((a) => a.id)).toContain(second.approvalId);
    emu.admin.reset();
  });

  it("answers unknown admin routes 404 and wrong methods 405", async () => {
    expect((await admin("GET", "/nothing")).status).toBe(404);
    expect((await admin("GET", "/reset")).status).toBe(405);
    expect(parsed(await admin("GET", "/nothing")).error?.code).toBe("NotFound");
  });

  it("reset clears the log and faults and reloads the scenario", async () => {
    emu.admin.addFault({ kind: "hang", path: "^/nowhere$" });
    await emu.fetch(`${emu.url}/common/discovery/instance`);
    emu.admin.loadScenario(tinyScenario);
    emu.admin.reset();
    expect(emu.admin.listFaults()).toEqual([]);
    expect(emu.admin.requests()).toEqual([]);
    expect(emu.users[0]?.upn).toBe("ada@tiny.example.com");
    emu.admin.loadScenario("demo");
  });
});
