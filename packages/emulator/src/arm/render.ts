/**
 * The tenant's neutral records in ARM's wire shapes (Microsoft.Authorization PIM, api-version
 * 2020-10-01), following the live recordings: full resource ids, lower-camel resource types
 * (`Microsoft.Authorization/roleAssignmentScheduleInstances`), `expandedProperties` in the order
 * principal, roleDefinition, scope, nulls omitted, empty `ticketInfo` as `{}`.
 */
import type {
  ArmExpandedProperties,
  ArmRequestType,
  ArmResource,
  ArmRoleAssignmentScheduleInstanceProperties,
  ArmRoleAssignmentScheduleRequestProperties,
  ArmRoleEligibilityScheduleInstanceProperties,
  ArmRoleEligibilityScheduleProperties,
} from "@pimkit/contracts";
import type { TenantState } from "../state/api";
import type { AssignmentRecord, EligibilityRecord, RequestAction, RequestRecord, RoleTarget } from "../state/model";
import { isoTime, offsetTime, omitNulls, ticksTime } from "./format";
import {
  type ArmScope,
  expandedScope,
  isAtOrBelow,
  normalisePath,
  resolveStoredScope,
  resourceId,
  roleDefinitionFullId,
  sameId,
  trailingGuid,
} from "./scope";

export const armTypes = {
  eligibilityInstance: "Microsoft.Authorization/roleEligibilityScheduleInstances",
  eligibilitySchedule: "Microsoft.Authorization/roleEligibilitySchedules",
  assignmentInstance: "Microsoft.Authorization/roleAssignmentScheduleInstances",
  assignmentSchedule: "Microsoft.Authorization/roleAssignmentSchedules",
  request: "Microsoft.Authorization/roleAssignmentScheduleRequests",
} as const;

/** The Azure target of a record, or undefined for other planes. */
export function azureTarget(target: RoleTarget): { scope: string; roleDefinitionId: string } | undefined {
  return target.plane === "azure" ? { scope: target.scope, roleDefinitionId: target.roleDefinitionId } : undefined;
}

/** Scope of a stored record as an ArmScope (unknown scopes keep their text, so nothing is dropped). */
export function recordScope(raw: string, state: TenantState): ArmScope {
  const known = resolveStoredScope(raw, state);
  if (known) return known;
  const path = normalisePath(raw);
  return { id: path === "/" ? "" : path, kind: "resource" };
}

export function roleGuid(roleDefinitionId: string): string {
  return trailingGuid(roleDefinitionId) ?? roleDefinitionId.toLowerCase();
}

export function principalType(id: string, state: TenantState): "User" | "Group" | "ServicePrincipal" {
  if (state.user(id)) return "User";
  if (state.groups.some((g) => sameId(g.id, id))) return "Group";
  return "ServicePrincipal";
}

export function expandedPrincipal(id: string, state: TenantState): NonNullable<ArmExpandedProperties["principal"]> {
  const user = state.user(id);
  if (user) {
    return omitNulls({
      id: user.oid,
      displayName: user.displayName,
      type: "User",
      email: user.mail,
      userPrincipalName: user.upn,
    });
  }
  const group = state.groups.find((g) => sameId(g.id, id));
  if (group) return { id: group.id, displayName: group.displayName, type: "Group" };
  return { id, type: "ServicePrincipal" };
}

export function expandedRoleDefinition(scope: ArmScope, roleDefinitionId: string, state: TenantState) {
  const guid = roleGuid(roleDefinitionId);
  const def = state.azureRoleDefinitions.find((d) => sameId(d.id, guid));
  return omitNulls({
    id: roleDefinitionFullId(scope, guid),
    displayName: def?.displayName,
    type: def?.type ?? "BuiltInRole",
  });
}

function expanded(
  scope: ArmScope,
  principalId: string,
  roleDefinitionId: string,
  state: TenantState,
): ArmExpandedProperties {
  return {
    principal: expandedPrincipal(principalId, state),
    roleDefinition: expandedRoleDefinition(scope, roleDefinitionId, state),
    scope: expandedScope(scope, state),
  };
}

/** `memberType` of a record seen from `listingScope`: records held above the listing scope are Inherited. */
function memberTypeAt(
  own: ArmScope,
  memberType: string,
  listingScope: ArmScope | undefined,
  state: TenantState,
): string {
  if (listingScope && !sameId(own.id, listingScope.id) && isAtOrBelow(listingScope, own, state)) return "Inherited";
  return memberType;
}

export function renderEligibilityInstance(
  rec: EligibilityRecord,
  state: TenantState,
  listingScope?: ArmScope,
): ArmResource<ArmRoleEligibilityScheduleInstanceProperties> | undefined {
  const t = azureTarget(rec.target);
  if (!t) return undefined;
  const scope = recordScope(t.scope, state);
  return omitNulls({
    properties: {
      scope: scope.id === "" ? "/" : scope.id,
      roleDefinitionId: roleDefinitionFullId(scope, roleGuid(t.roleDefinitionId)),
      principalId: rec.principalId,
      principalType: principalType(rec.principalId, state),
      roleEligibilityScheduleId: resourceId(scope, "roleEligibilitySchedules", rec.id),
      status: "Provisioned",
      startDateTime: isoTime(rec.start),
      endDateTime: isoTime(rec.end),
      memberType: memberTypeAt(scope, rec.memberType, listingScope, state),
      createdOn: isoTime(rec.start),
      expandedProperties: expanded(scope, rec.principalId, t.roleDefinitionId, state),
    },
    name: rec.id,
    id: resourceId(scope, "roleEligibilityScheduleInstances", rec.id),
    type: armTypes.eligibilityInstance,
  });
}

export function renderEligibilitySchedule(
  rec: EligibilityRecord,
  state: TenantState,
  listingScope?: ArmScope,
): ArmResource<ArmRoleEligibilityScheduleProperties> | undefined {
  const t = azureTarget(rec.target);
  if (!t) return undefined;
  const scope = recordScope(t.scope, state);
  return omitNulls({
    properties: {
      roleEligibilityScheduleRequestId: resourceId(scope, "roleEligibilityScheduleRequests", rec.id),
      scope: scope.id === "" ? "/" : scope.id,
      roleDefinitionId: roleDefinitionFullId(scope, roleGuid(t.roleDefinitionId)),
      principalId: rec.principalId,
      principalType: principalType(rec.principalId, state),
      status: "Provisioned",
      startDateTime: isoTime(rec.start),
      endDateTime: isoTime(rec.end),
      memberType: memberTypeAt(scope, rec.memberType, listingScope, state),
      createdOn: isoTime(rec.start),
      updatedOn: isoTime(rec.start),
      expandedProperties: expanded(scope, rec.principalId, t.roleDefinitionId, state),
    },
    name: rec.id,
    id: resourceId(scope, "roleEligibilitySchedules", rec.id),
    type: armTypes.eligibilitySchedule,
  });
}

/** Where an eligibility lives, for `linkedRoleEligibilitySchedule*Id` (falls back to `fallback`). */
function eligibilityScope(eligibilityId: string, state: TenantState, fallback: ArmScope): ArmScope {
  const bare = trailingGuid(eligibilityId) ?? eligibilityId;
  const e = state.eligibilities({ plane: "azure" }).find((x) => sameId(x.id, bare));
  const t = e ? azureTarget(e.target) : undefined;
  if (t) return recordScope(t.scope, state);
  // A full id names its own scope.
  const marker = "/providers/microsoft.authorization/";
  const at = eligibilityId.toLowerCase().lastIndexOf(marker);
  if (at > 0) return recordScope(eligibilityId.slice(0, at), state);
  return fallback;
}

export function renderAssignment(
  rec: AssignmentRecord,
  state: TenantState,
  as: "instance" | "schedule",
  listingScope?: ArmScope,
): ArmResource<ArmRoleAssignmentScheduleInstanceProperties> | undefined {
  const t = azureTarget(rec.target);
  if (!t) return undefined;
  const scope = recordScope(t.scope, state);
  const eligibilityAt = rec.eligibilityId ? eligibilityScope(rec.eligibilityId, state, scope) : undefined;
  const eligibilityGuid = rec.eligibilityId ? (trailingGuid(rec.eligibilityId) ?? rec.eligibilityId) : undefined;
  return omitNulls({
    properties: {
      roleAssignmentScheduleId: as === "instance" ? resourceId(scope, "roleAssignmentSchedules", rec.id) : undefined,
      originRoleAssignmentId: resourceId(scope, "roleAssignments", rec.id),
      linkedRoleEligibilityScheduleId:
        eligibilityAt && eligibilityGuid
          ? resourceId(eligibilityAt, "roleEligibilitySchedules", eligibilityGuid)
          : undefined,
      linkedRoleEligibilityScheduleInstanceId:
        as === "instance" && eligibilityAt && eligibilityGuid
          ? resourceId(eligibilityAt, "roleEligibilityScheduleInstances", eligibilityGuid)
          : undefined,
      assignmentType: rec.assignmentType,
      scope: scope.id === "" ? "/" : scope.id,
      roleDefinitionId: roleDefinitionFullId(scope, roleGuid(t.roleDefinitionId)),
      principalId: rec.principalId,
      principalType: principalType(rec.principalId, state),
      status: "Provisioned",
      startDateTime: isoTime(rec.start),
      endDateTime: isoTime(rec.end),
      memberType: memberTypeAt(scope, rec.memberType, listingScope, state),
      createdOn: isoTime(rec.start),
      expandedProperties: expanded(scope, rec.principalId, t.roleDefinitionId, state),
    },
    name: rec.id,
    id: resourceId(scope, as === "instance" ? "roleAssignmentScheduleInstances" : "roleAssignmentSchedules", rec.id),
    type: as === "instance" ? armTypes.assignmentInstance : armTypes.assignmentSchedule,
  });
}

const requestTypes: Record<RequestAction, ArmRequestType> = {
  selfActivate: "SelfActivate",
  selfDeactivate: "SelfDeactivate",
  selfExtend: "SelfExtend",
  selfRenew: "SelfRenew",
};

const expirationTypes: Record<string, string> = {
  afterduration: "AfterDuration",
  afterdatetime: "AfterDateTime",
  noexpiration: "NoExpiration",
};

/** The scope a request was made at (falls back to its target's scope). */
export function requestScope(req: RequestRecord, state: TenantState): ArmScope {
  const t = azureTarget(req.target);
  return recordScope(req.armScope ?? t?.scope ?? "/", state);
}

export function renderRequest(
  req: RequestRecord,
  state: TenantState,
): ArmResource<ArmRoleAssignmentScheduleRequestProperties> | undefined {
  const t = azureTarget(req.target);
  if (!t) return undefined;
  const scope = requestScope(req, state);
  const deactivate = req.action === "selfDeactivate";
  const linkedAt = req.linkedEligibilityId ? eligibilityScope(req.linkedEligibilityId, state, scope) : undefined;
  const linkedGuid = req.linkedEligibilityId
    ? (trailingGuid(req.linkedEligibilityId) ?? req.linkedEligibilityId)
    : undefined;
  const expirationType = req.expirationType ? expirationTypes[req.expirationType.toLowerCase()] : undefined;
  return omitNulls({
    properties: {
      linkedRoleEligibilityScheduleId:
        linkedAt && linkedGuid ? resourceId(linkedAt, "roleEligibilitySchedules", linkedGuid) : undefined,
      targetRoleAssignmentScheduleId: deactivate
        ? undefined
        : resourceId(scope, "roleAssignmentSchedules", req.assignmentId ?? req.id),
      scope: scope.id === "" ? "/" : scope.id,
      roleDefinitionId: roleDefinitionFullId(scope, roleGuid(t.roleDefinitionId)),
      principalId: req.principalId,
      principalType: principalType(req.principalId, state),
      requestType: requestTypes[req.action],
      status: req.status,
      approvalId: req.approvalId
        ? `/providers/Microsoft.Authorization/roleAssignmentApprovals/${req.approvalId}`
        : undefined,
      scheduleInfo: deactivate
        ? undefined
        : {
            startDateTime: offsetTime(req.start ?? req.requestedStart ?? req.createdDateTime),
            expiration: {
              type: expirationType,
              duration: req.duration,
              endDateTime: expirationType === "AfterDateTime" ? offsetTime(req.end) : undefined,
            },
          },
      ticketInfo: { ticketNumber: req.ticketNumber, ticketSystem: req.ticketSystem },
      justification: req.justification === "" ? undefined : req.justification,
      requestorId: req.createdBy,
      createdOn: ticksTime(req.createdDateTime),
      expandedProperties: expanded(scope, req.principalId, t.roleDefinitionId, state),
    },
    name: req.id,
    id: resourceId(scope, "roleAssignmentScheduleRequests", req.id),
    type: armTypes.request,
  });
}
