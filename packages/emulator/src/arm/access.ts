/**
 * What a caller may read, as Azure RBAC decides it. Eligibility grants nothing by itself: read
 * access comes from active role assignments (permanent or activated) of roles whose actions
 * include `*\/read` or `Microsoft.Authorization/*\/read` at or above the scope. Management
 * groups, subscriptions and resource groups are visible when an active assignment sits on, above
 * or below them (ARM lists a subscription to anyone holding a role anywhere inside it).
 */
import type { TenantState } from "../state/api";
import type { AssignmentRecord } from "../state/model";
import { azureTarget, recordScope, roleGuid } from "./render";
import { type ArmScope, isAtOrBelow, sameId } from "./scope";

/** Built-in roles that grant `*\/read` (Owner, Contributor, Reader, User Access Administrator, RBAC Administrator). */
export const readRoleIds = new Set([
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
]);

function activeAzureAssignments(
  state: TenantState,
  oid: string,
): Array<{ rec: AssignmentRecord; scope: ArmScope; role: string }> {
  const out: Array<{ rec: AssignmentRecord; scope: ArmScope; role: string }> = [];
  for (const rec of state.assignments({ plane: "azure", principalId: oid })) {
    const t = azureTarget(rec.target);
    if (t) out.push({ rec, scope: recordScope(t.scope, state), role: roleGuid(t.roleDefinitionId) });
  }
  return out;
}

/** The caller holds a read-granting role at or above `scope`. */
export function canReadAt(state: TenantState, oid: string, scope: ArmScope): boolean {
  return activeAzureAssignments(state, oid).some((a) => readRoleIds.has(a.role) && isAtOrBelow(scope, a.scope, state));
}

/** The caller holds any active role on, above or below `scope` (what makes a container visible). */
export function canSee(state: TenantState, oid: string, scope: ArmScope): boolean {
  return activeAzureAssignments(state, oid).some(
    (a) => isAtOrBelow(scope, a.scope, state) || isAtOrBelow(a.scope, scope, state),
  );
}

export function isCaller(oid: string, principalId: string): boolean {
  return sameId(oid, principalId);
}
