/**
 * Role management policies and their assignments (`policies/roleManagementPolicyAssignments`,
 * `policies/roleManagementPolicies`). Ids as the v1.0 examples show them:
 * `DirectoryRole_{tenantId}_{policyGuid}_{roleTemplateId}` (or `Directory_…` when the caller asked
 * for scopeType `Directory`) and `Group_{groupId}_{policyGuid}_{member|owner}`. Rules come from the
 * engine's neutral `policyRules()`; operations are `["all"]` for directory roles and `["All"]`
 * for groups, as the two examples spell them.
 */
import type { TenantState } from "../../state/api";
import type { AccessId, PolicyRecord } from "../../state/model";
import { type PolicyRule, policyRules } from "../../state/policy-rules";
import { graphDateTime } from "../format";

export type PolicyProvider = "DirectoryRole" | "Directory" | "Group";

/** One policy as seen through one assignment (a role, or a group's member/owner relationship). */
export interface PolicyView {
  provider: PolicyProvider;
  record: PolicyRecord;
  /** `/` for directory roles, the group id for groups. */
  scopeId: string;
  /** Role template id, or `member` / `owner`. */
  roleDefinitionId: string;
}

export function policyId(state: TenantState, v: PolicyView): string {
  return v.provider === "Group"
    ? `Group_${v.scopeId}_${v.record.policyGuid}`
    : `${v.provider}_${state.tenant.id}_${v.record.policyGuid}`;
}

export function policyAssignmentId(state: TenantState, v: PolicyView): string {
  return `${policyId(state, v)}_${v.roleDefinitionId}`;
}

export function renderPolicyAssignment(state: TenantState, v: PolicyView): Record<string, unknown> {
  return {
    id: policyAssignmentId(state, v),
    policyId: policyId(state, v),
    scopeId: v.scopeId,
    scopeType: v.provider,
    roleDefinitionId: v.roleDefinitionId,
  };
}

export function renderPolicy(state: TenantState, v: PolicyView): Record<string, unknown> {
  return {
    id: policyId(state, v),
    displayName: v.provider,
    description: v.provider,
    isOrganizationDefault: false,
    scopeId: v.scopeId,
    scopeType: v.provider,
    lastModifiedDateTime: graphDateTime(v.record.lastModifiedDateTime),
    lastModifiedBy: { displayName: null, id: null },
  };
}

const ruleTypes: Record<PolicyRule["kind"], string> = {
  expiration: "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
  enablement: "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
  authenticationContext: "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule",
  approval: "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
  notification: "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule",
};

function singleUsers(approvers: ReadonlyArray<{ id: string; description: string }>) {
  return approvers.map((a) => ({
    "@odata.type": "#microsoft.graph.singleUser",
    userId: a.id,
    description: a.description,
  }));
}

function renderRule(rule: PolicyRule, operations: string[]): Record<string, unknown> {
  const target = {
    caller: rule.target.caller,
    operations,
    level: rule.target.level,
    inheritableSettings: [],
    enforcedSettings: [],
  };
  const head = { "@odata.type": ruleTypes[rule.kind], id: rule.id };
  switch (rule.kind) {
    case "expiration":
      return {
        ...head,
        isExpirationRequired: rule.isExpirationRequired,
        maximumDuration: rule.maximumDuration,
        target,
      };
    case "enablement":
      return { ...head, enabledRules: [...rule.enabledRules], target };
    case "authenticationContext":
      return { ...head, isEnabled: rule.isEnabled, claimValue: rule.claimValue, target };
    case "approval":
      return {
        ...head,
        target,
        setting: {
          ...rule.setting,
          approvalStages: rule.setting.approvalStages.map((s) => ({
            ...s,
            primaryApprovers: singleUsers(s.primaryApprovers),
            escalationApprovers: singleUsers(s.escalationApprovers),
          })),
        },
      };
    case "notification":
      return {
        ...head,
        notificationType: rule.notificationType,
        recipientType: rule.recipientType,
        notificationLevel: rule.notificationLevel,
        isDefaultRecipientsEnabled: rule.isDefaultRecipientsEnabled,
        notificationRecipients: [...rule.notificationRecipients],
        target,
      };
  }
}

export function renderPolicyRules(state: TenantState, v: PolicyView): Array<Record<string, unknown>> {
  const operations = v.provider === "Group" ? ["All"] : ["all"];
  return policyRules(v.record, (oid) => state.user(oid)).map((rule) => renderRule(rule, operations));
}

/** The policy that governs a directory role, seen through the provider the caller named. */
export function directoryPolicyView(
  state: TenantState,
  roleDefinitionId: string,
  provider: "DirectoryRole" | "Directory",
): PolicyView {
  return {
    provider,
    record: state.policyFor({ plane: "directoryRole", roleDefinitionId }),
    scopeId: "/",
    roleDefinitionId,
  };
}

export function groupPolicyView(state: TenantState, groupId: string, accessId: AccessId): PolicyView {
  return {
    provider: "Group",
    record: state.policyFor({ plane: "group", groupId, accessId }),
    scopeId: groupId,
    roleDefinitionId: accessId,
  };
}

const guid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/** Finds the view an assignment id names, or undefined. */
export function findPolicyAssignment(state: TenantState, id: string): PolicyView | undefined {
  const dir = new RegExp(`^(DirectoryRole|Directory)_(${guid})_(${guid})_(.+)$`).exec(id);
  if (dir) {
    const [, provider, tid, policyGuid, roleId] = dir;
    if (!provider || !tid || !policyGuid || !roleId || tid.toLowerCase() !== state.tenant.id.toLowerCase())
      return undefined;
    const role = state.directoryRoles.find((r) => r.id.toLowerCase() === roleId.toLowerCase());
    if (!role) return undefined;
    const view = directoryPolicyView(state, role.id, provider === "Directory" ? "Directory" : "DirectoryRole");
    return view.record.policyGuid.toLowerCase() === policyGuid.toLowerCase() ? view : undefined;
  }
  const grp = new RegExp(`^Group_(${guid})_(${guid})_(member|owner)$`).exec(id);
  if (grp) {
    const [, groupId, policyGuid, accessId] = grp;
    if (!groupId || !policyGuid || (accessId !== "member" && accessId !== "owner")) return undefined;
    const group = state.groups.find((g) => g.id.toLowerCase() === groupId.toLowerCase());
    if (!group) return undefined;
    const view = groupPolicyView(state, group.id, accessId);
    return view.record.policyGuid.toLowerCase() === policyGuid.toLowerCase() ? view : undefined;
  }
  return undefined;
}

/** Finds the view a policy id names (the first assignment of that policy), or undefined. */
export function findPolicy(state: TenantState, id: string): PolicyView | undefined {
  const dir = new RegExp(`^(DirectoryRole|Directory)_(${guid})_(${guid})$`).exec(id);
  if (dir) {
    const [, provider, tid, policyGuid] = dir;
    if (!provider || !tid || !policyGuid || tid.toLowerCase() !== state.tenant.id.toLowerCase()) return undefined;
    for (const role of state.directoryRoles) {
      const view = directoryPolicyView(state, role.id, provider === "Directory" ? "Directory" : "DirectoryRole");
      if (view.record.policyGuid.toLowerCase() === policyGuid.toLowerCase()) return view;
    }
    return undefined;
  }
  const grp = new RegExp(`^Group_(${guid})_(${guid})$`).exec(id);
  if (grp) {
    const [, groupId, policyGuid] = grp;
    if (!groupId || !policyGuid) return undefined;
    const group = state.groups.find((g) => g.id.toLowerCase() === groupId.toLowerCase());
    if (!group) return undefined;
    for (const accessId of ["member", "owner"] as const) {
      const view = groupPolicyView(state, group.id, accessId);
      if (view.record.policyGuid.toLowerCase() === policyGuid.toLowerCase()) return view;
    }
  }
  return undefined;
}
