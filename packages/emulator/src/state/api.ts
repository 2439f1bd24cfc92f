/**
 * The tenant state as the surfaces see it. `state/store.ts` implements it; Graph, ARM, the
 * sign-in surface and the admin API only read through the getters and change state only through
 * `submit`, `cancel` and `review` (the engine), so policy is enforced in one place for all planes.
 */
import type { AccessTokenClaims } from "../entra/types";
import type {
  AccessId,
  AdministrativeUnitRecord,
  AppRecord,
  ApprovalRecord,
  AssignmentRecord,
  AuthContextRecord,
  AzureRoleDefinitionRecord,
  CaPolicyRecord,
  DirectoryRoleRecord,
  EligibilityRecord,
  EmulatorSettings,
  GroupRecord,
  ManagementGroupRecord,
  Plane,
  PolicyRecord,
  PolicyTarget,
  RequestAction,
  RequestRecord,
  ResourceGroupRecord,
  ResourceRecord,
  RoleTarget,
  SubscriptionRecord,
  TenantInfo,
  UserRecord,
} from "./model";

export interface SubmitInput {
  plane: Plane;
  action: RequestAction;
  principalId: string;
  /**
   * What to act on. Azure: `scope` is the scope the request is made at (may be a child of the
   * eligibility's scope). The engine stores targets canonically: lower-case ids, normalized
   * scope, and the bare GUID of an Azure role definition (a full ARM id is accepted too).
   */
  target: RoleTarget;
  justification?: string | null;
  ticketNumber?: string | null;
  ticketSystem?: string | null;
  /** ISO date-time; null/absent = now. */
  startDateTime?: string | null;
  /** Expiration type as received (any case). */
  expirationType?: string | null;
  duration?: string | null;
  endDateTime?: string | null;
  /** Validate only (Graph `isValidationOnly`, ARM `/validate`): nothing is stored. */
  validationOnly: boolean;
  /** ARM: the client-chosen request name (GUID). Graph: absent (the server makes one). */
  requestId?: string;
  /** ARM: `linkedRoleEligibilityScheduleId` as sent (full id or bare GUID). */
  linkedEligibilityId?: string | null;
}

export type PolicyRuleName = "JustificationRule" | "TicketingRule" | "MfaRule" | "ExpirationRule" | "EligibilityRule";

export type EngineError =
  /**
   * One or more policy rules failed; `rules` in the order the service reports them (Expiration,
   * Justification, Ticketing, Mfa). Each `message` is a whole item (`JustificationRule -
   * Justification is required`); `policyFailureMessage()` in `messages.ts` joins them.
   */
  | { code: "RoleAssignmentRequestPolicyValidationFailed"; rules: Array<{ rule: PolicyRuleName; message: string }> }
  /** The token's `acrs` lacks the policy's context. `claims` is the challenge JSON (compact). */
  | { code: "RoleAssignmentRequestAcrsValidationFailed"; claimValue: string; claims: string }
  | { code: "RoleAssignmentExists" }
  | { code: "RoleAssignmentDoesNotExist" }
  /** Deactivation within 5 minutes of activation; `earliest` is when it becomes possible. */
  | { code: "ActiveDurationTooShort"; earliest: string }
  | { code: "PendingRoleAssignmentRequest" }
  /** The principal holds no eligibility for the target (ARM: AuthorizationFailed). */
  | { code: "NotEligible" }
  /** The caller acts for another principal with a self action. */
  | { code: "PrincipalMismatch" }
  /** ARM: a request with this name already exists. */
  | { code: "RequestNameConflict" }
  /** Malformed field (bad duration, bad date, start in the past by more than the grace...). */
  | { code: "InvalidRequest"; message: string };

export type SubmitResult = { ok: true; request: RequestRecord } | { ok: false; error: EngineError };

export type CancelResult =
  | { ok: true; request: RequestRecord }
  | { ok: false; error: "NotFound" | "NotCancellable" | "Forbidden" };

export type ReviewResultOutcome =
  | { ok: true; approval: ApprovalRecord; request: RequestRecord }
  | { ok: false; error: "NotFound" | "NotApprover" | "AlreadyReviewed" | "SelfApproval" };

export interface EligibilityFilter {
  plane?: Plane;
  principalId?: string;
  groupId?: string;
  roleDefinitionId?: string;
}

export interface AssignmentFilter extends EligibilityFilter {
  /** Include instances not yet visible (still provisioning) — admin state dump only. */
  includeNotVisible?: boolean;
}

export interface RequestFilter {
  plane?: Plane;
  principalId?: string;
  /** Requests this user may approve (pending approval with this user among current approvers). */
  approverId?: string;
}

export interface TenantState {
  readonly tenant: TenantInfo;
  readonly guestTenants: readonly TenantInfo[];
  readonly settings: EmulatorSettings;
  readonly users: readonly UserRecord[];
  readonly apps: readonly AppRecord[];
  readonly authContexts: readonly AuthContextRecord[];
  readonly caPolicies: readonly CaPolicyRecord[];
  readonly directoryRoles: readonly DirectoryRoleRecord[];
  readonly administrativeUnits: readonly AdministrativeUnitRecord[];
  readonly groups: readonly GroupRecord[];
  readonly managementGroups: readonly ManagementGroupRecord[];
  readonly subscriptions: readonly SubscriptionRecord[];
  readonly resourceGroups: readonly ResourceGroupRecord[];
  readonly resources: readonly ResourceRecord[];
  readonly azureRoleDefinitions: readonly AzureRoleDefinitionRecord[];

  user(oid: string): UserRecord | undefined;
  userByUpn(upn: string): UserRecord | undefined;

  /** Eligibilities current at the clock (start <= now < end). */
  eligibilities(filter?: EligibilityFilter): EligibilityRecord[];
  /** Assignment instances visible at the clock (provisioned, started, not expired). */
  assignments(filter?: AssignmentFilter): AssignmentRecord[];
  requests(filter?: RequestFilter): RequestRecord[];
  request(plane: Plane, id: string): RequestRecord | undefined;
  approvals(): ApprovalRecord[];
  approval(id: string): ApprovalRecord | undefined;

  /** The policy that governs a target (the scenario's, or the tenant default when none is set). */
  policyFor(target: PolicyTarget): PolicyRecord;
  /** Every policy of a plane that the scenario defines or that governs an eligibility. */
  policies(plane: Plane): PolicyRecord[];

  /** Activate / deactivate / extend / renew, with full policy enforcement. */
  submit(input: SubmitInput, caller: AccessTokenClaims): SubmitResult;
  /** Cancel a Granted (scheduled) or PendingApproval request. */
  cancel(plane: Plane, requestId: string, callerOid: string): CancelResult;
  /** An approver's decision on the current stage of an approval. */
  review(
    approvalId: string,
    decision: "Approve" | "Deny",
    reviewerOid: string,
    justification: string | null,
  ): ReviewResultOutcome;
  /** Admin: replace the policy settings of a target (policy tightened mid-flight, in tests). */
  setPolicy(target: PolicyTarget, settings: Partial<import("./model").PolicySettings>): PolicyRecord;
  /** Admin: everything, for `/_emulator/state`. */
  dump(): unknown;
  /**
   * The tenant a token's `tid` names: this state for the home tenant (or an id it does not know),
   * else the guest tenant's own state — the same users and built-in roles, but no groups,
   * subscriptions, policies, eligibilities or assignments (a scenario gives the user nothing
   * there). Settings follow this state's; each guest tenant keeps its own requests.
   */
  forTenant(tenantId: string): TenantState;
}

export type { AccessId };
