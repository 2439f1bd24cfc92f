/**
 * The 17 rules of a PIM policy in a neutral form. Graph adds `@odata.type`
 * (`#microsoft.graph.unifiedRoleManagementPolicy{Kind}Rule`), ARM adds `ruleType`
 * (`RoleManagementPolicy{Kind}Rule`) and capitalises `operations` (`All`); everything else is
 * shared. Rule ids, order and the values of the rules a scenario does not control follow the
 * published default directory-role policy (Graph `unifiedRoleManagementPolicyAssignment` get
 * example): admin eligibility P365D not required, admin assignment P180D not required with
 * Justification enabled, notifications Email / All / default recipients.
 */
import type { PolicyRecord, UserRecord } from "./model";

export type PolicyRuleKind = "expiration" | "enablement" | "authenticationContext" | "approval" | "notification";

export interface PolicyRuleTarget {
  caller: "Admin" | "EndUser";
  /** Graph spells it `all`, ARM `All`. */
  operations: ["all"];
  level: "Eligibility" | "Assignment";
}

export interface PolicyApprover {
  /** User object id. */
  id: string;
  /** The user's display name (Graph `description` of a singleUser, ARM `description`). */
  description: string;
  userType: "User";
}

export interface PolicyApprovalStage {
  approvalStageTimeOutInDays: number;
  isApproverJustificationRequired: boolean;
  escalationTimeInMinutes: number;
  isEscalationEnabled: boolean;
  primaryApprovers: PolicyApprover[];
  escalationApprovers: PolicyApprover[];
}

interface RuleBase {
  id: string;
  target: PolicyRuleTarget;
}

export interface ExpirationRule extends RuleBase {
  kind: "expiration";
  isExpirationRequired: boolean;
  maximumDuration: string;
}

export interface EnablementRule extends RuleBase {
  kind: "enablement";
  /** Subset of MultiFactorAuthentication, Justification, Ticketing, in that order. */
  enabledRules: Array<"MultiFactorAuthentication" | "Justification" | "Ticketing">;
}

export interface AuthenticationContextRule extends RuleBase {
  kind: "authenticationContext";
  isEnabled: boolean;
  /** The context id, or null when disabled (Graph answers null, ARM ""). */
  claimValue: string | null;
}

export interface ApprovalRule extends RuleBase {
  kind: "approval";
  setting: {
    isApprovalRequired: boolean;
    isApprovalRequiredForExtension: boolean;
    isRequestorJustificationRequired: boolean;
    approvalMode: "SingleStage";
    approvalStages: PolicyApprovalStage[];
  };
}

export interface NotificationRule extends RuleBase {
  kind: "notification";
  notificationType: "Email";
  recipientType: "Admin" | "Requestor" | "Approver";
  notificationLevel: "All" | "Critical" | "None";
  isDefaultRecipientsEnabled: boolean;
  notificationRecipients: string[];
}

export type PolicyRule = ExpirationRule | EnablementRule | AuthenticationContextRule | ApprovalRule | NotificationRule;

/** Days an approval stage waits for a decision before the request times out. */
export const approvalStageTimeOutInDays = 1;

export function policyRules(record: PolicyRecord, lookupUser?: (oid: string) => UserRecord | undefined): PolicyRule[] {
  const s = record.settings;
  const t = (caller: PolicyRuleTarget["caller"], level: PolicyRuleTarget["level"]): PolicyRuleTarget => ({
    caller,
    operations: ["all"],
    level,
  });
  const notifications = (caller: PolicyRuleTarget["caller"], level: PolicyRuleTarget["level"]): NotificationRule[] =>
    (["Admin", "Requestor", "Approver"] as const).map((recipientType) => ({
      id: `Notification_${recipientType}_${caller}_${level}`,
      kind: "notification",
      notificationType: "Email",
      recipientType,
      notificationLevel: "All",
      isDefaultRecipientsEnabled: true,
      notificationRecipients: [],
      target: t(caller, level),
    }));
  const enabled: EnablementRule["enabledRules"] = [];
  if (s.mfa) enabled.push("MultiFactorAuthentication");
  if (s.justification) enabled.push("Justification");
  if (s.ticket) enabled.push("Ticketing");
  const approvers: PolicyApprover[] = s.approvers.map((id) => ({
    id,
    description: lookupUser?.(id)?.displayName ?? id,
    userType: "User",
  }));

  return [
    {
      id: "Expiration_Admin_Eligibility",
      kind: "expiration",
      isExpirationRequired: false,
      maximumDuration: "P365D",
      target: t("Admin", "Eligibility"),
    },
    { id: "Enablement_Admin_Eligibility", kind: "enablement", enabledRules: [], target: t("Admin", "Eligibility") },
    ...notifications("Admin", "Eligibility"),
    {
      id: "Expiration_Admin_Assignment",
      kind: "expiration",
      isExpirationRequired: false,
      maximumDuration: "P180D",
      target: t("Admin", "Assignment"),
    },
    {
      id: "Enablement_Admin_Assignment",
      kind: "enablement",
      enabledRules: ["Justification"],
      target: t("Admin", "Assignment"),
    },
    ...notifications("Admin", "Assignment"),
    {
      id: "Expiration_EndUser_Assignment",
      kind: "expiration",
      isExpirationRequired: true,
      maximumDuration: s.maxDuration,
      target: t("EndUser", "Assignment"),
    },
    {
      id: "Enablement_EndUser_Assignment",
      kind: "enablement",
      enabledRules: enabled,
      target: t("EndUser", "Assignment"),
    },
    {
      id: "Approval_EndUser_Assignment",
      kind: "approval",
      setting: {
        isApprovalRequired: s.approval,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: "SingleStage",
        approvalStages: [
          {
            approvalStageTimeOutInDays,
            isApproverJustificationRequired: true,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            primaryApprovers: approvers,
            escalationApprovers: [],
          },
        ],
      },
      target: t("EndUser", "Assignment"),
    },
    {
      id: "AuthenticationContext_EndUser_Assignment",
      kind: "authenticationContext",
      isEnabled: s.authContext !== null,
      claimValue: s.authContext,
      target: t("EndUser", "Assignment"),
    },
    ...notifications("EndUser", "Assignment"),
  ];
}
