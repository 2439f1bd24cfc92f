/**
 * roleEligibilityScheduleInstances, roleEligibilitySchedules, roleAssignmentScheduleInstances and
 * roleAssignmentSchedules: list at any scope (tenant root included) and get by name.
 *
 * Filters (swagger `$filter` descriptions, stable/2020-10-01): `asTarget()` the caller's own,
 * `assignedTo('{id}')` / `principalId eq '{id}'` a principal's, `atScope()` only at or above the
 * scope. Without `atScope()` the list covers the scope, what is below it and what is inherited
 * from above (shown as `memberType: Inherited`). Listing other principals' schedules needs read
 * access at the scope; without it ARM answers 400 InsufficientPermissions pointing at asTarget().
 */
import type { EmuResponse } from "../../http/types";
import type { AssignmentRecord, EligibilityRecord } from "../../state/model";
import { canReadAt, isCaller } from "../access";
import { type ArmCall, checkExpand, checkQueryOptions, filterOf, ok, page, scopeOf } from "../call";
import { armErrors } from "../errors";
import {
  azureTarget,
  recordScope,
  renderAssignment,
  renderEligibilityInstance,
  renderEligibilitySchedule,
} from "../render";
import { type ArmScope, isAtOrBelow, resourceId, sameId } from "../scope";

export type ScheduleKind =
  | "roleEligibilityScheduleInstances"
  | "roleEligibilitySchedules"
  | "roleAssignmentScheduleInstances"
  | "roleAssignmentSchedules";

const notFoundCodes: Record<ScheduleKind, string> = {
  roleEligibilityScheduleInstances: "RoleEligibilityScheduleInstanceNotFound",
  roleEligibilitySchedules: "RoleEligibilityScheduleNotFound",
  roleAssignmentScheduleInstances: "RoleAssignmentScheduleInstanceNotFound",
  roleAssignmentSchedules: "RoleAssignmentScheduleNotFound",
};

type AnyRecord = EligibilityRecord | AssignmentRecord;

function records(call: ArmCall, kind: ScheduleKind): AnyRecord[] {
  return kind.startsWith("roleEligibility")
    ? call.state.eligibilities({ plane: "azure" })
    : call.state.assignments({ plane: "azure" });
}

function render(call: ArmCall, kind: ScheduleKind, rec: AnyRecord, listing: ArmScope): unknown {
  switch (kind) {
    case "roleEligibilityScheduleInstances":
      return renderEligibilityInstance(rec as EligibilityRecord, call.state, listing);
    case "roleEligibilitySchedules":
      return renderEligibilitySchedule(rec as EligibilityRecord, call.state, listing);
    case "roleAssignmentScheduleInstances":
      return renderAssignment(rec as AssignmentRecord, call.state, "instance", listing);
    case "roleAssignmentSchedules":
      return renderAssignment(rec as AssignmentRecord, call.state, "schedule", listing);
  }
}

function scopeOfRecord(call: ArmCall, rec: AnyRecord): ArmScope | undefined {
  const t = azureTarget(rec.target);
  return t ? recordScope(t.scope, call.state) : undefined;
}

export function listSchedules(call: ArmCall, kind: ScheduleKind, scopeRaw: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, ["$filter", "$expand"]);
  checkExpand(call);
  const filter = filterOf(call, ["asTarget", "atScope", "principalId", "assignedTo"]);
  const oid = call.claims.oid;
  let principal: string | undefined;
  if (filter.asTarget) principal = oid;
  else principal = filter.assignedTo ?? filter.principalId;
  const ownOnly = principal !== undefined && isCaller(oid, principal);
  if (!ownOnly && !canReadAt(call.state, oid, scope)) throw armErrors.insufficientPermissions(oid);

  const out: unknown[] = [];
  for (const rec of records(call, kind)) {
    if (principal !== undefined && !sameId(rec.principalId, principal)) continue;
    const own = scopeOfRecord(call, rec);
    if (!own) continue;
    const above = isAtOrBelow(scope, own, call.state);
    const below = isAtOrBelow(own, scope, call.state);
    if (filter.atScope ? !above : !(above || below)) continue;
    const item = render(call, kind, rec, scope);
    if (item) out.push(item);
  }
  return page(call, out);
}

export function getSchedule(call: ArmCall, kind: ScheduleKind, scopeRaw: string, name: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, ["$filter", "$expand"]);
  checkExpand(call);
  filterOf(call, ["asTarget"]);
  const oid = call.claims.oid;
  const rec = records(call, kind).find((r) => {
    if (!sameId(r.id, name)) return false;
    const own = scopeOfRecord(call, r);
    return own !== undefined && isAtOrBelow(scope, own, call.state);
  });
  const id = resourceId(scope, kind, name);
  if (!rec) {
    throw armErrors.notFound(
      notFoundCodes[kind],
      `The ${kind.replace(/s$/, "")} '${name}' could not be found at scope '${scope.id || "/"}'.`,
    );
  }
  if (!isCaller(oid, rec.principalId) && !canReadAt(call.state, oid, scope)) {
    throw armErrors.authorizationFailed(
      call.user?.upn ?? call.claims.upn,
      oid,
      `Microsoft.Authorization/${kind}/read`,
      id,
    );
  }
  return ok(render(call, kind, rec, scope));
}
