/**
 * Comparator (b): how the serial scripts and CLIs activate "everything I am eligible for" — one
 * request at a time, the policy read per role just before its activation (Graph: the policy
 * assignment with its rules expanded; ARM: the policy assignment, then the policy), the duration
 * capped to the policy maximum, and a claims challenge answered reactively (one step-up, then the
 * identical body once more; the stepped-up token is kept for the following roles).
 */
import {
  type ActivationFields,
  type ArmEligibility,
  type ArmPolicyAssignment,
  armActivationBody,
  armApiVersion,
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
} from "./wire";

const q = encodeURIComponent;

async function graphPolicy(wire: Wire, filter: string): Promise<Requirements> {
  const url = `${wire.graphBase}/policies/roleManagementPolicyAssignments?$filter=${q(filter)}&$expand=${q("policy($expand=rules)")}`;
  const res = await wire.send("graph", "GET", url);
  if (res.status !== 200) throw new WireError(res, "policy");
  const first = (res.body as { value?: GraphPolicyAssignment[] }).value?.[0];
  return requirementsFromRules(first?.policy?.rules ?? []);
}

async function armPolicy(wire: Wire, scope: string, roleDefinitionId: string): Promise<Requirements> {
  const url = `${wire.armBase}${scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments?api-version=${armApiVersion}&$filter=${q(`roleDefinitionId eq ${odata(roleDefinitionId)}`)}`;
  const res = await wire.send("arm", "GET", url);
  if (res.status !== 200) throw new WireError(res, "policy assignment");
  const policyId = (res.body as { value?: ArmPolicyAssignment[] }).value?.[0]?.properties?.policyId;
  if (!policyId) throw new Error(`no policy assignment for ${roleDefinitionId} at ${scope}`);
  const policy = await wire.send("arm", "GET", `${wire.armBase}${policyId}?api-version=${armApiVersion}`);
  if (policy.status !== 200) throw new WireError(policy, "policy");
  const props = (policy.body as { properties?: { rules?: Parameters<typeof requirementsFromRules>[0] } }).properties;
  return requirementsFromRules(props?.rules ?? []);
}

export async function activateAllSerial(wire: Wire, fields: ActivationFields): Promise<Outcome[]> {
  const oid = await wire.principalId();
  const g = wire.graphBase;
  const byPrincipal = q(`principalId eq ${odata(oid)}`);
  const entra = await wire.list<EntraEligibility>(
    "graph",
    `${g}/roleManagement/directory/roleEligibilityScheduleInstances?$filter=${byPrincipal}&$expand=roleDefinition`,
  );
  const entraActive = await wire.list<{ roleDefinitionId: string; directoryScopeId: string; assignmentType?: string }>(
    "graph",
    `${g}/roleManagement/directory/roleAssignmentScheduleInstances?$filter=${byPrincipal}`,
  );
  const groups = await wire.list<GroupEligibility>(
    "graph",
    `${g}/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=${byPrincipal}&$expand=group`,
  );
  const groupsActive = await wire.list<{ groupId: string; accessId: string }>(
    "graph",
    `${g}/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?$filter=${byPrincipal}`,
  );
  const asTarget = `api-version=${armApiVersion}&$filter=${q("asTarget()")}`;
  const azure = await wire.list<ArmEligibility>(
    "arm",
    `${wire.armBase}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?${asTarget}&$expand=expandedProperties`,
  );
  const azureActive = await wire.list<{ properties: { scope: string; roleDefinitionId: string } }>(
    "arm",
    `${wire.armBase}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?${asTarget}`,
  );

  const active = new Set<string>([
    ...entraActive.map((a) => `e|${a.roleDefinitionId}|${a.directoryScopeId}`),
    ...groupsActive.map((a) => `g|${a.groupId}|${a.accessId}`),
    ...azureActive.map((a) => `a|${a.properties.scope.toLowerCase()}|${a.properties.roleDefinitionId.toLowerCase()}`),
  ]);
  const outcomes: Outcome[] = [];

  for (const e of entra) {
    const name = e.roleDefinition?.displayName ?? e.roleDefinitionId;
    if (active.has(`e|${e.roleDefinitionId}|${e.directoryScopeId}`)) continue;
    const req = await graphPolicy(
      wire,
      `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq ${odata(e.roleDefinitionId)}`,
    );
    const body = graphActivationBody(
      oid,
      { roleDefinitionId: e.roleDefinitionId, directoryScopeId: e.directoryScopeId },
      req,
      fields,
    );
    const res = await wire.sendWithStepUp(
      "graph",
      "POST",
      `${g}/roleManagement/directory/roleAssignmentScheduleRequests`,
      body,
    );
    outcomes.push(outcomeOf(name, res));
  }
  for (const e of groups) {
    const name = `${e.group?.displayName ?? e.groupId}:${e.accessId}`;
    if (active.has(`g|${e.groupId}|${e.accessId}`)) continue;
    const req = await graphPolicy(
      wire,
      `scopeId eq ${odata(e.groupId)} and scopeType eq 'Group' and roleDefinitionId eq ${odata(e.accessId)}`,
    );
    const body = graphActivationBody(oid, { groupId: e.groupId, accessId: e.accessId }, req, fields);
    const res = await wire.sendWithStepUp(
      "graph",
      "POST",
      `${g}/identityGovernance/privilegedAccess/group/assignmentScheduleRequests`,
      body,
    );
    outcomes.push(outcomeOf(name, res));
  }
  for (const e of azure) {
    const p = e.properties;
    const name = `${p.expandedProperties?.roleDefinition?.displayName ?? p.roleDefinitionId}@${p.scope}`;
    if (active.has(`a|${p.scope.toLowerCase()}|${p.roleDefinitionId.toLowerCase()}`)) continue;
    const req = await armPolicy(wire, p.scope, p.roleDefinitionId);
    const body = armActivationBody(oid, p.roleDefinitionId, p.roleEligibilityScheduleId, req, fields);
    const url = `${wire.armBase}${p.scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${crypto.randomUUID()}?api-version=${armApiVersion}`;
    const res = await wire.sendWithStepUp("arm", "PUT", url, body);
    outcomes.push(outcomeOf(name, res));
  }
  return outcomes;
}
