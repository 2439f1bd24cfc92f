/**
 * Role management policies and policy assignments in ARM's shape (stable/2020-10-01
 * RoleManagementPolicy.json, examples GetRoleManagementPolicyByName / ...AssignmentByName): the
 * 17 fixed rules (the engine's neutral `policyRules`) discriminated by `ruleType`,
 * `operations: ["All"]`, a disabled authentication context rule as `claimValue: ""`, approvers as
 * `UserSet` objects, nulls omitted.
 */
import type {
  ArmPolicyRule,
  ArmResource,
  ArmRoleManagementPolicyAssignmentProperties,
  ArmRoleManagementPolicyProperties,
} from "@pimkit/contracts";
import type { TenantState } from "../state/api";
import type { PolicyRecord } from "../state/model";
import { type PolicyRule, policyRules } from "../state/policy-rules";
import { isoTime, omitNulls } from "./format";
import { expandedRoleDefinition, recordScope, roleGuid } from "./render";
import { type ArmScope, expandedScope, resourceId, roleDefinitionFullId } from "./scope";

const ruleTypes: Record<PolicyRule["kind"], string> = {
  expiration: "RoleManagementPolicyExpirationRule",
  enablement: "RoleManagementPolicyEnablementRule",
  authenticationContext: "RoleManagementPolicyAuthenticationContextRule",
  approval: "RoleManagementPolicyApprovalRule",
  notification: "RoleManagementPolicyNotificationRule",
};

/** The policy's 17 rules (the engine's neutral form) as ARM writes them. */
export function armPolicyRules(policy: PolicyRecord, state: TenantState): ArmPolicyRule[] {
  return policyRules(policy, (oid) => state.user(oid)).map(armRule);
}

function armRule(rule: PolicyRule): ArmPolicyRule {
  const base = {
    id: rule.id,
    ruleType: ruleTypes[rule.kind],
    target: { caller: rule.target.caller, operations: ["All"], level: rule.target.level },
  };
  switch (rule.kind) {
    case "expiration":
      return { isExpirationRequired: rule.isExpirationRequired, maximumDuration: rule.maximumDuration, ...base };
    case "enablement":
      return { enabledRules: [...rule.enabledRules], ...base };
    case "authenticationContext":
      return { isEnabled: rule.isEnabled, claimValue: rule.claimValue ?? "", ...base };
    case "approval":
      return {
        setting: {
          ...rule.setting,
          approvalStages: rule.setting.approvalStages.map((stage) => ({
            approvalStageTimeOutInDays: stage.approvalStageTimeOutInDays,
            isApproverJustificationRequired: stage.isApproverJustificationRequired,
            escalationTimeInMinutes: stage.escalationTimeInMinutes,
            primaryApprovers: stage.primaryApprovers.map((a) => ({
              id: a.id,
              description: a.description,
              isBackup: false,
              userType: a.userType,
            })),
            isEscalationEnabled: stage.isEscalationEnabled,
            escalationApprovers: stage.escalationApprovers.map((a) => ({
              id: a.id,
              description: a.description,
              isBackup: true,
              userType: a.userType,
            })),
          })),
        },
        ...base,
      };
    case "notification":
      return {
        notificationType: rule.notificationType,
        recipientType: rule.recipientType,
        isDefaultRecipientsEnabled: rule.isDefaultRecipientsEnabled,
        notificationLevel: rule.notificationLevel,
        notificationRecipients: [...rule.notificationRecipients],
        ...base,
      };
  }
}

export function policyScope(policy: PolicyRecord, state: TenantState): ArmScope | undefined {
  return policy.target.plane === "azure" ? recordScope(policy.target.scope, state) : undefined;
}

export function policyId(policy: PolicyRecord, state: TenantState): string | undefined {
  const scope = policyScope(policy, state);
  return scope ? resourceId(scope, "roleManagementPolicies", policy.policyGuid) : undefined;
}

export function renderPolicy(
  policy: PolicyRecord,
  state: TenantState,
): ArmResource<ArmRoleManagementPolicyProperties> | undefined {
  const scope = policyScope(policy, state);
  if (!scope) return undefined;
  const rules = armPolicyRules(policy, state);
  return omitNulls({
    properties: {
      scope: scope.id === "" ? "/" : scope.id,
      isOrganizationDefault: false,
      lastModifiedDateTime: isoTime(policy.lastModifiedDateTime),
      rules,
      effectiveRules: rules,
      policyProperties: { scope: expandedScope(scope, state) },
    },
    name: policy.policyGuid,
    id: resourceId(scope, "roleManagementPolicies", policy.policyGuid),
    type: "Microsoft.Authorization/roleManagementPolicies",
  });
}

export function policyAssignmentName(policy: PolicyRecord): string | undefined {
  return policy.target.plane === "azure"
    ? `${policy.policyGuid}_${roleGuid(policy.target.roleDefinitionId)}`
    : undefined;
}

export function renderPolicyAssignment(
  policy: PolicyRecord,
  state: TenantState,
): ArmResource<ArmRoleManagementPolicyAssignmentProperties> | undefined {
  const scope = policyScope(policy, state);
  const name = policyAssignmentName(policy);
  if (!scope || !name || policy.target.plane !== "azure") return undefined;
  const pid = resourceId(scope, "roleManagementPolicies", policy.policyGuid);
  return omitNulls({
    properties: {
      scope: scope.id === "" ? "/" : scope.id,
      roleDefinitionId: roleDefinitionFullId(scope, roleGuid(policy.target.roleDefinitionId)),
      policyId: pid,
      effectiveRules: armPolicyRules(policy, state),
      policyAssignmentProperties: {
        scope: expandedScope(scope, state),
        roleDefinition: expandedRoleDefinition(scope, policy.target.roleDefinitionId, state),
        policy: { id: pid, lastModifiedDateTime: isoTime(policy.lastModifiedDateTime) },
      },
    },
    name,
    id: resourceId(scope, "roleManagementPolicyAssignments", name),
    type: "Microsoft.Authorization/roleManagementPolicyAssignments",
  });
}
