/**
 * Comparator (c): the approach of the best browser tool we found (PIMActivation-Portal, as read
 * for anchors.md): the listing reads in parallel; directory-role policies in one tenant-wide
 * request, group policies per group and access, ARM policies in two steps per role (assignment,
 * then policy) with 4 ARM requests in flight; administrative-unit names through `$batch`; a
 * proactive step-up for the first authentication context before submitting; Graph activations
 * in `$batch` chunks of 20 (one retry of throttled items after the first throttled item's
 * Retry-After); ARM activations by PUT with 4 in flight. Where the description leaves a choice
 * open the faster reading is taken: the two planes run side by side, and the stepped-up token
 * is acquired once per plane, not per request.
 */
import {
  type ActivationFields,
  type ArmEligibility,
  type ArmPolicyAssignment,
  acrsClaims,
  armActivationBody,
  claimsChallenge,
  type EntraEligibility,
  type GraphPolicyAssignment,
  type GroupEligibility,
  graphActivationBody,
  type Outcome,
  odata,
  outcomeOf,
  type Requirements,
  requirementsFromRules,
  type Wire,
  WireError,
  type WireResponse,
} from "./wire";

const q = encodeURIComponent;
/** The Portal sends its ARM writes with the preview api-version. */
const armWriteApiVersion = "2020-10-01-preview";
const armReadApiVersion = "2020-10-01";
const batchSize = 20;
const armInFlight = 4;

interface BatchRequest {
  id: string;
  method: "GET" | "POST";
  url: string;
  body?: unknown;
}

interface BatchAnswer {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

async function runWithLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** `$batch` in chunks of 20, one after another; throttled items are retried once. */
async function graphBatch(wire: Wire, requests: readonly BatchRequest[]): Promise<Map<string, WireResponse>> {
  const out = new Map<string, WireResponse>();
  for (let i = 0; i < requests.length; i += batchSize) {
    const chunk = requests.slice(i, i + batchSize);
    const send = async (items: readonly BatchRequest[]) => {
      const res = await wire.send("graph", "POST", `${wire.graphBase}/$batch`, {
        requests: items.map((r) => ({
          id: r.id,
          method: r.method,
          url: r.url,
          ...(r.body !== undefined ? { body: r.body, headers: { "content-type": "application/json" } } : {}),
        })),
      });
      if (res.status !== 200) throw new WireError(res, "$batch");
      return (res.body as { responses?: BatchAnswer[] }).responses ?? [];
    };
    let answers = await send(chunk);
    const throttled = answers.filter((a) => a.status === 429);
    if (throttled.length > 0) {
      const wait = Number(throttled[0]?.headers?.["Retry-After"] ?? throttled[0]?.headers?.["retry-after"] ?? 5);
      await new Promise((r) => setTimeout(r, (Number.isFinite(wait) ? wait : 5) * 1000));
      const again = await send(chunk.filter((r) => throttled.some((t) => t.id === r.id)));
      answers = [...answers.filter((a) => a.status !== 429), ...again];
    }
    for (const a of answers) out.set(a.id, { status: a.status, headers: new Headers(a.headers ?? {}), body: a.body });
  }
  return out;
}

interface Item {
  name: string;
  kind: "entra" | "group" | "azure";
  req?: Requirements;
  entra?: EntraEligibility;
  group?: GroupEligibility;
  azure?: ArmEligibility;
}

export async function activateAllBatched(wire: Wire, fields: ActivationFields): Promise<Outcome[]> {
  const oid = await wire.principalId();
  const g = wire.graphBase;
  const a = wire.armBase;
  const byPrincipal = q(`principalId eq ${odata(oid)}`);
  const asTarget = `api-version=${armReadApiVersion}&$filter=${q("asTarget()")}`;

  // Listing: every read at once (eligible, active, pending, on the three planes).
  const [entra, entraActive, , groups, groupsActive, , azure, azureActive] = await Promise.all([
    wire.list<EntraEligibility>(
      "graph",
      `${g}/roleManagement/directory/roleEligibilityScheduleInstances?$filter=${byPrincipal}&$expand=${q("roleDefinition,principal")}`,
    ),
    wire.list<{ roleDefinitionId: string; directoryScopeId: string }>(
      "graph",
      `${g}/roleManagement/directory/roleAssignmentScheduleInstances?$filter=${byPrincipal}&$expand=roleDefinition`,
    ),
    wire.list(
      "graph",
      `${g}/roleManagement/directory/roleAssignmentScheduleRequests?$filter=${q(`principalId eq ${odata(oid)} and status eq 'PendingApproval'`)}`,
    ),
    wire.list<GroupEligibility>(
      "graph",
      `${g}/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=${byPrincipal}&$expand=group`,
    ),
    wire.list<{ groupId: string; accessId: string }>(
      "graph",
      `${g}/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?$filter=${byPrincipal}&$expand=group`,
    ),
    wire.list(
      "graph",
      `${g}/identityGovernance/privilegedAccess/group/assignmentScheduleRequests?$filter=${q(`principalId eq ${odata(oid)} and status eq 'PendingApproval'`)}`,
    ),
    wire.list<ArmEligibility>(
      "arm",
      `${a}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?${asTarget}&$expand=expandedProperties`,
    ),
    wire.list<{ properties: { scope: string; roleDefinitionId: string } }>(
      "arm",
      `${a}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?${asTarget}&$expand=expandedProperties`,
    ),
    wire.list(
      "arm",
      `${a}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests?api-version=${armReadApiVersion}&$filter=${byPrincipal}`,
    ),
  ]);

  const active = new Set<string>([
    ...entraActive.map((x) => `e|${x.roleDefinitionId}|${x.directoryScopeId}`),
    ...groupsActive.map((x) => `g|${x.groupId}|${x.accessId}`),
    ...azureActive.map((x) => `a|${x.properties.scope.toLowerCase()}|${x.properties.roleDefinitionId.toLowerCase()}`),
  ]);
  const items: Item[] = [
    ...entra
      .filter((e) => !active.has(`e|${e.roleDefinitionId}|${e.directoryScopeId}`))
      .map((e): Item => ({ name: e.roleDefinition?.displayName ?? e.roleDefinitionId, kind: "entra", entra: e })),
    ...groups
      .filter((e) => !active.has(`g|${e.groupId}|${e.accessId}`))
      .map((e): Item => ({ name: `${e.group?.displayName ?? e.groupId}:${e.accessId}`, kind: "group", group: e })),
    ...azure
      .filter(
        (e) => !active.has(`a|${e.properties.scope.toLowerCase()}|${e.properties.roleDefinitionId.toLowerCase()}`),
      )
      .map(
        (e): Item => ({
          name: `${e.properties.expandedProperties?.roleDefinition?.displayName ?? e.properties.roleDefinitionId}@${e.properties.scope}`,
          kind: "azure",
          azure: e,
        }),
      ),
  ];

  // Policies and names, planes side by side.
  const entraPolicies = async () => {
    const list = await wire.list<GraphPolicyAssignment>(
      "graph",
      `${g}/policies/roleManagementPolicyAssignments?$filter=${q("scopeId eq '/' and scopeType eq 'DirectoryRole'")}&$expand=${q("policy($expand=rules)")}`,
    );
    const byRole = new Map(list.map((p) => [p.roleDefinitionId ?? "", requirementsFromRules(p.policy?.rules ?? [])]));
    for (const it of items) if (it.entra) it.req = byRole.get(it.entra.roleDefinitionId);
  };
  const groupPolicies = async () => {
    const groupItems = items.filter((it) => it.group);
    const answers = await graphBatch(
      wire,
      groupItems.map((it, i) => ({
        id: String(i),
        method: "GET" as const,
        url: `/policies/roleManagementPolicyAssignments?$filter=${q(
          `scopeId eq ${odata(it.group?.groupId ?? "")} and scopeType eq 'Group' and roleDefinitionId eq ${odata(it.group?.accessId ?? "")}`,
        )}&$expand=${q("policy($expand=rules)")}`,
      })),
    );
    groupItems.forEach((it, i) => {
      const body = answers.get(String(i))?.body as { value?: GraphPolicyAssignment[] } | undefined;
      it.req = requirementsFromRules(body?.value?.[0]?.policy?.rules ?? []);
    });
  };
  const auNames = async () => {
    const aus = [
      ...new Set(
        items
          .map((it) => /^\/administrativeUnits\/(.+)$/.exec(it.entra?.directoryScopeId ?? "")?.[1])
          .filter((x): x is string => x !== undefined),
      ),
    ];
    await graphBatch(
      wire,
      aus.map((id, i) => ({ id: String(i), method: "GET" as const, url: `/directory/administrativeUnits/${id}` })),
    );
  };
  const armPolicies = async () => {
    await runWithLimit(
      items.filter((it) => it.azure),
      armInFlight,
      async (it) => {
        const p = it.azure?.properties;
        if (!p) return;
        const assignments = await wire.send(
          "arm",
          "GET",
          `${a}${p.scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments?api-version=${armReadApiVersion}&$filter=${q(`roleDefinitionId eq ${odata(p.roleDefinitionId)}`)}`,
        );
        const policyId = (assignments.body as { value?: ArmPolicyAssignment[] } | undefined)?.value?.[0]?.properties
          ?.policyId;
        if (!policyId) return;
        const policy = await wire.send("arm", "GET", `${a}${policyId}?api-version=${armReadApiVersion}`);
        const rules = (policy.body as { properties?: { rules?: Parameters<typeof requirementsFromRules>[0] } })
          .properties?.rules;
        it.req = requirementsFromRules(rules ?? []);
      },
    );
  };
  await Promise.all([entraPolicies(), groupPolicies(), auNames(), armPolicies()]);

  // Proactive step-up: the first context only (the tool assumes one satisfied context covers all).
  const contexts = [...new Set(items.map((it) => it.req?.authContext).filter((c): c is string => !!c))];
  const claims = acrsClaims(contexts.slice(0, 1));
  if (claims) {
    // One stepped-up token per plane, then reused: the claims are not sent on every request.
    await wire.stepUp("graph", claims);
    await wire.stepUp("arm", claims);
  }

  const outcomes: Outcome[] = [];
  const graphWrites = async () => {
    const graphItems = items.filter((it) => it.entra || it.group);
    const requests = graphItems.map((it, i): BatchRequest => {
      const req = it.req ?? requirementsFromRules([]);
      return it.entra
        ? {
            id: String(i),
            method: "POST" as const,
            url: "/roleManagement/directory/roleAssignmentScheduleRequests",
            body: graphActivationBody(
              oid,
              { roleDefinitionId: it.entra.roleDefinitionId, directoryScopeId: it.entra.directoryScopeId },
              req,
              fields,
            ),
          }
        : {
            id: String(i),
            method: "POST" as const,
            url: "/identityGovernance/privilegedAccess/group/assignmentScheduleRequests",
            body: graphActivationBody(
              oid,
              { groupId: it.group?.groupId ?? "", accessId: it.group?.accessId ?? "" },
              req,
              fields,
            ),
          };
    });
    const answers = await graphBatch(wire, requests);
    // Reactive step-up: one sign-in with the claims the service asked for, the same bodies once more.
    const challenged = requests.filter((r) => {
      const res = answers.get(r.id);
      return res !== undefined && claimsChallenge(res) !== undefined;
    });
    const asked = challenged[0] ? claimsChallenge(answers.get(challenged[0].id) as WireResponse) : undefined;
    if (asked) {
      await wire.stepUp("graph", asked);
      for (const [id, res] of await graphBatch(wire, challenged)) answers.set(id, res);
    }
    graphItems.forEach((it, i) => {
      const res = answers.get(String(i));
      outcomes.push(res ? outcomeOf(it.name, res) : { role: it.name, outcome: "failed:no-answer" });
    });
  };
  const armWrites = async () => {
    await runWithLimit(
      items.filter((it) => it.azure),
      armInFlight,
      async (it) => {
        const p = it.azure?.properties;
        if (!p) return;
        const body = armActivationBody(
          oid,
          p.roleDefinitionId,
          p.roleEligibilityScheduleId,
          it.req ?? requirementsFromRules([]),
          fields,
        );
        const url = `${a}${p.scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${crypto.randomUUID()}?api-version=${armWriteApiVersion}`;
        outcomes.push(outcomeOf(it.name, await wire.sendWithStepUp("arm", "PUT", url, body)));
      },
    );
  };
  await Promise.all([graphWrites(), armWrites()]);
  return outcomes;
}
