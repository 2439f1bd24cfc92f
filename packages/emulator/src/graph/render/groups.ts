/**
 * PIM for Groups (`identityGovernance/privilegedAccess/group`). Ids follow the service's
 * `{groupId}_{accessId}_{scheduleGuid}` form; `memberType` / `assignmentType` are CSDL enums whose
 * members are lower-case, but every documentation example shows them PascalCase — the scenario's
 * `groupEnumCasing` picks one (CSDL by default, since OData serialises enum member names).
 */
import type { TenantState } from "../../state/api";
import type { AssignmentRecord, EligibilityRecord, RequestRecord, RoleTarget } from "../../state/model";
import { graphDateTime, pascal } from "../format";
import type { ExpandItem } from "../odata/query";
import { renderDirectoryObject, renderGroup } from "./objects";
import { renderScheduleInfo, renderTicketInfo } from "./requests";

type GroupTarget = Extract<RoleTarget, { plane: "group" }>;

export function groupTarget(target: RoleTarget): GroupTarget | undefined {
  return target.plane === "group" ? target : undefined;
}

export function groupScheduleId(t: GroupTarget, guid: string): string {
  return `${t.groupId}_${t.accessId}_${guid}`;
}

function casing(state: TenantState, value: string): string {
  const lower = value.toLowerCase();
  return state.settings.groupEnumCasing === "pascal" ? pascal(lower) : lower;
}

export function renderGroupEligibilityInstance(state: TenantState, e: EligibilityRecord): Record<string, unknown> {
  const t = groupTarget(e.target);
  if (!t) return {};
  const id = groupScheduleId(t, e.id);
  return {
    id,
    startDateTime: graphDateTime(e.start),
    endDateTime: graphDateTime(e.end),
    accessId: t.accessId,
    eligibilityScheduleId: id,
    groupId: t.groupId,
    memberType: casing(state, e.memberType),
    principalId: e.principalId,
  };
}

export function renderGroupAssignmentInstance(state: TenantState, a: AssignmentRecord): Record<string, unknown> {
  const t = groupTarget(a.target);
  if (!t) return {};
  const id = groupScheduleId(t, a.id);
  return {
    id,
    startDateTime: a.assignmentType === "Assigned" && a.end === null ? null : graphDateTime(a.start),
    endDateTime: graphDateTime(a.end),
    accessId: t.accessId,
    assignmentScheduleId: id,
    assignmentType: casing(state, a.assignmentType),
    groupId: t.groupId,
    memberType: casing(state, a.memberType),
    principalId: a.principalId,
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

export function renderGroupEligibilitySchedule(state: TenantState, e: EligibilityRecord): Record<string, unknown> {
  const t = groupTarget(e.target);
  if (!t) return {};
  return {
    id: groupScheduleId(t, e.id),
    createdDateTime: graphDateTime(e.start),
    createdUsing: e.id,
    modifiedDateTime: null,
    scheduleInfo: scheduleInfo(e.start, e.end),
    status: "Provisioned",
    accessId: t.accessId,
    groupId: t.groupId,
    memberType: casing(state, e.memberType),
    principalId: e.principalId,
  };
}

export function renderGroupAssignmentSchedule(state: TenantState, a: AssignmentRecord): Record<string, unknown> {
  const t = groupTarget(a.target);
  if (!t) return {};
  return {
    id: groupScheduleId(t, a.id),
    createdDateTime: graphDateTime(a.start),
    createdUsing: a.requestId ?? a.id,
    modifiedDateTime: null,
    scheduleInfo: scheduleInfo(a.start, a.end),
    status: "Provisioned",
    accessId: t.accessId,
    groupId: t.groupId,
    memberType: casing(state, a.memberType),
    principalId: a.principalId,
    assignmentType: casing(state, a.assignmentType),
  };
}

export function renderGroupRequest(r: RequestRecord, isValidationOnly = false): Record<string, unknown> {
  const t = groupTarget(r.target);
  return {
    id: r.id,
    status: r.status,
    createdDateTime: graphDateTime(r.createdDateTime),
    completedDateTime: graphDateTime(r.completedDateTime),
    approvalId: r.approvalId,
    customData: null,
    createdBy: { application: null, device: null, user: { displayName: null, id: r.createdBy } },
    action: r.action,
    isValidationOnly,
    justification: r.justification,
    scheduleInfo: renderScheduleInfo(r),
    ticketInfo: renderTicketInfo(r),
    accessId: t?.accessId ?? null,
    groupId: t?.groupId ?? null,
    principalId: r.principalId,
    targetScheduleId: t ? groupScheduleId(t, r.id) : r.id,
  };
}

export function expandGroupEntity(
  state: TenantState,
  target: { groupId: string; principalId: string },
  item: ExpandItem,
  eligibilityOf?: () => EligibilityRecord | undefined,
): unknown {
  switch (item.name) {
    case "group": {
      const g = state.groups.find((x) => x.id.toLowerCase() === target.groupId.toLowerCase());
      return g ? renderGroup(g) : null;
    }
    case "principal":
      return renderDirectoryObject(state, target.principalId);
    case "activatedUsing": {
      const e = eligibilityOf?.();
      return e ? renderGroupEligibilityInstance(state, e) : null;
    }
    default:
      return null;
  }
}
