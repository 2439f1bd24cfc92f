/**
 * Azure Resource Manager wire types (Microsoft.Authorization PIM, api-version 2020-10-01) for the
 * subset pimkit uses. ARM matches body keys case-insensitively and omits null properties in live
 * responses; these types mark everything the service may omit as optional.
 */

export type ArmRequestType =
  | "AdminAssign"
  | "AdminRemove"
  | "AdminUpdate"
  | "AdminExtend"
  | "AdminRenew"
  | "SelfActivate"
  | "SelfDeactivate"
  | "SelfExtend"
  | "SelfRenew";

export interface ArmCollection<T> {
  value: T[];
  nextLink?: string | null;
}

export interface ArmResource<P> {
  id: string;
  name: string;
  type: string;
  properties: P;
}

export interface ArmExpandedProperties {
  scope?: { id?: string; displayName?: string; type?: string } | null;
  roleDefinition?: { id?: string; displayName?: string; type?: string } | null;
  principal?: { id?: string; displayName?: string; type?: string; email?: string; userPrincipalName?: string } | null;
}

export interface ArmRoleEligibilityScheduleInstanceProperties {
  scope?: string;
  roleDefinitionId?: string;
  principalId?: string;
  principalType?: string;
  roleEligibilityScheduleId?: string;
  status?: string;
  startDateTime?: string;
  endDateTime?: string | null;
  memberType?: string; // "Direct" | "Group" | "Inherited"
  condition?: string | null;
  conditionVersion?: string | null;
  createdOn?: string;
  expandedProperties?: ArmExpandedProperties;
}

export interface ArmRoleAssignmentScheduleInstanceProperties extends ArmRoleEligibilityScheduleInstanceProperties {
  roleAssignmentScheduleId?: string;
  originRoleAssignmentId?: string;
  linkedRoleEligibilityScheduleId?: string;
  linkedRoleEligibilityScheduleInstanceId?: string;
  assignmentType?: string; // "Activated" | "Assigned"
}

/** `roleEligibilitySchedules` (recorded live: carries the request id and `updatedOn`). */
export interface ArmRoleEligibilityScheduleProperties extends ArmRoleEligibilityScheduleInstanceProperties {
  roleEligibilityScheduleRequestId?: string;
  updatedOn?: string;
}

export interface ArmTicketInfo {
  ticketNumber?: string | null;
  ticketSystem?: string | null;
}

export interface ArmScheduleInfo {
  startDateTime?: string | null;
  expiration?: { type?: string | null; duration?: string | null; endDateTime?: string | null } | null;
}

/** `properties` of a PUT roleAssignmentScheduleRequests/{guid} body. */
export interface ArmRoleAssignmentScheduleRequestInput {
  roleDefinitionId: string;
  principalId: string;
  requestType: ArmRequestType;
  linkedRoleEligibilityScheduleId?: string;
  targetRoleAssignmentScheduleId?: string;
  targetRoleAssignmentScheduleInstanceId?: string;
  justification?: string;
  ticketInfo?: ArmTicketInfo;
  scheduleInfo?: ArmScheduleInfo;
  condition?: string;
  conditionVersion?: string;
}

export interface ArmRoleAssignmentScheduleRequestProperties extends ArmRoleAssignmentScheduleRequestInput {
  scope?: string;
  principalType?: string;
  status?: string;
  approvalId?: string;
  requestorId?: string;
  createdOn?: string;
  expandedProperties?: ArmExpandedProperties;
}

export interface ArmPolicyRule {
  id: string;
  ruleType: string; // RoleManagementPolicyExpirationRule | ...EnablementRule | ...AuthenticationContextRule | ...ApprovalRule | ...NotificationRule
  target?: {
    caller?: string;
    operations?: string[];
    level?: string;
    targetObjects?: string[] | null;
    inheritableSettings?: string[] | null;
    enforcedSettings?: string[] | null;
  };
  isExpirationRequired?: boolean;
  maximumDuration?: string;
  enabledRules?: string[];
  isEnabled?: boolean;
  claimValue?: string;
  setting?: {
    isApprovalRequired?: boolean;
    isApprovalRequiredForExtension?: boolean;
    isRequestorJustificationRequired?: boolean;
    approvalMode?: string;
    approvalStages?: Array<{
      approvalStageTimeOutInDays?: number;
      isApproverJustificationRequired?: boolean;
      escalationTimeInMinutes?: number;
      isEscalationEnabled?: boolean;
      primaryApprovers?: Array<{ id?: string; description?: string; isBackup?: boolean; userType?: string }> | null;
      escalationApprovers?: unknown[] | null;
    }>;
  };
  notificationType?: string;
  recipientType?: string;
  notificationLevel?: string;
  notificationRecipients?: string[] | null;
  isDefaultRecipientsEnabled?: boolean;
}

export interface ArmRoleManagementPolicyProperties {
  scope?: string;
  displayName?: string | null;
  description?: string | null;
  isOrganizationDefault?: boolean;
  lastModifiedBy?: { id?: string | null; displayName?: string | null; type?: string | null; email?: string | null };
  lastModifiedDateTime?: string | null;
  rules?: ArmPolicyRule[];
  effectiveRules?: ArmPolicyRule[];
  policyProperties?: { scope?: { id?: string; displayName?: string; type?: string } };
}

export interface ArmRoleManagementPolicyAssignmentProperties {
  scope?: string;
  roleDefinitionId?: string;
  policyId?: string;
  effectiveRules?: ArmPolicyRule[];
  policyAssignmentProperties?: {
    scope?: { id?: string; displayName?: string; type?: string };
    roleDefinition?: { id?: string; displayName?: string; type?: string };
    policy?: { id?: string; lastModifiedBy?: unknown; lastModifiedDateTime?: string | null };
  };
}

export interface ArmEligibleChildResource {
  id: string;
  name: string;
  type: string; // "resourcegroup" | "subscription" | "managementgroup" | resource type
}

/** `RoleAssignmentApprovalActorIdentity` (api-version 2021-01-01-preview). */
export interface ArmApprovalActorIdentity {
  principalId?: string;
  principalType?: string; // "user" | "servicePrincipal" (lower-case on the wire)
  principalName?: string;
  userPrincipalName?: string;
}

export interface ArmApprovalStageProperties {
  displayName?: string;
  status?: string; // NotStarted | InProgress | Completed | Expired | Initializing | Escalating | Completing | Escalated
  assignedToMe?: boolean;
  reviewedBy?: ArmApprovalActorIdentity | null;
  reviewedDateTime?: string | null;
  reviewResult?: string; // Approve | Deny | NotReviewed
  justification?: string;
}

export type ArmApprovalStage = ArmResource<ArmApprovalStageProperties>;

export interface ArmApprovalProperties {
  stages?: ArmApprovalStage[];
}

/** Body of PUT/PATCH `roleAssignmentApprovals/{id}/stages/{stageId}`. */
export interface ArmApprovalStageReviewInput {
  properties: { reviewResult: "Approve" | "Deny"; justification?: string };
}

/** GET /tenants (Microsoft.Resources, api-version 2022-12-01). */
export interface ArmTenant {
  id: string;
  tenantId: string;
  countryCode?: string;
  displayName?: string;
  domains?: string[];
  tenantCategory?: string; // Home | ProjectedBy | ManagedBy
  defaultDomain?: string;
  tenantType?: string;
  tenantBrandingLogoUrl?: string;
}

/** GET /subscriptions (Microsoft.Resources, api-version 2022-12-01). */
export interface ArmSubscription {
  id: string;
  subscriptionId: string;
  tenantId?: string;
  displayName: string;
  state: string;
  subscriptionPolicies?: { locationPlacementId?: string; quotaId?: string; spendingLimit?: string };
  authorizationSource?: string;
  managedByTenants?: Array<{ tenantId: string }>;
  tags?: Record<string, string>;
}

/** GET /subscriptions/{s}/resourcegroups (Microsoft.Resources). */
export interface ArmResourceGroup {
  id: string;
  name: string;
  type: string;
  location: string;
  properties: { provisioningState: string };
  tags?: Record<string, string>;
}

/** GET /providers/Microsoft.Management/managementGroups (api-version 2023-04-01). */
export interface ArmManagementGroup {
  id: string;
  type: string;
  name: string;
  properties: {
    tenantId?: string;
    displayName?: string;
    details?: {
      version?: number;
      updatedTime?: string;
      updatedBy?: string;
      parent?: { id?: string; name?: string; displayName?: string } | null;
    };
  };
}

/** GET {scope}/providers/Microsoft.Authorization/roleDefinitions (api-version 2022-04-01). */
export interface ArmRoleDefinitionProperties {
  roleName?: string;
  type?: string; // BuiltInRole | CustomRole
  description?: string;
  assignableScopes?: string[];
  permissions?: Array<{ actions?: string[]; notActions?: string[]; dataActions?: string[]; notDataActions?: string[] }>;
  createdOn?: string;
  updatedOn?: string;
  createdBy?: string | null;
  updatedBy?: string | null;
}

export interface ArmErrorBody {
  error: { code: string; message: string; details?: unknown[]; target?: string };
}
