import { armApiVersions, armScope, graphScopes, qualifyGraphScopes } from "@pimkit/contracts";
import { createEmulator, type Emulator } from "@pimkit/emulator";
import { createEmulatorCredential, type EmulatorCredential } from "@pimkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAcrsClaims, createPimClient, type PimRole } from "../../src/index";
import { acceptedActivations, maxPerRole } from "./harness";

/**
 * Figures: the `enterprise` tenant (200 eligibilities over three planes) with 40 ms of latency per
 * request. pimkit's way (one `$batch` for Graph discovery, bulk directory policies, batched group
 * policies, ARM policies 16 at a time, Graph activations in concurrent `$batch`es, ARM writes 8 at
 * a time, the step-up overlapping the writes that need none) next to the same work done one
 * request at a time with a policy read per role, as the serial scripts users run today do it.
 */
const latencyMs = 40;
const user = "jordan.ellis@woodgrove.example.com";
const input = { justification: "quarterly access review", ticket: { system: "ServiceNow", number: "CHG-1001" } };

let emu: Emulator;
beforeAll(async () => {
  emu = await createEmulator({ scenario: "enterprise", latencyMs, listen: false });
});
afterAll(async () => {
  await emu.close();
});

function resourceRequests(e: Emulator, since: number): number {
  return e.admin.requests({ since }).filter((r) => (r.surface === "graph" || r.surface === "arm") && !r.batch).length;
}

/**
 * Round trips on the critical path: the longest chain of requests (sign-in included, `$batch`
 * items excluded) in which each started only after the one before it was answered.
 */
function sequentialDepth(e: Emulator, since: number): number {
  const spans = e.admin
    .requests({ since })
    .filter((r) => (r.surface === "graph" || r.surface === "arm" || r.surface === "entra") && !r.batch)
    .map((r) => ({ end: Date.parse(r.time), start: Date.parse(r.time) - r.durationMs }))
    .sort((a, b) => a.end - b.end);
  const depth: number[] = [];
  for (const [i, cur] of spans.entries()) {
    let before = 0;
    for (let j = 0; j < i; j++) {
      const prev = spans[j];
      if (prev && prev.end <= cur.start + 1) before = Math.max(before, depth[j] ?? 0);
    }
    depth[i] = before + 1;
  }
  return Math.max(0, ...depth);
}

function lastSeq(e: Emulator): number {
  return e.admin.requests().at(-1)?.seq ?? 0;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - t0) };
}

/** The serial baseline: plain fetches, one at a time, a policy read per role. */
async function serialRun(e: Emulator, credential: EmulatorCredential): Promise<{ listed: number; activated: number }> {
  const g = (n: readonly string[]) => qualifyGraphScopes(e.cloud.graphResource, n);
  const entraScopes = g(graphScopes.entraRoles);
  const groupScopes = g(graphScopes.groups);
  const arm = [armScope(e.cloud.armResource)];
  const claims = buildAcrsClaims(["c1"]);
  // One token per resource, as a script would hold it (asking with claims each time would go to the network).
  const tokens = new Map<string, string>();
  const token = async (scopes: string[]) => {
    const key = scopes.join(" ");
    let t = tokens.get(key);
    if (!t) {
      t = (await credential.getToken(scopes, claims ? { claims } : {}))?.token ?? "";
      tokens.set(key, t);
    }
    return t;
  };
  const call = async (method: string, url: string, scopes: string[], body?: unknown) => {
    const res = await e.fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${await token(scopes)}`,
        ...(body ? { "Content-Type": "application/json" } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: res.status,
      body: (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined,
    };
  };
  const all = async (url: string, scopes: string[]) => {
    const out: Record<string, unknown>[] = [];
    let next: string | undefined = url;
    while (next) {
      const page = await call("GET", next, scopes);
      out.push(...((page.body?.value as Record<string, unknown>[] | undefined) ?? []));
      next = (page.body?.["@odata.nextLink"] ?? page.body?.nextLink) as string | undefined;
    }
    return out;
  };
  const graph = `${e.cloud.graphEndpoint}/v1.0`;
  const armBase = e.cloud.armEndpoint;
  const oid = e.users.find((u) => u.upn === user)?.oid ?? "";
  const byPrincipal = `$filter=principalId eq '${oid}'`;
  const v = `api-version=${armApiVersions.pim}`;

  const entraEligible = await all(
    `${graph}/roleManagement/directory/roleEligibilityScheduleInstances?${byPrincipal}&$expand=roleDefinition`,
    entraScopes,
  );
  await all(`${graph}/roleManagement/directory/roleAssignmentScheduleInstances?${byPrincipal}`, entraScopes);
  await all(`${graph}/roleManagement/directory/roleAssignmentScheduleRequests?${byPrincipal}`, entraScopes);
  const groupEligible = await all(
    `${graph}/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?${byPrincipal}`,
    groupScopes,
  );
  await all(
    `${graph}/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?${byPrincipal}`,
    groupScopes,
  );
  await all(
    `${graph}/identityGovernance/privilegedAccess/group/assignmentScheduleRequests?${byPrincipal}`,
    groupScopes,
  );
  const azureEligible = await all(
    `${armBase}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?${v}&$filter=asTarget()`,
    arm,
  );
  await all(
    `${armBase}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?${v}&$filter=asTarget()`,
    arm,
  );

  for (const el of entraEligible) {
    await call(
      "GET",
      `${graph}/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${String(el.roleDefinitionId)}'&$expand=policy($expand=rules)`,
      entraScopes,
    );
  }
  for (const el of groupEligible) {
    await call(
      "GET",
      `${graph}/policies/roleManagementPolicyAssignments?$filter=scopeId eq '${String(el.groupId)}' and scopeType eq 'Group' and roleDefinitionId eq '${String(el.accessId)}'&$expand=policy($expand=rules)`,
      groupScopes,
    );
  }
  for (const el of azureEligible) {
    const p = el.properties as Record<string, string>;
    const assignments = await all(
      `${armBase}${p.scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments?${v}&$filter=roleDefinitionId eq '${p.roleDefinitionId}'`,
      arm,
    );
    const policyId = (assignments[0]?.properties as Record<string, string> | undefined)?.policyId;
    if (policyId) await call("GET", `${armBase}${policyId}?${v}`, arm);
  }
  const listed = entraEligible.length + groupEligible.length + azureEligible.length;

  let activated = 0;
  const schedule = { expiration: { type: "afterDuration", duration: "PT30M" } };
  for (const el of entraEligible) {
    const r = await call("POST", `${graph}/roleManagement/directory/roleAssignmentScheduleRequests`, entraScopes, {
      action: "selfActivate",
      principalId: oid,
      roleDefinitionId: el.roleDefinitionId,
      directoryScopeId: el.directoryScopeId,
      justification: input.justification,
      ticketInfo: { ticketNumber: input.ticket.number, ticketSystem: input.ticket.system },
      scheduleInfo: schedule,
    });
    if (r.status === 201) activated++;
  }
  for (const el of groupEligible) {
    const r = await call(
      "POST",
      `${graph}/identityGovernance/privilegedAccess/group/assignmentScheduleRequests`,
      groupScopes,
      {
        action: "selfActivate",
        accessId: el.accessId,
        principalId: oid,
        groupId: el.groupId,
        justification: input.justification,
        ticketInfo: { ticketNumber: input.ticket.number, ticketSystem: input.ticket.system },
        scheduleInfo: schedule,
      },
    );
    if (r.status === 201) activated++;
  }
  for (const el of azureEligible) {
    const p = el.properties as Record<string, string>;
    const r = await call(
      "PUT",
      `${armBase}${p.scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${crypto.randomUUID()}?${v}`,
      arm,
      {
        properties: {
          principalId: oid,
          roleDefinitionId: p.roleDefinitionId,
          requestType: "SelfActivate",
          linkedRoleEligibilityScheduleId: p.roleEligibilityScheduleId,
          justification: input.justification,
          ticketInfo: { ticketNumber: input.ticket.number, ticketSystem: input.ticket.system },
          scheduleInfo: { expiration: { type: "AfterDuration", duration: "PT30M" } },
        },
      },
    );
    if (r.status === 201) activated++;
  }
  return { listed, activated };
}

describe("figures: enterprise tenant, 40 ms latency", () => {
  it("lists and activates everything with fewer requests and less time than one-at-a-time", async () => {
    const credential = createEmulatorCredential(emu, { upn: user });
    const client = createPimClient({ cloud: emu.cloud, credential, fetch: emu.fetch });

    const m0 = lastSeq(emu);
    const list = await timed(() => client.listRoles());
    const listRequests = resourceRequests(emu, m0);
    const listDepth = sequentialDepth(emu, m0);
    const eligible = list.value.roles.filter((r: PimRole) => r.eligibility && r.state === "eligible");
    expect(list.value.problems).toEqual([]);
    expect(eligible.length).toBeGreaterThanOrEqual(150);

    const m1 = lastSeq(emu);
    const act = await timed(() => client.activate(eligible, { ...input, duration: "PT30M" }));
    const activateRequests = resourceRequests(emu, m1);
    const activateDepth = sequentialDepth(emu, m1);
    const outcomes = new Map<string, number>();
    for (const r of act.value) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    expect(act.value.filter((r) => r.outcome === "failed")).toEqual([]);
    expect(maxPerRole(acceptedActivations(emu))).toBe(1);

    emu.admin.reset();
    const serialCredential = createEmulatorCredential(emu, { upn: user });
    const m2 = lastSeq(emu);
    const serial = await timed(() => serialRun(emu, serialCredential));
    const serialRequests = resourceRequests(emu, m2);
    expect(serial.value.listed).toBe(list.value.roles.filter((r) => r.eligibility).length);

    const line = (label: string, requests: number, ms: number, depth?: number) =>
      `${label.padEnd(50)} ${String(requests).padStart(5)} requests ${String(ms).padStart(7)} ms${
        depth === undefined ? "" : ` ${String(depth).padStart(4)} round trips in sequence`
      }`;
    const report = [
      `enterprise: ${eligible.length} eligible roles, ${latencyMs} ms latency per request`,
      line("pimkit list (eligible+active+pending+policies)", listRequests, list.ms, listDepth),
      line(
        `pimkit activate all (${[...outcomes].map(([k, n]) => `${n} ${k}`).join(", ")})`,
        activateRequests,
        act.ms,
        activateDepth,
      ),
      line("pimkit total", listRequests + activateRequests, list.ms + act.ms, listDepth + activateDepth),
      line("one at a time (list + policy per role + activate)", serialRequests, serial.ms),
      `ratio: ${(serialRequests / (listRequests + activateRequests)).toFixed(1)}x fewer requests, ${(serial.ms / (list.ms + act.ms)).toFixed(1)}x faster`,
    ].join("\n");
    console.log(report);
    expect(listRequests + activateRequests).toBeLessThan(serialRequests / 2);
    expect(list.ms + act.ms).toBeLessThan(serial.ms);
  }, 120_000);
});
