import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { EffectiveProgress } from "../../src/index";
import { byName, closeShared, type Harness, harness } from "./harness";

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
