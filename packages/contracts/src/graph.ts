/**
 * Microsoft Graph v1.0 wire types for the PIM subset pimkit uses. Property names and casing are
 * the wire's (see docs/emulator-fidelity.md for sources). `test/graph-types.test.ts` checks them
 * against @microsoft/microsoft-graph-types so they cannot drift from Microsoft's own definitions.
 * Enum-like strings are typed `string` where the service's casing varies between surfaces
 * (PIM-for-Groups `memberType` / `assignmentType`, policy rule `operations`); those are the only
 * properties the assignability checks leave out.
 */

export type GraphScheduleAction =
  | "adminAssign"
  | "adminUpdate"
  | "adminRemove"
  | "selfActivate"
  | "selfDeactivate"
  | "adminExtend"
  | "adminRenew"
  | "selfExtend"
  | "selfRenew"
  | "unknownFutureValue";

export interface GraphCollection<T> {
  "@odata.context"?: string;
  "@odata.nextLink"?: string;
  value: T[];
}

/**
 * The CSDL spelling, which the service always answers with. It parses the enum in any case on
 * input (the directory-role docs send `AfterDuration`), but clients should send this spelling.
 */
export type GraphExpirationPatternType = "notSpecified" | "noExpiration" | "afterDateTime" | "afterDuration";

export interface GraphExpirationPattern {
  type?: GraphExpirationPatternType | null;
  duration?: string | null;
  endDateTime?: string | null;
}

export interface GraphRequestSchedule {
  startDateTime?: string | null;
  expiration?: GraphExpirationPattern | null;
  /** Recurring activations are not supported by PIM; the service answers `null`. */
  recurrence?: null;
}

export interface GraphTicketInfo {
  ticketNumber?: string | null;
  ticketSystem?: string | null;
}

export interface GraphIdentity {
  id?: string | null;
  displayName?: string | null;
}

export interface GraphIdentitySet {
  application?: GraphIdentity | null;
  device?: GraphIdentity | null;
  user?: GraphIdentity | null;
}

export interface GraphRoleDefinition {
  id: string;
  displayName?: string | null;
  description?: string | null;
  templateId?: string | null;
  isBuiltIn?: boolean | null;
  isEnabled?: boolean | null;
  resourceScopes?: string[];
  version?: string | null;
}

/** A directory object as `principal` / `directoryScope` expand it; `@odata.type` names the subtype. */
export interface GraphDirectoryObject {
  "@odata.type"?: string; // "#microsoft.graph.user" | "#microsoft.graph.group" | "#microsoft.graph.administrativeUnit"
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  description?: string | null;
  mail?: string | null;
}

export interface GraphRoleEligibilityScheduleInstance {
  "@odata.type"?: string;
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string | null;
  appScopeId?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  memberType?: string | null;
  roleEligibilityScheduleId?: string | null;
  roleDefinition?: GraphRoleDefinition | null;
  principal?: GraphDirectoryObject | null;
  directoryScope?: GraphDirectoryObject | null;
}

export interface GraphRoleAssignmentScheduleInstance {
  "@odata.type"?: string;
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string | null;
  appScopeId?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  assignmentType?: string | null; // "Activated" | "Assigned"
  memberType?: string | null;
  roleAssignmentOriginId?: string | null;
  roleAssignmentScheduleId?: string | null;
  roleDefinition?: GraphRoleDefinition | null;
  principal?: GraphDirectoryObject | null;
  directoryScope?: GraphDirectoryObject | null;
}

/** roleEligibilitySchedules / roleAssignmentSchedules (the schedules behind the instances). */
export interface GraphRoleEligibilitySchedule {
  "@odata.type"?: string;
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string | null;
  appScopeId?: string | null;
  createdDateTime?: string | null;
  createdUsing?: string | null;
  modifiedDateTime?: string | null;
  status?: string | null;
  memberType?: string | null;
  scheduleInfo?: GraphRequestSchedule | null;
  roleDefinition?: GraphRoleDefinition | null;
  principal?: GraphDirectoryObject | null;
  directoryScope?: GraphDirectoryObject | null;
}

export interface GraphRoleAssignmentSchedule extends GraphRoleEligibilitySchedule {
  assignmentType?: string | null; // "Activated" | "Assigned"
}

/** Body of POST roleManagement/directory/roleAssignmentScheduleRequests. */
export interface GraphRoleAssignmentScheduleRequestInput {
  action: GraphScheduleAction;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string | null;
  appScopeId?: string | null;
  justification?: string | null;
  ticketInfo?: GraphTicketInfo | null;
  scheduleInfo?: GraphRequestSchedule | null;
  isValidationOnly?: boolean;
  customData?: string | null;
}

export interface GraphRoleAssignmentScheduleRequest extends GraphRoleAssignmentScheduleRequestInput {
  id: string;
  status: string; // PascalCase: Provisioned, Granted, PendingApproval, Revoked, Canceled, ...
  createdDateTime?: string | null;
  completedDateTime?: string | null;
  approvalId?: string | null;
  customData?: string | null;
  createdBy?: GraphIdentitySet | null;
  targetScheduleId?: string | null;
  roleDefinition?: GraphRoleDefinition | null;
  principal?: GraphDirectoryObject | null;
  directoryScope?: GraphDirectoryObject | null;
}

export type GraphAccessId = "member" | "owner";

export interface GraphGroupRef {
  id: string;
  displayName?: string | null;
  description?: string | null;
  securityEnabled?: boolean | null;
  mailEnabled?: boolean | null;
}

export interface GraphGroupEligibilityScheduleInstance {
  id: string;
  principalId: string;
  groupId: string;
  accessId: GraphAccessId;
  memberType?: string | null; // CSDL lower-case "direct"; docs show "Direct"
  startDateTime?: string | null;
  endDateTime?: string | null;
  eligibilityScheduleId?: string | null;
  group?: GraphGroupRef | null;
  principal?: GraphDirectoryObject | null;
}

export interface GraphGroupAssignmentScheduleInstance {
  id: string;
  principalId: string;
  groupId: string;
  accessId: GraphAccessId;
  assignmentType?: string | null; // "assigned" | "activated" (any case)
  memberType?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  assignmentScheduleId?: string | null;
  group?: GraphGroupRef | null;
  principal?: GraphDirectoryObject | null;
}

/** eligibilitySchedules / assignmentSchedules of PIM for Groups. */
export interface GraphGroupEligibilitySchedule {
  "@odata.type"?: string;
  id: string;
  principalId: string;
  groupId: string;
  accessId: GraphAccessId;
  memberType?: string | null; // CSDL lower-case; docs show PascalCase
  createdDateTime?: string | null;
  createdUsing?: string | null;
  modifiedDateTime?: string | null;
  status?: string | null;
  scheduleInfo?: GraphRequestSchedule | null;
  group?: GraphGroupRef | null;
  principal?: GraphDirectoryObject | null;
}

export interface GraphGroupAssignmentSchedule extends GraphGroupEligibilitySchedule {
  assignmentType?: string | null; // "assigned" | "activated" (any case)
}

/** Body of POST identityGovernance/privilegedAccess/group/assignmentScheduleRequests. */
export interface GraphGroupAssignmentScheduleRequestInput {
  action: GraphScheduleAction;
  accessId: GraphAccessId;
  principalId: string;
  groupId: string;
  justification?: string | null;
  ticketInfo?: GraphTicketInfo | null;
  scheduleInfo?: GraphRequestSchedule | null;
  isValidationOnly?: boolean;
  customData?: string | null;
}

export interface GraphGroupAssignmentScheduleRequest extends GraphGroupAssignmentScheduleRequestInput {
  id: string;
  status: string;
  createdDateTime?: string | null;
  completedDateTime?: string | null;
  approvalId?: string | null;
  customData?: string | null;
  createdBy?: GraphIdentitySet | null;
  targetScheduleId?: string | null;
  group?: GraphGroupRef | null;
  principal?: GraphDirectoryObject | null;
}

export interface GraphPolicyRuleTarget {
  caller?: string | null;
  operations?: string[] | null; // ["all"] for directory roles, ["All"] for groups
  level?: string | null;
  inheritableSettings?: string[] | null;
  enforcedSettings?: string[] | null;
}

export interface GraphPolicyRuleBase {
  "@odata.type": string;
  id: string;
  target?: GraphPolicyRuleTarget | null;
}

/** An approver: `#microsoft.graph.singleUser` (userId) or `#microsoft.graph.groupMembers` (groupId). */
export interface GraphSubjectSet {
  "@odata.type": string;
  userId?: string | null;
  groupId?: string | null;
  description?: string | null;
}

export interface GraphApprovalStage {
  approvalStageTimeOutInDays?: number | null;
  isApproverJustificationRequired?: boolean | null;
  escalationTimeInMinutes?: number | null;
  isEscalationEnabled?: boolean | null;
  primaryApprovers?: GraphSubjectSet[] | null;
  escalationApprovers?: GraphSubjectSet[] | null;
}

export interface GraphPolicyRule extends GraphPolicyRuleBase {
  isExpirationRequired?: boolean | null;
  maximumDuration?: string | null;
  enabledRules?: string[] | null;
  isEnabled?: boolean | null;
  claimValue?: string | null;
  setting?: {
    isApprovalRequired?: boolean | null;
    isApprovalRequiredForExtension?: boolean | null;
    isRequestorJustificationRequired?: boolean | null;
    approvalMode?: string | null;
    approvalStages?: GraphApprovalStage[] | null;
  } | null;
  notificationType?: string | null;
  recipientType?: string | null;
  notificationLevel?: string | null;
  isDefaultRecipientsEnabled?: boolean | null;
  notificationRecipients?: string[] | null;
}

export interface GraphRoleManagementPolicy {
  id: string;
  displayName?: string;
  description?: string;
  isOrganizationDefault?: boolean | null;
  scopeId?: string;
  scopeType?: string;
  lastModifiedDateTime?: string | null;
  lastModifiedBy?: GraphIdentity | null;
  rules?: GraphPolicyRule[];
  effectiveRules?: GraphPolicyRule[];
}

export interface GraphRoleManagementPolicyAssignment {
  id: string;
  policyId: string;
  scopeId: string;
  scopeType: string; // "Directory" | "DirectoryRole" | "Group"
  roleDefinitionId: string; // role template id, or "member" / "owner" for groups
  policy?: GraphRoleManagementPolicy | null;
}

export interface GraphAuthenticationContextClassReference {
  id: string;
  displayName?: string | null;
  description?: string | null;
  isAvailable?: boolean | null;
}

export type GraphConditionalAccessPolicyState = "enabled" | "disabled" | "enabledForReportingButNotEnforced";

export type GraphConditionalAccessClientApp =
  | "all"
  | "browser"
  | "mobileAppsAndDesktopClients"
  | "exchangeActiveSync"
  | "easSupported"
  | "other"
  | "unknownFutureValue";

export type GraphConditionalAccessGrantControl =
  | "block"
  | "mfa"
  | "compliantDevice"
  | "domainJoinedDevice"
  | "approvedApplication"
  | "compliantApplication"
  | "passwordChange"
  | "unknownFutureValue";

export interface GraphConditionalAccessPolicy {
  id: string;
  displayName?: string;
  state?: GraphConditionalAccessPolicyState;
  createdDateTime?: string | null;
  modifiedDateTime?: string | null;
  conditions?: {
    users?: {
      includeUsers?: string[];
      excludeUsers?: string[];
      includeGroups?: string[];
      excludeGroups?: string[];
      includeRoles?: string[];
      excludeRoles?: string[];
    } | null;
    applications?: {
      includeApplications?: string[];
      excludeApplications?: string[];
      includeUserActions?: string[];
      includeAuthenticationContextClassReferences?: string[];
    } | null;
    clientAppTypes?: GraphConditionalAccessClientApp[];
  };
  grantControls?: {
    operator?: string | null;
    builtInControls?: GraphConditionalAccessGrantControl[];
    customAuthenticationFactors?: string[];
    termsOfUse?: string[];
  } | null;
}

/** v1.0 approvalStage (beta directory-role approvals call the same thing an approvalStep). */
export interface GraphApprovalStep {
  id: string;
  assignedToMe?: boolean | null;
  displayName?: string | null;
  justification?: string | null;
  reviewResult?: string | null; // "NotReviewed" | "Approve" | "Deny"
  reviewedBy?: GraphIdentity | null;
  reviewedDateTime?: string | null;
  status?: string | null; // "Initializing" | "InProgress" | "Completed" | "Expired"
}

/** v1.0 `approval` (`stages`); the beta directory-role approval carries `steps` instead. */
export interface GraphApproval {
  id: string;
  stages?: GraphApprovalStep[];
}

/** PATCH body of an approval stage (v1.0) or step (beta). */
export interface GraphApprovalDecision {
  reviewResult: "Approve" | "Deny";
  justification?: string | null;
}

export interface GraphUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
  givenName?: string | null;
  surname?: string | null;
}

export interface GraphAdministrativeUnit {
  id: string;
  displayName?: string | null;
  description?: string | null;
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError?: Record<string, unknown>;
    innererror?: Record<string, unknown>;
  };
}

export interface GraphBatchRequestItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

export interface GraphBatchRequest {
  requests: GraphBatchRequestItem[];
}

export interface GraphBatchResponseItem {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface GraphBatchResponse {
  responses: GraphBatchResponseItem[];
}

export const graphBatchLimit = 20;
