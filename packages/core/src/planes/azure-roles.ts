/**
 * Azure resource roles (ARM Microsoft.Authorization, api-version 2020-10-01). ARM matches keys
 * case-insensitively, omits nulls, and spells resource ids with varying case: ids are compared
 * without case and role definitions by their GUID.
 */
import {
  type ArmEligibleChildResource,
  type ArmResource,
  type ArmRoleAssignmentScheduleInstanceProperties,
  type ArmRoleAssignmentScheduleRequestInput,
  type ArmRoleAssignmentScheduleRequestProperties,
  type ArmRoleEligibilityScheduleInstanceProperties,
  armApiVersions,
} from "@pimkit/contracts";
import type { RoleScope, ScopeType, TicketInput } from "../types";
import { isoOrNull, memberTypeOf, odataString, type PlaneRecord, type PlaneRequest, requestActionOf } from "./common";

const provider = "/providers/Microsoft.Authorization";
const v = `api-version=${armApiVersions.pim}`;

function q(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, val]) => `${k}=${encodeURIComponent(val)}`)
    .join("&");
}

export const azurePaths = {
  /** Tenant root + asTarget(): every eligibility of the caller without enumerating subscriptions. */
  eligible: `${provider}/roleEligibilityScheduleInstances?${v}&${q({ $filter: "asTarget()", $expand: "expandedProperties" })}`,
  active: `${provider}/roleAssignmentScheduleInstances?${v}&${q({ $filter: "asTarget()", $expand: "expandedProperties" })}`,
  requests: (principalId: string) =>
    `${provider}/roleAssignmentScheduleRequests?${v}&${q({ $filter: `principalId eq ${odataString(principalId)}` })}`,
  request: (scope: string, name: string) =>
    `${trimScope(scope)}${provider}/roleAssignmentScheduleRequests/${name}?${v}`,
  validate: (scope: string, name: string) =>
    `${trimScope(scope)}${provider}/roleAssignmentScheduleRequests/${name}/validate?${v}`,
  cancel: (scope: string, name: string) =>
    `${trimScope(scope)}${provider}/roleAssignmentScheduleRequests/${name}/cancel?${v}`,
  policyAssignments: (scope: string, roleDefinitionId: string) =>
    `${trimScope(scope)}${provider}/roleManagementPolicyAssignments?${v}&${q({
      $filter: `roleDefinitionId eq ${odataString(roleDefinitionId)}`,
    })}`,
  /** `policyId` is a full resource path. */
  policy: (policyId: string) => `${policyId}?${v}`,
  /** `resourceTypes` are OR-ed, as the API's `$filter` description shows (`resourceType eq 'a' or resourceType eq 'b'`). */
  eligibleChildren: (scope: string, resourceTypes: readonly string[] = []) =>
    `${trimScope(scope)}${provider}/eligibleChildResources?${v}${
      resourceTypes.length
        ? `&${q({ $filter: resourceTypes.map((t) => `resourceType eq ${odataString(t)}`).join(" or ") })}`
        : ""
    }`,
};

function trimScope(scope: string): string {
  const s = scope.replace(/\/+$/, "");
  return s === "" ? "" : s.startsWith("/") ? s : `/${s}`;
}

/** The GUID at the end of a role definition id (`…/roleDefinitions/{guid}`). */
export function roleDefinitionGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split("/").pop() ?? roleDefinitionId).toLowerCase();
}

/** `/providers/Microsoft.Subscription/subscriptions/S/...` (eligibleChildResources) → `/subscriptions/S/...`. */
export function normalizeScope(scope: string): string {
  return trimScope(scope.replace(/^\/providers\/Microsoft\.Subscription(?=\/subscriptions\/)/i, ""));
}

export function azureKey(scope: string, roleDefinitionId: string): string {
  return `azure|${normalizeScope(scope).toLowerCase()}|${roleDefinitionGuid(roleDefinitionId)}`;
}

export function scopeTypeOf(scope: string, wireType?: string | null): ScopeType {
  const t = (wireType ?? "").toLowerCase();
  if (t === "managementgroup") return "managementGroup";
  if (t === "subscription") return "subscription";
  if (t === "resourcegroup") return "resourceGroup";
  if (t === "resource") return "resource";
  const s = normalizeScope(scope).toLowerCase();
  if (s === "" || s === "/") return "tenantRoot";
  if (/^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(s)) return "managementGroup";
  if (/^\/subscriptions\/[^/]+$/.test(s)) return "subscription";
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(s)) return "resourceGroup";
  return "resource";
}

/** True when `child` is `parent` or lies beneath it. */
export function isWithinScope(child: string, parent: string): boolean {
  const c = normalizeScope(child).toLowerCase();
  const p = normalizeScope(parent).toLowerCase();
  return p === "" || c === p || c.startsWith(`${p}/`);
}

/** The scope one level up (resource → resource group → subscription); undefined at the top. */
export function parentScope(scope: string): string | undefined {
  const s = normalizeScope(scope);
  const type = scopeTypeOf(s);
  if (type === "resource") {
    const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\//i.exec(s);
    return m?.[1];
  }
  if (type === "resourceGroup") return /^(\/subscriptions\/[^/]+)\//i.exec(s)?.[1];
  return undefined;
}

function scopeOf(scope: string, expanded?: { displayName?: string; type?: string } | null): RoleScope {
  const id = normalizeScope(scope);
  return {
    id,
    displayName: expanded?.displayName ?? (id.split("/").pop() || "/"),
    type: scopeTypeOf(id, expanded?.type),
  };
}

export function fromEligibility(w: ArmResource<ArmRoleEligibilityScheduleInstanceProperties>): PlaneRecord | undefined {
  const p = w.properties ?? {};
  if (!p.scope || !p.roleDefinitionId) return undefined;
  return {
    key: azureKey(p.scope, p.roleDefinitionId),
    kind: "azureRole",
    target: {
      kind: "azureRole",
      scope: normalizeScope(p.scope),
      roleDefinitionId: p.roleDefinitionId,
      eligibilityScheduleId: p.roleEligibilityScheduleId ?? null,
    },
    name: p.expandedProperties?.roleDefinition?.displayName ?? roleDefinitionGuid(p.roleDefinitionId),
    accessId: null,
    scope: scopeOf(p.scope, p.expandedProperties?.scope),
    eligibility: {
      start: isoOrNull(p.startDateTime),
      end: isoOrNull(p.endDateTime),
      memberType: memberTypeOf(p.memberType),
    },
  };
}

export function fromAssignment(w: ArmResource<ArmRoleAssignmentScheduleInstanceProperties>): PlaneRecord | undefined {
  const p = w.properties ?? {};
  if (!p.scope || !p.roleDefinitionId) return undefined;
  return {
    key: azureKey(p.scope, p.roleDefinitionId),
    kind: "azureRole",
    target: {
      kind: "azureRole",
      scope: normalizeScope(p.scope),
      roleDefinitionId: p.roleDefinitionId,
      eligibilityScheduleId: p.linkedRoleEligibilityScheduleId ?? null,
    },
    name: p.expandedProperties?.roleDefinition?.displayName ?? roleDefinitionGuid(p.roleDefinitionId),
    accessId: null,
    scope: scopeOf(p.scope, p.expandedProperties?.scope),
    assignment: {
      start: isoOrNull(p.startDateTime),
      end: isoOrNull(p.endDateTime),
      assignmentType: (p.assignmentType ?? "").toLowerCase() === "activated" ? "activated" : "permanent",
      memberType: memberTypeOf(p.memberType),
      linkedEligibilityScheduleId: p.linkedRoleEligibilityScheduleId ?? null,
    },
  };
}

export function fromRequest(w: ArmResource<ArmRoleAssignmentScheduleRequestProperties>): PlaneRequest | undefined {
  const p = w.properties ?? ({} as ArmRoleAssignmentScheduleRequestProperties);
  const scope = p.scope ?? scopeFromResourceId(w.id);
  if (!scope || !p.roleDefinitionId) return undefined;
  return {
    requestId: w.name,
    key: azureKey(scope, p.roleDefinitionId),
    kind: "azureRole",
    target: {
      kind: "azureRole",
      scope: normalizeScope(scope),
      roleDefinitionId: p.roleDefinitionId,
      eligibilityScheduleId: p.linkedRoleEligibilityScheduleId ?? null,
    },
    name: p.expandedProperties?.roleDefinition?.displayName ?? roleDefinitionGuid(p.roleDefinitionId),
    accessId: null,
    scope: scopeOf(scope, p.expandedProperties?.scope),
    action: requestActionOf(p.requestType),
    status: p.status ?? "Unknown",
    createdAt: isoOrNull(p.createdOn),
    start: isoOrNull(p.scheduleInfo?.startDateTime),
    duration: p.scheduleInfo?.expiration?.duration ?? null,
    end: isoOrNull(p.scheduleInfo?.expiration?.endDateTime),
    justification: p.justification ?? null,
    resourceId: w.id,
  };
}

/** `{scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/{name}` → `{scope}`. */
export function scopeFromResourceId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const i = id.toLowerCase().lastIndexOf("/providers/microsoft.authorization/");
  return i >= 0 ? id.slice(0, i) || "/" : undefined;
}

export function fromChildResource(w: ArmEligibleChildResource): RoleScope {
  const id = normalizeScope(w.id);
  return scopeOf(id, { displayName: w.name || (id.split("/").pop() ?? id), type: w.type });
}

export interface AzureRequestInput {
  roleDefinitionId: string;
  principalId: string;
  eligibilityScheduleId: string | null;
  justification: string | null;
  ticket: TicketInput | null;
  start: string | null;
  duration: string | null;
}

export function activationBody(i: AzureRequestInput): { properties: ArmRoleAssignmentScheduleRequestInput } {
  return {
    properties: {
      principalId: i.principalId,
      roleDefinitionId: i.roleDefinitionId,
      requestType: "SelfActivate",
      ...(i.eligibilityScheduleId ? { linkedRoleEligibilityScheduleId: i.eligibilityScheduleId } : {}),
      ...(i.justification ? { justification: i.justification } : {}),
      ...(i.ticket ? { ticketInfo: { ticketNumber: i.ticket.number, ticketSystem: i.ticket.system } } : {}),
      scheduleInfo: {
        ...(i.start ? { startDateTime: i.start } : {}),
        expiration: { type: "AfterDuration", duration: i.duration ?? "PT1H" },
      },
    },
  };
}

export function deactivationBody(i: { roleDefinitionId: string; principalId: string }): {
  properties: ArmRoleAssignmentScheduleRequestInput;
} {
  return {
    properties: { principalId: i.principalId, roleDefinitionId: i.roleDefinitionId, requestType: "SelfDeactivate" },
  };
}
