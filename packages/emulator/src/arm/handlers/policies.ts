/**
 * roleManagementPolicies (get by name, list at scope) and roleManagementPolicyAssignments (list
 * at scope, `$filter=roleDefinitionId eq '{full id}'` as the anchors send it although the stable
 * swagger declares no filter; get by `{policyGuid}_{roleDefinitionGuid}`). A policy whose
 * `readableBy` leaves the caller out answers 403 AuthorizationFailed on both steps of the
 * two-step read (assignment, then policy).
 */
import type { EmuResponse } from "../../http/types";
import type { PolicyRecord } from "../../state/model";
import { type ArmCall, callerUpn, checkQueryOptions, filterOf, ok, page, scopeOf } from "../call";
import { armErrors } from "../errors";
import { policyAssignmentName, policyScope, renderPolicy, renderPolicyAssignment } from "../policies-render";
import { roleGuid } from "../render";
import { type ArmScope, resourceId, sameId, trailingGuid } from "../scope";

/**
 * Policies handed out by `policyFor` (a tenant default for a role nobody is eligible for is not in
 * `policies()`), remembered per tenant state so the second step of a two-step read finds them.
 */
const handedOut = new WeakMap<object, Map<string, PolicyRecord>>();

function allPolicies(call: ArmCall): PolicyRecord[] {
  const listed = call.state.policies("azure");
  const extra = handedOut.get(call.state);
  if (!extra) return listed;
  const known = new Set(listed.map((p) => p.policyGuid.toLowerCase()));
  return [...listed, ...[...extra.values()].filter((p) => !known.has(p.policyGuid.toLowerCase()))];
}

function remember(call: ArmCall, policy: PolicyRecord): void {
  let map = handedOut.get(call.state);
  if (!map) {
    map = new Map();
    handedOut.set(call.state, map);
  }
  map.set(policy.policyGuid.toLowerCase(), policy);
}

function readable(call: ArmCall, policy: PolicyRecord): boolean {
  return !policy.readableBy || policy.readableBy.some((oid) => sameId(oid, call.claims.oid));
}

function atScope(call: ArmCall, policy: PolicyRecord, scope: ArmScope): boolean {
  const own = policyScope(policy, call.state);
  return own !== undefined && sameId(own.id, scope.id);
}

function denied(call: ArmCall, action: string, id: string) {
  return armErrors.authorizationFailed(callerUpn(call), call.claims.oid, `Microsoft.Authorization/${action}/read`, id);
}

export function getPolicy(call: ArmCall, scopeRaw: string, name: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, []);
  const policy = allPolicies(call).find((p) => sameId(p.policyGuid, name) && atScope(call, p, scope));
  const id = resourceId(scope, "roleManagementPolicies", name);
  if (!policy) {
    throw armErrors.notFound(
      "RoleManagementPolicyNotFound",
      `The role management policy '${name}' could not be found at scope '${scope.id || "/"}'.`,
    );
  }
  if (!readable(call, policy)) throw denied(call, "roleManagementPolicies", id);
  return ok(renderPolicy(policy, call.state));
}

export function listPolicies(call: ArmCall, scopeRaw: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, []);
  const items = call.state
    .policies("azure")
    .filter((p) => atScope(call, p, scope) && readable(call, p))
    .map((p) => renderPolicy(p, call.state))
    .filter((p) => p !== undefined);
  return page(call, items);
}

export function listPolicyAssignments(call: ArmCall, scopeRaw: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, ["$filter"]);
  const filter = filterOf(call, ["roleDefinitionId"]);
  if (filter.roleDefinitionId !== undefined) {
    const guid = trailingGuid(filter.roleDefinitionId);
    if (!guid || !call.state.azureRoleDefinitions.some((d) => sameId(d.id, guid))) return page(call, []);
    const policy = call.state.policyFor({
      plane: "azure",
      scope: scope.id === "" ? "/" : scope.id,
      roleDefinitionId: guid,
    });
    remember(call, policy);
    const name = policyAssignmentName(policy) ?? guid;
    if (!readable(call, policy)) {
      throw denied(call, "roleManagementPolicyAssignments", resourceId(scope, "roleManagementPolicyAssignments", name));
    }
    const item = renderPolicyAssignment(policy, call.state);
    return page(call, item ? [item] : []);
  }
  const items = call.state
    .policies("azure")
    .filter((p) => atScope(call, p, scope) && readable(call, p))
    .map((p) => renderPolicyAssignment(p, call.state))
    .filter((p) => p !== undefined);
  return page(call, items);
}

export function getPolicyAssignment(call: ArmCall, scopeRaw: string, name: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, []);
  const [policyGuid, roleDefinitionGuid] = name.split("_");
  const policy = allPolicies(call).find(
    (p) =>
      p.target.plane === "azure" &&
      sameId(p.policyGuid, policyGuid ?? "") &&
      sameId(roleGuid(p.target.roleDefinitionId), roleDefinitionGuid ?? "") &&
      atScope(call, p, scope),
  );
  const id = resourceId(scope, "roleManagementPolicyAssignments", name);
  if (!policy) {
    throw armErrors.notFound(
      "RoleManagementPolicyAssignmentNotFound",
      `The role management policy assignment '${name}' could not be found at scope '${scope.id || "/"}'.`,
    );
  }
  if (!readable(call, policy)) throw denied(call, "roleManagementPolicyAssignments", id);
  return ok(renderPolicyAssignment(policy, call.state));
}
