import { createEmulatorCredential } from "@pimkit/testkit";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createPimClient, type EffectiveProgress } from "../../src/index";
import { admin, byName, closeShared, type Harness, harness } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(closeShared);

describe("request lifecycle", () => {
  it("pending approval, approved by the approver, then waitUntilEffective sees it", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["group"] });
    const owner = byName(roles, "PIM-Tier0-Operators", "owner");
    const [res] = await h.client.activate([owner], { justification: "rotate secrets", duration: "PT1H" });
    expect(res).toMatchObject({ outcome: "pending", status: "PendingApproval" });
    const listed = await h.client.listRoles({ kinds: ["group"] });
    expect(byName(listed.roles, "PIM-Tier0-Operators", "owner")).toMatchObject({
      state: "pending",
      pendingRequest: { requestId: res?.requestId },
    });

    const progress: EffectiveProgress[] = [];
    let approved = false;
    const effective = await h.client.waitUntilEffective(res ? [res] : [], {
      timeout: 120_000,
      onProgress: (p) => {
        progress.push(p);
        // The approver decides while the requester waits.
        if (!approved && p.attempts >= 1) {
          const approval = h?.emu.admin.approvals.list().find((a) => a.requestId === res?.requestId);
          if (approval) h?.emu.admin.approvals.approve(approval.id);
          approved = true;
        }
      },
    });
    expect(effective).toEqual([expect.objectContaining({ id: owner.id, state: "effective" })]);
    expect(progress.map((p) => p.state)).toContain("pending");
    expect(progress.at(-1)?.state).toBe("effective");
  });

  it("a denied request ends the wait as denied", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["entraRole"] });
    const [res] = await h.client.activate([byName(roles, "Privileged Role Administrator")], { justification: "x" });
    const approval = h.emu.admin.approvals.list().find((a) => a.requestId === res?.requestId);
    expect(approval).toBeDefined();
    if (approval) h.emu.admin.approvals.deny(approval.id);
    const [p] = await h.client.waitUntilEffective(res ? [res] : [], { timeout: 60_000 });
    expect(p?.state).toBe("denied");
  });

  it("waits through the provisioning delay, reporting progress per role, and times out on what never appears", async () => {
    h = await harness({ emulator: { provisioningDelaySeconds: 30 } });
    const { roles } = await h.client.listRoles();
    const results = await h.client.activate([byName(roles, "Reports Reader"), byName(roles, "Contributor")], {
      justification: "x",
      ticket: { system: "SN", number: "1" },
    });
    expect(results.map((r) => r.outcome)).toEqual(["activated", "activated"]);
    const seen = new Map<string, string[]>();
    const done = await h.client.waitUntilEffective(results, {
      timeout: 300_000,
      onProgress: (p) => {
        seen.set(p.id, [...(seen.get(p.id) ?? []), p.state]);
        h?.emu.admin.clock.advance(10);
      },
    });
    expect(done.map((d) => d.state)).toEqual(["effective", "effective"]);
    for (const states of seen.values()) expect(states[0]).toBe("pending");

    const [scheduled] = await h.client.activate([byName(roles, "Global Reader")], {
      justification: "x",
      start: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    const [t] = await h.client.waitUntilEffective(scheduled ? [scheduled] : [], { timeout: 20_000 });
    expect(t?.state).toBe("timeout");
  });

  it("cancels a pending Graph request and a scheduled ARM request", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    const [pending] = await h.client.activate([byName(roles, "Privileged Role Administrator")], { justification: "x" });
    const [scheduled] = await h.client.activate([byName(roles, "Contributor")], {
      justification: "x",
      ticket: { system: "SN", number: "3" },
      start: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(scheduled?.outcome).toBe("scheduled");
    const a = await h.client.cancelRequest(pending?.requestId ?? "");
    expect(a).toMatchObject({ outcome: "canceled", kind: "entraRole", error: null });
    const listing = await h.client.listRequests({ kinds: ["azureRole"] });
    const armRequest = listing.requests.find((r) => r.requestId === scheduled?.requestId);
    expect(armRequest?.status).toBe("Granted");
    const b = await h.client.cancelRequest(armRequest ?? "");
    expect(b).toMatchObject({ outcome: "canceled", kind: "azureRole" });
    const after = await h.client.listRequests();
    expect(after.requests.find((r) => r.requestId === pending?.requestId)?.status).toBe("Canceled");
    expect(after.requests.find((r) => r.requestId === scheduled?.requestId)?.status).toBe("Canceled");
    // Nothing pending is left to cancel.
    const again = await h.client.cancelRequest(pending?.requestId ?? "");
    expect(again).toMatchObject({ outcome: "failed", error: { code: "request_not_cancelable" } });
    await expect(h.client.cancelRequest("00000000-0000-0000-0000-000000000000")).rejects.toMatchObject({
      code: "unknown_request",
    });
  });
});

describe("open requests: approval and scheduled", () => {
  it("pendingOnly lists scheduled activations of every plane (reason scheduled) next to approvals, and they cancel", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    const input = { justification: "maintenance window", ticket: { system: "SN", number: "42" } };
    const start = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const scheduled = await h.client.activate(
      [byName(roles, "Global Reader"), byName(roles, "PIM-Tier0-Operators", "member"), byName(roles, "Contributor")],
      { ...input, start, duration: "PT1H" },
    );
    expect(scheduled.map((r) => r.outcome)).toEqual(["scheduled", "scheduled", "scheduled"]);
    const [approval] = await h.client.activate([byName(roles, "Privileged Role Administrator")], input);
    const [now] = await h.client.activate([byName(roles, "Reports Reader")], input);
    expect([approval?.outcome, now?.outcome]).toEqual(["pending", "activated"]);

    const open = await h.client.listRequests({ pendingOnly: true });
    expect(open.problems).toEqual([]);
    const reasonOf = (id: string | null | undefined) => {
      const found = open.requests.filter((r) => r.requestId === id);
      expect(found).toHaveLength(1);
      return [found[0]?.kind, found[0]?.status, found[0]?.pending, found[0]?.pendingReason];
    };
    expect(scheduled.map((r) => reasonOf(r.requestId))).toEqual([
      ["entraRole", "Granted", true, "scheduled"],
      ["group", "Granted", true, "scheduled"],
      ["azureRole", "Granted", true, "scheduled"],
    ]);
    expect(reasonOf(approval?.requestId)).toEqual(["entraRole", "PendingApproval", true, "approval"]);
    expect(open.requests.some((r) => r.requestId === now?.requestId)).toBe(false);
    // The full listing says the same about each request, and the provisioned one is not open.
    const all = await h.client.listRequests();
    expect(all.requests.find((r) => r.requestId === now?.requestId)).toMatchObject({
      pending: false,
      pendingReason: null,
    });
    expect(all.requests.find((r) => r.requestId === scheduled[1]?.requestId)?.pendingReason).toBe("scheduled");
    // Graph is asked for open requests only, not the whole history.
    const graphFilters = h.emu.admin
      .requests()
      .filter((e) => e.surface === "graph" && /ScheduleRequests$/.test(e.path) && e.method === "GET")
      .map((e) => e.query.$filter ?? "");
    expect(graphFilters.some((f) => f.includes("status eq 'Granted'"))).toBe(true);

    // Scheduled items cancel from the listing on the Graph planes.
    for (const r of open.requests.filter((q) => q.pendingReason === "scheduled" && q.kind !== "azureRole")) {
      expect(await h.client.cancelRequest(r)).toMatchObject({ outcome: "canceled", error: null });
    }
    // Once the start passes, the Azure one is active rather than open (the approval has a day).
    // Tokens issued before the jump have expired by the tenant's clock: sign in afresh.
    h.emu.admin.clock.advance(2 * 3_600 + 60);
    const client = createPimClient({
      cloud: h.emu.cloud,
      credential: createEmulatorCredential(h.emu, { upn: admin }),
      fetch: h.emu.fetch,
    });
    const later = await client.listRequests({ pendingOnly: true });
    expect(later.problems).toEqual([]);
    expect(later.requests.map((r) => r.requestId)).toEqual([approval?.requestId]);
  });
});

describe("deactivation", () => {
  it("inside the first 5 minutes: ActiveDurationTooShort with the earliest time; afterwards it ends", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles();
    await h.client.activate([byName(roles, "Reports Reader"), byName(roles, "Contributor")], {
      justification: "x",
      ticket: { system: "SN", number: "4" },
    });
    const active = (await h.client.listRoles()).roles;
    const targets = [byName(active, "Reports Reader"), byName(active, "Contributor")];
    const early = await h.client.deactivate(targets);
    expect(early.map((r) => [r.outcome, r.error?.code])).toEqual([
      ["failed", "active_duration_too_short"],
      ["failed", "active_duration_too_short"],
    ]);
    for (const [i, r] of early.entries()) {
      const start = Date.parse(targets[i]?.assignment?.start ?? "");
      expect(Date.parse(r.earliestDeactivation ?? "")).toBe(start + 5 * 60_000);
      expect(r.advice).toContain(r.earliestDeactivation ?? "-");
    }
    h.emu.admin.clock.advance(5 * 60 + 5);
    const later = await h.client.deactivate(targets);
    expect(later.map((r) => r.outcome)).toEqual(["deactivated", "deactivated"]);
    const after = (await h.client.listRoles()).roles;
    expect(byName(after, "Reports Reader").state).toBe("eligible");
    expect(byName(after, "Contributor").state).toBe("eligible");
  });

  it("nothing active, or a standing assignment: not deactivated, no request for the former", async () => {
    h = await harness();
    const { roles } = await h.client.listRoles({ kinds: ["entraRole"] });
    const [none, standing] = await h.client.deactivate([
      byName(roles, "Global Reader"),
      byName(roles, "Service Support Administrator"),
    ]);
    expect(none?.outcome).toBe("not-active");
    expect(standing).toMatchObject({ outcome: "failed", error: { code: "not_active" } });
    expect(h.emu.admin.requests().filter((e) => e.method === "POST" && /ScheduleRequests$/.test(e.path))).toHaveLength(
      0,
    );
  });
});
