/**
 * Entra directory roles (Graph `roleManagement/directory`): the only place that knows this
 * plane's wire shapes.
 */
import type {
  GraphRoleAssignmentScheduleInstance,
  GraphRoleAssignmentScheduleRequest,
  GraphRoleAssignmentScheduleRequestInput,
  GraphRoleEligibilityScheduleInstance,
} from "@pimkit/contracts";
import type { RoleScope, RoleTarget, TicketInput } from "../types";
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

const base = "/roleManagement/directory";

export const entraPaths = {
  eligible: (principalId: string) =>
    `${base}/roleEligibilityScheduleInstances${odataQuery({
      $filter: `principalId eq ${odataString(principalId)}`,
      $expand: "roleDefinition",
    })}`,
  active: (principalId: string) =>
    `${base}/roleAssignmentScheduleInstances${odataQuery({
      $filter: `principalId eq ${odataString(principalId)}`,
      $expand: "roleDefinition",
    })}`,
  requests: (principalId: string, filter: RequestFilter) =>
    `${base}/roleAssignmentScheduleRequests${odataQuery({
      $filter: `principalId eq ${odataString(principalId)}${requestStatusFilter(filter)}`,
      $expand: "roleDefinition",
    })}`,
  submit: `${base}/roleAssignmentScheduleRequests`,
  cancel: (requestId: string) => `${base}/roleAssignmentScheduleRequests/${encodeURIComponent(requestId)}/cancel`,
  /** Every directory-role policy of the tenant in one listing (per-role reads 403 for AU-scoped roles). */
  policies: `/policies/roleManagementPolicyAssignments${odataQuery({
    $filter: "scopeId eq '/' and scopeType eq 'DirectoryRole'",
    $expand: "policy($expand=rules)",
  })}`,
  administrativeUnit: (id: string) =>
    `/directory/administrativeUnits/${encodeURIComponent(id)}${odataQuery({ $select: "id,displayName" })}`,
};

export function entraKey(roleDefinitionId: string, directoryScopeId: string): string {
  return `entra|${roleDefinitionId.toLowerCase()}|${directoryScopeId}`;
}

/** `/` → directory; `/administrativeUnits/{id}` → AU (name filled in later); `/{id}` → a directory object. */
export function entraScope(directoryScopeId: string, auNames?: ReadonlyMap<string, string>): RoleScope {
  if (directoryScopeId === "/" || directoryScopeId === "")
    return { id: "/", displayName: "Directory", type: "directory" };
  const au = /^\/administrativeUnits\/([^/]+)$/i.exec(directoryScopeId);
  if (au?.[1]) {
    return {
      id: directoryScopeId,
      displayName: auNames?.get(au[1].toLowerCase()) ?? au[1],
      type: "administrativeUnit",
    };
  }
  return { id: directoryScopeId, displayName: directoryScopeId.replace(/^\//, ""), type: "directoryObject" };
}

export function administrativeUnitIdOf(directoryScopeId: string): string | undefined {
  return /^\/administrativeUnits\/([^/]+)$/i.exec(directoryScopeId)?.[1];
}

function targetOf(roleDefinitionId: string, directoryScopeId: string | null | undefined): RoleTarget {
  return { kind: "entraRole", roleDefinitionId, directoryScopeId: directoryScopeId ?? "/" };
}

export function fromEligibility(w: GraphRoleEligibilityScheduleInstance): PlaneRecord {
  const scopeId = w.directoryScopeId ?? "/";
  return {
    key: entraKey(w.roleDefinitionId, scopeId),
    kind: "entraRole",
    target: targetOf(w.roleDefinitionId, scopeId),
    name: w.roleDefinition?.displayName ?? w.roleDefinitionId,
    accessId: null,
    scope: entraScope(scopeId),
    eligibility: {
      start: isoOrNull(w.startDateTime),
      end: isoOrNull(w.endDateTime),
      memberType: memberTypeOf(w.memberType),
    },
  };
}

export function fromAssignment(w: GraphRoleAssignmentScheduleInstance): PlaneRecord {
  const scopeId = w.directoryScopeId ?? "/";
  return {
    key: entraKey(w.roleDefinitionId, scopeId),
    kind: "entraRole",
    target: targetOf(w.roleDefinitionId, scopeId),
    name: w.roleDefinition?.displayName ?? w.roleDefinitionId,
    accessId: null,
    scope: entraScope(scopeId),
    assignment: {
      start: isoOrNull(w.startDateTime),
      end: isoOrNull(w.endDateTime),
      assignmentType: (w.assignmentType ?? "").toLowerCase() === "activated" ? "activated" : "permanent",
      memberType: memberTypeOf(w.memberType),
    },
  };
}

export function fromRequest(w: GraphRoleAssignmentScheduleRequest): PlaneRequest {
  const scopeId = w.directoryScopeId ?? "/";
  return {
    requestId: w.id,
    key: entraKey(w.roleDefinitionId, scopeId),
    kind: "entraRole",
    target: targetOf(w.roleDefinitionId, scopeId),
    name: w.roleDefinition?.displayName ?? w.roleDefinitionId,
    accessId: null,
    scope: entraScope(scopeId),
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

export interface EntraRequestInput {
  roleDefinitionId: string;
  directoryScopeId: string;
  principalId: string;
  justification: string | null;
  ticket: TicketInput | null;
  start: string | null;
  duration: string | null;
  validateOnly?: boolean;
}

export function activationBody(i: EntraRequestInput): GraphRoleAssignmentScheduleRequestInput {
  return {
    action: "selfActivate",
    principalId: i.principalId,
    roleDefinitionId: i.roleDefinitionId,
    directoryScopeId: i.directoryScopeId,
    ...(i.justification ? { justification: i.justification } : {}),
    ...(i.ticket ? { ticketInfo: { ticketNumber: i.ticket.number, ticketSystem: i.ticket.system } } : {}),
    scheduleInfo: {
      ...(i.start ? { startDateTime: i.start } : {}),
      expiration: { type: "afterDuration", duration: i.duration ?? "PT1H" },
    },
    ...(i.validateOnly ? { isValidationOnly: true } : {}),
  };
}

export function deactivationBody(i: { roleDefinitionId: string; directoryScopeId: string; principalId: string }) {
  return {
    action: "selfDeactivate" as const,
    principalId: i.principalId,
    roleDefinitionId: i.roleDefinitionId,
    directoryScopeId: i.directoryScopeId,
  };
}
