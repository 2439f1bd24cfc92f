import type { FaultSpec } from "@pimkit/emulator";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { PimRole } from "../../src/index";
import { acceptedActivations, admin, byName, closeShared, type Harness, harness, maxPerRole } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(closeShared);

const graphSubmit =
  "/graph/v1.0/(roleManagement/directory/roleAssignmentScheduleRequests|identityGovernance/privilegedAccess/group/assignmentScheduleRequests)$";
const armPut = "/roleAssignmentScheduleRequests/[0-9a-f-]+\\?";
const input = { justification: "fault drill", ticket: { system: "SN", number: "CHG-7" }, duration: "PT1H" };

async function selection(x: Harness): Promise<PimRole[]> {
  const { roles } = await x.client.listRoles();
  return [
    byName(roles, "Reports Reader"),
    byName(roles, "Global Reader"),
    byName(roles, "PIM-Tier0-Operators", "member"),
    byName(roles, "Contributor"),
    roles.find((r) => r.kind === "azureRole" && r.name === "Reader") as PimRole,
  ];
}

/** Runs one activation of five roles (three through $batch, two by PUT) under a fault. */
async function activateUnder(fault: FaultSpec, opts: Parameters<typeof harness>[0] = {}) {
  h = await harness(opts);
  const roles = await selection(h);
  h.emu.admin.addFault(fault);
  const results = await h.client.activate(roles, input);
  const accepted = acceptedActivations(h.emu);
  return { results, accepted, outcomes: results.map((r) => r.outcome), fired: h.emu.admin.listFaults()[0]?.fired ?? 0 };
}

describe("throttling", () => {
  it.each([
    ["seconds", "2", 2000],
    ["fractional seconds", "0.5", 500],
  ])("429 with Retry-After in %s outside $batch (ARM PUT) is honoured", async (_label, value, ms) => {
    const r = await activateUnder({
      kind: "status",
      status: 429,
      method: "PUT",
      path: armPut,
      retryAfter: value,
      times: 1,
    });
    expect(r.fired).toBe(1);
    expect(r.outcomes.every((o) => o === "activated")).toBe(true);
    expect(h?.clock.slept).toContain(ms);
    expect(maxPerRole(r.accepted)).toBe(1);
  });

  it("429 with an HTTP-date Retry-After on the $batch request itself", async () => {
    const at = new Date(Date.now() + 5000).toUTCString();
    const r = await activateUnder({
      kind: "status",
      status: 429,
      method: "POST",
      path: "/\\$batch$",
      inBatch: false,
      retryAfter: at,
      times: 1,
    });
    expect(r.fired).toBe(1);
    expect(r.outcomes.every((o) => o === "activated")).toBe(true);
    const waited = h?.clock.slept.find((ms) => ms > 0) ?? 0;
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(5000);
    expect(maxPerRole(r.accepted)).toBe(1);
  });

  it.each([
    ["seconds", "1", 1000],
    ["fractional seconds", "0.25", 250],
  ])("per-item 429 inside $batch (%s): only those items are resent", async (_label, value, ms) => {
    const r = await activateUnder({
      kind: "status",
      status: 429,
      method: "POST",
      path: graphSubmit,
      inBatch: true,
      retryAfter: value,
      times: 2,
    });
    expect(r.fired).toBe(2);
    expect(r.outcomes.every((o) => o === "activated")).toBe(true);
    expect(h?.clock.slept).toContain(ms);
    const items =
      h?.emu.admin.requests().filter((e) => e.batch && e.method === "POST" && /ScheduleRequests$/.test(e.path)) ?? [];
    // 3 items, 2 throttled once: 5 item attempts, the 2 resent in a second batch.
    expect(items).toHaveLength(5);
    expect(new Set(items.map((e) => e.batch?.requestId)).size).toBe(2);
    expect(maxPerRole(r.accepted)).toBe(1);
  });

  it("per-item 429 inside $batch with an HTTP-date Retry-After", async () => {
    const at = new Date(Date.now() + 5000).toUTCString();
    const r = await activateUnder({
      kind: "status",
      status: 429,
      method: "POST",
      path: graphSubmit,
      inBatch: true,
      retryAfter: at,
      times: 1,
    });
    expect(r.fired).toBe(1);
    expect(r.outcomes.every((o) => o === "activated")).toBe(true);
    const waited = h?.clock.slept.find((ms) => ms > 0) ?? 0;
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(5000);
    expect(maxPerRole(r.accepted)).toBe(1);
  });

  it("throttled for longer than allowed: those roles fail as throttled, the others still activate", async () => {
    const r = await activateUnder({ kind: "status", status: 429, method: "PUT", path: armPut, retryAfter: "600" });
    expect(r.results.filter((x) => x.kind === "azureRole").map((x) => x.error?.code)).toEqual([
      "throttled",
      "throttled",
    ]);
    expect(r.results.filter((x) => x.kind !== "azureRole").every((x) => x.outcome === "activated")).toBe(true);
  });
});

describe("ambiguous failures never duplicate an activation", () => {
  it("503 on the $batch request: read back, then resent", async () => {
    const r = await activateUnder({
      kind: "status",
      status: 503,
      method: "POST",
      path: "/\\$batch$",
      inBatch: false,
      times: 1,
    });
    expect(r.fired).toBe(1);
    expect(r.outcomes.every((o) => o === "activated")).toBe(true);
    expect(maxPerRole(r.accepted)).toBe(1);
  });

  it("connection reset after the tenant applied the $batch: read back finds the requests, nothing resent", async () => {
    const r = await activateUnder({
      kind: "reset",
      method: "POST",
      path: "/\\$batch$",
      inBatch: false,
      times: 1,
      afterHandling: true,
    } as FaultSpec);
    expect(r.fired).toBe(1);
    expect(r.outcomes.every((o) => o === "activated")).toBe(true);
    expect(maxPerRole(r.accepted)).toBe(1);
    expect([...r.accepted.values()].reduce((a, b) => a + b, 0)).toBe(5);
  });

  it("connection reset before the tenant saw the PUT: read back finds nothing, resent with the same name", async () => {
    const r = await activateUnder({ kind: "reset", method: "PUT", path: armPut, times: 1 });
    expect(r.outcomes.every((o) => o === "activated")).toBe(true);
    const puts = h?.emu.admin.requests().filter((e) => e.method === "PUT") ?? [];
    const names = puts.map((e) => e.path.split("/").pop());
    // The reset PUT and its resend share one GUID.
    expect(names.length).toBe(3);
    expect(new Set(names).size).toBe(2);
    expect(maxPerRole(r.accepted)).toBe(1);
  });

  it("a PUT that hangs past the timeout after being applied: read back by GUID, not resent", async () => {
    const r = await activateUnder(
      { kind: "hang", method: "PUT", path: armPut, times: 1, afterHandling: true } as FaultSpec,
      { client: { retry: { attemptTimeoutMs: 300 } } },
    );
    expect(r.outcomes.every((o) => o === "activated")).toBe(true);
    expect(h?.traces.some((t) => t.error === "timeout")).toBe(true);
    expect(h?.emu.admin.requests().filter((e) => e.method === "PUT")).toHaveLength(2);
    expect(maxPerRole(r.accepted)).toBe(1);
  });

  it("truncated JSON after an applied PUT and on a listing: typed, reconciled, retried", async () => {
    h = await harness();
    h.emu.admin.addFault({
      kind: "truncate",
      method: "GET",
      path: "^/arm/.*roleEligibilityScheduleInstances\\?",
      inBatch: false,
      times: 1,
    });
    const roles = await selection(h);
    expect(roles.filter((x) => x.kind === "azureRole")).toHaveLength(2);
    expect(h.traces.filter((t) => t.url.includes("roleEligibilityScheduleInstances")).length).toBe(2);
    h.emu.admin.addFault({ kind: "truncate", method: "PUT", path: armPut, times: 1 });
    const results = await h.client.activate(roles, input);
    expect(results.every((x) => x.outcome === "activated")).toBe(true);
    expect(maxPerRole(acceptedActivations(h.emu))).toBe(1);
  });

  it("truncated JSON on every attempt of a listing is a typed malformed_response problem", async () => {
    h = await harness();
    h.emu.admin.addFault({
      kind: "truncate",
      method: "GET",
      path: "^/arm/.*roleAssignmentScheduleInstances\\?api-version",
      inBatch: false,
    });
    const { problems, roles } = await h.client.listRoles();
    expect(problems).toEqual([
      expect.objectContaining({ kind: "azureRole", area: "active", code: "malformed_response" }),
    ]);
    expect(roles.length).toBeGreaterThan(0);
  });

  it("token expiry mid-operation: a fresh token, the activation goes through once", async () => {
    let emuNow = () => Date.now();
    h = await harness({ credential: { now: () => emuNow() } });
    emuNow = () => h?.emu.admin.clock.now().getTime() ?? Date.now();
    const roles = await selection(h);
    h.emu.admin.clock.advance(2 * 3600);
    const results = await h.client.activate(
      roles.filter((r) => r.kind !== "azureRole"),
      input,
    );
    expect(results.map((x) => x.outcome)).toEqual(["activated", "activated", "activated"]);
    expect(h.emu.admin.requests().some((e) => e.status === 401)).toBe(true);
    expect(maxPerRole(acceptedActivations(h.emu))).toBe(1);
  });

  it("5xx inside $batch for a write: read back before the item is resent", async () => {
    const r = await activateUnder({
      kind: "status",
      status: 500,
      method: "POST",
      path: graphSubmit,
      inBatch: true,
      times: 1,
    });
    expect(r.fired).toBe(1);
    expect(r.outcomes.every((o) => o === "activated")).toBe(true);
    expect(maxPerRole(r.accepted)).toBe(1);
    // The read-back listed the user's own requests before resending.
    expect(
      h?.emu.admin
        .requests()
        .some(
          (e) =>
            e.method === "GET" &&
            /ScheduleRequests$/.test(e.path) &&
            e.query.$filter?.includes(h?.emu.users.find((u) => u.upn === admin)?.oid ?? "-"),
        ),
    ).toBe(true);
  });
});
