/**
 * PIM for Groups (Graph `identityGovernance/privilegedAccess/group`): member and owner are
 * separate items, and `accessId` travels with every request and policy lookup.
 */
import type {
  GraphAccessId,
  GraphGroupAssignmentScheduleInstance,
  GraphGroupAssignmentScheduleRequest,
  GraphGroupAssignmentScheduleRequestInput,
  GraphGroupEligibilityScheduleInstance,
} from "@pimkit/contracts";
import type { AccessId, RoleScope, RoleTarget, TicketInput } from "../types";
import {
  isoOrNull,
  memberTypeOf,
  odataQuery,
  odataString,
  type PlaneRecord,
  type PlaneRequest,
  type RequestFilter,
  requestActionOf,
  requestStatusFilter,
} from "./common";

const base = "/identityGovernance/privilegedAccess/group";

export const groupPaths = {
  eligible: (principalId: string) =>
    `${base}/eligibilityScheduleInstances${odataQuery({
      $filter: `principalId eq ${odataString(principalId)}`,
      $expand: "group",
    })}`,
  active: (principalId: string) =>
    `${base}/assignmentScheduleInstances${odataQuery({
      $filter: `principalId eq ${odataString(principalId)}`,
      $expand: "group",
    })}`,
  requests: (principalId: string, filter: RequestFilter) =>
    `${base}/assignmentScheduleRequests${odataQuery({
      $filter: `principalId eq ${odataString(principalId)}${requestStatusFilter(filter)}`,
      $expand: "group",
    })}`,
  submit: `${base}/assignmentScheduleRequests`,
  cancel: (requestId: string) => `${base}/assignmentScheduleRequests/${encodeURIComponent(requestId)}/cancel`,
  /** The policy of one group for one access (member and owner have separate policies). */
  policy: (groupId: string, accessId: AccessId) =>
    `/policies/roleManagementPolicyAssignments${odataQuery({
      $filter: `scopeId eq ${odataString(groupId)} and scopeType eq 'Group' and roleDefinitionId eq ${odataString(accessId)}`,
      $expand: "policy($expand=rules)",
    })}`,
};

export function groupKey(groupId: string, accessId: AccessId): string {
  return `group|${groupId.toLowerCase()}|${accessId}`;
}

function accessOf(v: GraphAccessId | string): AccessId {
  return String(v).toLowerCase() === "owner" ? "owner" : "member";
}

function scopeOf(groupId: string, name: string | null | undefined): RoleScope {
  return { id: groupId, displayName: name ?? groupId, type: "group" };
}

function targetOf(groupId: string, accessId: AccessId): RoleTarget {
  return { kind: "group", groupId, accessId };
}

export function fromEligibility(w: GraphGroupEligibilityScheduleInstance): PlaneRecord {
  const accessId = accessOf(w.accessId);
  const name = w.group?.displayName ?? null;
  return {
    key: groupKey(w.groupId, accessId),
    kind: "group",
    target: targetOf(w.groupId, accessId),
    name: name ?? w.groupId,
    accessId,
    scope: scopeOf(w.groupId, name),
    eligibility: {
      start: isoOrNull(w.startDateTime),
      end: isoOrNull(w.endDateTime),
      memberType: memberTypeOf(w.memberType),
    },
  };
}

export function fromAssignment(w: GraphGroupAssignmentScheduleInstance): PlaneRecord {
  const accessId = accessOf(w.accessId);
  const name = w.group?.displayName ?? null;
  return {
    key: groupKey(w.groupId, accessId),
    kind: "group",
    target: targetOf(w.groupId, accessId),
    name: name ?? w.groupId,
    accessId,
    scope: scopeOf(w.groupId, name),
    assignment: {
      start: isoOrNull(w.startDateTime),
      end: isoOrNull(w.endDateTime),
      // CSDL spells these lower-case, the docs PascalCase: compare without case.
      assignmentType: (w.assignmentType ?? "").toLowerCase() === "activated" ? "activated" : "permanent",
      memberType: memberTypeOf(w.memberType),
    },
  };
}

export function fromRequest(w: GraphGroupAssignmentScheduleRequest): PlaneRequest {
  const accessId = accessOf(w.accessId);
  const name = w.group?.displayName ?? null;
  return {
    requestId: w.id,
    key: groupKey(w.groupId, accessId),
    kind: "group",
    target: targetOf(w.groupId, accessId),
    name: name ?? w.groupId,
    accessId,
    scope: scopeOf(w.groupId, name),
    action: requestActionOf(w.action),
    status: w.status,
    createdAt: isoOrNull(w.createdDateTime),
    start: isoOrNull(w.scheduleInfo?.startDateTime),
    duration: w.scheduleInfo?.expiration?.duration ?? null,
    end: isoOrNull(w.scheduleInfo?.expiration?.endDateTime),
    justification: w.justification ?? null,
    resourceId: null,
  };
}

export interface GroupRequestInput {
  groupId: string;
  accessId: AccessId;
  principalId: string;
  justification: string | null;
  ticket: TicketInput | null;
  start: string | null;
  duration: string | null;
  validateOnly?: boolean;
}

export function activationBody(i: GroupRequestInput): GraphGroupAssignmentScheduleRequestInput {
  return {
    accessId: i.accessId,
    action: "selfActivate",
    principalId: i.principalId,
    groupId: i.groupId,
    ...(i.justification ? { justification: i.justification } : {}),
    ...(i.ticket ? { ticketInfo: { ticketNumber: i.ticket.number, ticketSystem: i.ticket.system } } : {}),
    scheduleInfo: {
      ...(i.start ? { startDateTime: i.start } : {}),
      expiration: { type: "afterDuration", duration: i.duration ?? "PT1H" },
    },
    ...(i.validateOnly ? { isValidationOnly: true } : {}),
  };
}

export function deactivationBody(i: { groupId: string; accessId: AccessId; principalId: string }) {
  return { accessId: i.accessId, action: "selfDeactivate" as const, principalId: i.principalId, groupId: i.groupId };
}
