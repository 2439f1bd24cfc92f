/**
 * The tenant's state, neutral of any wire format. Graph and ARM render it in their own shapes;
 * the engine (`state/engine.ts`) is the only code that changes it. Times are ISO-8601 UTC
 * strings ending in `Z` (surfaces re-format them as their wire does).
 */

export type Plane = "directoryRole" | "group" | "azure";
export type AccessId = "member" | "owner";

export interface UserRecord {
  oid: string;
  upn: string;
  displayName: string;
  mail?: string;
  /** The user can complete MFA at sign-in. */
  canMfa: boolean;
  /** Authentication contexts (e.g. `c1`) this user can satisfy at sign-in. */
  contexts: string[];
  /** AADSTS error a sign-in that asks for an unsatisfiable context ends with (default 53003-style). */
}

export interface AppRecord {
  clientId: string;
  displayName: string;
  /** Exact redirect URIs; any `http://localhost` / `http://127.0.0.1` URI matches on any port. */
  redirectUris: string[];
  /** Single-page app: code redemption must be cross-origin (Origin header), as Entra requires. */
  spa: boolean;
}

export interface AuthContextRecord {
  id: string; // c1..c99
  displayName: string;
  description: string;
  isAvailable: boolean;
}

export interface CaPolicyRecord {
  id: string;
  displayName: string;
  state: "enabled" | "disabled" | "enabledForReportingButNotEnforced";
  authContexts: string[];
  builtInControls: string[];
  includeUsers: string[];
  createdDateTime: string;
}

export interface DirectoryRoleRecord {
  /** Template id (built-ins use Microsoft's real template ids). */
  id: string;
  displayName: string;
  description: string;
  isBuiltIn: boolean;
}

export interface AdministrativeUnitRecord {
  id: string;
  displayName: string;
  description: string;
}

export interface GroupRecord {
  id: string;
  displayName: string;
  description: string;
}

export interface ManagementGroupRecord {
  /** The management group name (its id segment). */
  name: string;
  displayName: string;
  /** Parent management group name; the tenant root group when absent. */
  parent?: string;
}

export interface SubscriptionRecord {
  subscriptionId: string;
  displayName: string;
  managementGroup: string;
  state: "Enabled";
}

export interface ResourceGroupRecord {
  subscriptionId: string;
  name: string;
  location: string;
}

export interface ResourceRecord {
  /** Full ARM id: /subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name} */
  id: string;
  name: string;
  type: string; // e.g. Microsoft.KeyVault/vaults
}

export interface AzureRoleDefinitionRecord {
  /** Role definition GUID (built-ins use Microsoft's real ids, e.g. Contributor b24988ac-…). */
  id: string;
  displayName: string;
  description: string;
  type: "BuiltInRole" | "CustomRole";
}

/** What a policy demands of a self-activation, plus its approvers. */
export interface PolicySettings {
  /** ISO-8601 duration, exact (`PT30M`, `PT8H`, `P1D`). */
  maxDuration: string;
  justification: boolean;
  ticket: boolean;
  mfa: boolean;
  /** Authentication context id (`c1`) or null. */
  authContext: string | null;
  approval: boolean;
  /** Approver object ids (users). */
  approvers: string[];
}

export type PolicyTarget =
  | { plane: "directoryRole"; roleDefinitionId: string }
  | { plane: "group"; groupId: string; accessId: AccessId }
  | { plane: "azure"; scope: string; roleDefinitionId: string };

export interface PolicyRecord {
  /** GUID part of the policy id (Graph `DirectoryRole_{tid}_{guid}`, ARM `roleManagementPolicies/{guid}`). */
  policyGuid: string;
  target: PolicyTarget;
  settings: PolicySettings;
  /** ARM only: users (oids) allowed to read this policy; everyone when absent. Others get 403. */
  readableBy?: string[];
  lastModifiedDateTime: string;
}

/** The role/target an eligibility or assignment is about, per plane. */
export type RoleTarget =
  | { plane: "directoryRole"; roleDefinitionId: string; directoryScopeId: string }
  | { plane: "group"; groupId: string; accessId: AccessId }
  | { plane: "azure"; scope: string; roleDefinitionId: string };

export interface EligibilityRecord {
  /** GUID: the eligibility schedule id (ARM instance name, Graph roleEligibilityScheduleId). */
  id: string;
  principalId: string;
  target: RoleTarget;
  start: string;
  end: string | null;
  memberType: "Direct" | "Group";
}

export interface AssignmentRecord {
  /** GUID: the assignment schedule id (= the activation request id for activations). */
  id: string;
  principalId: string;
  target: RoleTarget;
  assignmentType: "Activated" | "Assigned";
  start: string;
  end: string | null;
  /** The instance becomes visible in instance listings at this time (provisioning delay). */
  visibleFrom: string;
  memberType: "Direct" | "Group";
  /** For activations: the request that created it, and the eligibility it came from. */
  requestId?: string;
  eligibilityId?: string;
}

export type RequestAction = "selfActivate" | "selfDeactivate" | "selfExtend" | "selfRenew";

/**
 * Status values as the service spells them (PascalCase): Provisioned, Granted, PendingApproval,
 * PendingProvisioning, Revoked, Canceled, Denied, Failed, TimedOut, PendingAdminDecision.
 */
export type RequestStatus =
  | "Provisioned"
  | "PendingProvisioning"
  | "Granted"
  | "PendingApproval"
  | "Revoked"
  | "Canceled"
  | "Denied"
  | "Failed"
  | "TimedOut"
  /** selfExtend / selfRenew of an admin-assigned, time-bound assignment: waits for an administrator. */
  | "PendingAdminDecision";

export interface RequestRecord {
  /** GUID. For ARM this is the client-chosen request name. */
  id: string;
  plane: Plane;
  action: RequestAction;
  principalId: string;
  /** oid of the caller who created it (same as principal for self actions). */
  createdBy: string;
  target: RoleTarget;
  justification: string | null;
  ticketNumber: string | null;
  ticketSystem: string | null;
  /** Requested start (null = now). */
  requestedStart: string | null;
  /** Effective start as the service reports it. */
  start: string | null;
  /** ISO-8601 duration requested, or null. */
  duration: string | null;
  /** End of the activation, when known. */
  end: string | null;
  /** Expiration type as sent, normalised: afterDuration | afterDateTime | noExpiration | notSpecified. */
  expirationType: string | null;
  status: RequestStatus;
  createdDateTime: string;
  completedDateTime: string | null;
  approvalId: string | null;
  /** ARM: the scope the request was PUT at; the linked eligibility schedule id if sent. */
  armScope?: string;
  linkedEligibilityId?: string;
  /** The assignment schedule this request created (activation) or ended (deactivation). */
  assignmentId?: string;
}

export type StageStatus = "NotStarted" | "InProgress" | "Completed";
export type ReviewResult = "NotReviewed" | "Approve" | "Deny";

export interface ApprovalStageRecord {
  id: string;
  status: StageStatus;
  reviewResult: ReviewResult;
  approvers: string[];
  reviewedBy: string | null;
  reviewedDateTime: string | null;
  justification: string | null;
}

export interface ApprovalRecord {
  /** GUID; Graph `approvalId`; ARM approval name. */
  id: string;
  requestId: string;
  plane: Plane;
  stages: ApprovalStageRecord[];
}

export interface TenantInfo {
  id: string;
  displayName: string;
  /** Verified default domain, e.g. contoso.example.com */
  domain: string;
}

export interface EmulatorSettings {
  /** How an unmet authentication context is answered: the plane's 400 body (default) or 401 WWW-Authenticate. */
  acrsChallenge: "body" | "www-authenticate";
  /** Refuse `acrs` tokens that were issued without the `cp1` client capability. */
  requireCp1ForAcrs: boolean;
  /** Enum casing of group instance memberType/assignmentType: CSDL lower-case (default) or PascalCase as in the docs. */
  groupEnumCasing: "csdl" | "pascal";
  /** Page size of Graph and ARM collections. */
  pageSize: number;
  /** Seconds between an accepted activation and its instance becoming visible. */
  provisioningDelaySeconds: number;
  /** Access token lifetime in seconds. */
  tokenLifetimeSeconds: number;
}
