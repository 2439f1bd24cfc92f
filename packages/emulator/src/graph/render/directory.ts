/**
 * Entra directory roles (`roleManagement/directory`): schedule instances, schedules, requests and
 * role definitions, shaped as the v1.0 examples show them (PascalCase `memberType` /
 * `assignmentType` strings, `appScopeId` null, seven-digit date-times).
 */
import type { TenantState } from "../../state/api";
import type {
  AssignmentRecord,
  DirectoryRoleRecord,
  EligibilityRecord,
  RequestRecord,
  RoleTarget,
} from "../../state/model";
import { directoryInstanceId, graphDateTime } from "../format";
import type { ExpandItem } from "../odata/query";
import { renderDirectoryObject, renderDirectoryScope } from "./objects";
import { renderScheduleInfo, renderTicketInfo } from "./requests";

type DirectoryTarget = Extract<RoleTarget, { plane: "directoryRole" }>;

export function directoryTarget(target: RoleTarget): DirectoryTarget | undefined {
  return target.plane === "directoryRole" ? target : undefined;
}

export function renderRoleDefinition(role: DirectoryRoleRecord): Record<string, unknown> {
  return {
    id: role.id,
    description: role.description,
    displayName: role.displayName,
    isBuiltIn: role.isBuiltIn,
    isEnabled: true,
    resourceScopes: ["/"],
    rolePermissions: [],
    templateId: role.id,
    version: "1",
  };
}

export function eligibilityInstanceId(e: EligibilityRecord, t: DirectoryTarget): string {
  return directoryInstanceId(t.roleDefinitionId, e.principalId, e.id, "eligibility");
}

export function assignmentInstanceId(a: AssignmentRecord, t: DirectoryTarget): string {
  return directoryInstanceId(t.roleDefinitionId, a.principalId, a.id, "assignment");
}

export function renderEligibilityInstance(e: EligibilityRecord): Record<string, unknown> {
  const t = directoryTarget(e.target);
  if (!t) return {};
  return {
    id: eligibilityInstanceId(e, t),
    principalId: e.principalId,
    roleDefinitionId: t.roleDefinitionId,
    directoryScopeId: t.directoryScopeId,
    appScopeId: null,
    startDateTime: graphDateTime(e.start),
    endDateTime: graphDateTime(e.end),
    memberType: e.memberType,
    roleEligibilityScheduleId: e.id,
  };
}

export function renderAssignmentInstance(a: AssignmentRecord): Record<string, unknown> {
  const t = directoryTarget(a.target);
  if (!t) return {};
  const id = assignmentInstanceId(a, t);
  // A permanent standing assignment shows no dates (rbacapplication-list-roleassignmentscheduleinstances example).
  const permanent = a.assignmentType === "Assigned" && a.end === null;
  return {
    id,
    principalId: a.principalId,
    roleDefinitionId: t.roleDefinitionId,
    directoryScopeId: t.directoryScopeId,
    appScopeId: null,
    startDateTime: permanent ? null : graphDateTime(a.start),
    endDateTime: graphDateTime(a.end),
    assignmentType: a.assignmentType,
    memberType: a.memberType,
    roleAssignmentOriginId: id,
    roleAssignmentScheduleId: a.assignmentType === "Activated" ? a.id : id,
  };
}

function scheduleInfo(start: string, end: string | null): Record<string, unknown> {
  return {
    startDateTime: graphDateTime(start),
    recurrence: null,
    expiration: {
      type: end === null ? "noExpiration" : "afterDateTime",
      endDateTime: graphDateTime(end),
      duration: null,
    },
  };
}

export function renderEligibilitySchedule(e: EligibilityRecord): Record<string, unknown> {
  const t = directoryTarget(e.target);
  if (!t) return {};
  return {
    id: e.id,
    principalId: e.principalId,
    roleDefinitionId: t.roleDefinitionId,
    directoryScopeId: t.directoryScopeId,
    appScopeId: null,
    createdDateTime: graphDateTime(e.start),
    createdUsing: e.id,
    modifiedDateTime: null,
    status: "Provisioned",
    memberType: e.memberType,
    scheduleInfo: scheduleInfo(e.start, e.end),
  };
}

export function renderAssignmentSchedule(a: AssignmentRecord): Record<string, unknown> {
  const t = directoryTarget(a.target);
  if (!t) return {};
  return {
    id: a.id,
    principalId: a.principalId,
    roleDefinitionId: t.roleDefinitionId,
    directoryScopeId: t.directoryScopeId,
    appScopeId: null,
    createdDateTime: graphDateTime(a.start),
    createdUsing: a.requestId ?? a.id,
    modifiedDateTime: null,
    status: "Provisioned",
    memberType: a.memberType,
    scheduleInfo: scheduleInfo(a.start, a.end),
    assignmentType: a.assignmentType,
  };
}

export function renderDirectoryRequest(r: RequestRecord, isValidationOnly = false): Record<string, unknown> {
  const t = directoryTarget(r.target);
  return {
    id: r.id,
    status: r.status,
    createdDateTime: graphDateTime(r.createdDateTime),
    completedDateTime: graphDateTime(r.completedDateTime),
    approvalId: r.approvalId,
    customData: null,
    action: r.action,
    principalId: r.principalId,
    roleDefinitionId: t?.roleDefinitionId ?? null,
    directoryScopeId: t?.directoryScopeId ?? null,
    appScopeId: null,
    isValidationOnly,
    targetScheduleId: r.id,
    justification: r.justification,
    createdBy: { application: null, device: null, user: { displayName: null, id: r.createdBy } },
    scheduleInfo: renderScheduleInfo(r),
    ticketInfo: renderTicketInfo(r),
  };
}

/** The value of `$expand={nav}` on any directory-role entity (instances, schedules, requests). */
export function expandDirectory(
  state: TenantState,
  target: { roleDefinitionId: string; principalId: string; directoryScopeId: string },
  item: ExpandItem,
  eligibilityOf?: () => EligibilityRecord | undefined,
): unknown {
  switch (item.name) {
    case "roleDefinition": {
      const role = state.directoryRoles.find((r) => r.id.toLowerCase() === target.roleDefinitionId.toLowerCase());
      return role ? renderRoleDefinition(role) : null;
    }
    case "principal":
      return renderDirectoryObject(state, target.principalId);
    case "directoryScope":
      return renderDirectoryScope(state, target.directoryScopeId);
    case "activatedUsing": {
      const e = eligibilityOf?.();
      return e ? renderEligibilityInstance(e) : null;
    }
    default:
      // appScope: the surface serves no app-specific scopes.
      return null;
  }
}
