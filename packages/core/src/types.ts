/**
 * The domain vocabulary shared by the three planes. Everything here is wire-neutral: the plane
 * adapters (`planes/*`) are the only code that knows Graph or ARM shapes. Times are ISO-8601 UTC
 * strings, durations ISO-8601 durations (`PT30M`, `PT8H`, `P1D`).
 */

export type RoleKind = "entraRole" | "group" | "azureRole";
export type AccessId = "member" | "owner";

export type ScopeType =
  | "directory"
  | "administrativeUnit"
  | "directoryObject"
  | "group"
  | "tenantRoot"
  | "managementGroup"
  | "subscription"
  | "resourceGroup"
  | "resource";

export interface RoleScope {
  /** Entra: directoryScopeId (`/`, `/administrativeUnits/{id}`); group: group id; Azure: ARM scope path. */
  id: string;
  displayName: string;
  type: ScopeType;
}

export type RoleState = "eligible" | "active" | "pending";
export type AssignmentType = "activated" | "permanent";

export interface AuthContextRef {
  id: string;
  /** Display name from authenticationContextClassReferences; null when it could not be read. */
  name: string | null;
}

/**
 * What activating a role demands. `null` in a field means unknown: the policy could not be read
 * (then `known` is false and every field is null). Never a guessed default.
 */
export interface ActivationRequirements {
  /** Maximum activation duration, exact ISO-8601 as the policy states it (`PT30M`, `PT8H`, `P1D`). */
  maxDuration: string | null;
  justification: boolean | null;
  ticket: boolean | null;
  mfa: boolean | null;
  authContext: AuthContextRef | null;
  approval: boolean | null;
  known: boolean;
}

/**
 * Plane-specific handles needed to act on a role. Opaque to the CLI and portal (kept so an item
 * from `listRoles` can be planned and executed without another lookup).
 */
export type RoleTarget =
  | { kind: "entraRole"; roleDefinitionId: string; directoryScopeId: string }
  | { kind: "group"; groupId: string; accessId: AccessId }
  | {
      kind: "azureRole";
      /** Scope the eligibility (or the assignment) lives at. */
      scope: string;
      /** Full ARM role definition id, verbatim from the wire. */
      roleDefinitionId: string;
      /** Full roleEligibilitySchedules resource id, when the item came from an eligibility. */
      eligibilityScheduleId: string | null;
    };

export interface Eligibility {
  start: string | null;
  /** null = permanent eligibility. */
  end: string | null;
  memberType: "direct" | "group" | "inherited" | null;
}

export interface ActiveAssignment {
  start: string | null;
  end: string | null;
  assignmentType: AssignmentType;
  memberType: "direct" | "group" | "inherited" | null;
  /** Azure: the eligibility schedule this activation came from (full id), when known. */
  linkedEligibilityScheduleId?: string | null;
}

export interface PendingRequestSummary {
  requestId: string;
  status: string;
  createdAt: string | null;
  start: string | null;
  duration: string | null;
}

/** One row of `role list`. */
export interface PimRole {
  /** Stable, shell-safe id derived from plane and target (`entra-…`, `group-…`, `azure-…`). */
  id: string;
  kind: RoleKind;
  /** Role display name (Entra / Azure) or group display name. */
  name: string;
  accessId: AccessId | null;
  scope: RoleScope;
  state: RoleState;
  activeUntil: string | null;
  assignmentType: AssignmentType | null;
  requirements: ActivationRequirements;
  /** The eligibility behind this item, when the user holds one. */
  eligibility: Eligibility | null;
  /** The active assignment, when there is one. */
  assignment: ActiveAssignment | null;
  /** A request of the user's awaiting approval for this target, when there is one. */
  pendingRequest: PendingRequestSummary | null;
  target: RoleTarget;
}

export type PimArea = "eligible" | "active" | "pending" | "policy" | "names" | "authContexts" | "caPolicies";

/** A plane or area that could not be read; the rest of the answer is still good. */
export interface PlaneProblem {
  kind: RoleKind | null;
  area: PimArea;
  code: string;
  message: string;
  upstream?: UpstreamError;
}

export interface RoleListing {
  roles: PimRole[];
  problems: PlaneProblem[];
  /** Object id of the signed-in user (PIM principal id). */
  principalId: string;
}

export interface UpstreamError {
  status: number;
  code: string | null;
  message: string | null;
  requestId: string | null;
}

export interface ErrorInfo {
  code: string;
  message: string;
  upstream?: UpstreamError;
}

export interface TicketInput {
  system: string;
  number: string;
}

export interface ActivationInput {
  /** ISO-8601 duration or shorthand (`2h`, `90m`, `1h30m`, `PT2H`, `P1D`); the role maximum when absent (PT1H when unknown). */
  duration?: string;
  justification?: string;
  ticket?: TicketInput;
  /** ISO-8601 start; now when absent. Must be in the future and inside the eligibility window. */
  start?: string;
  /** Azure only: a child scope (resource group / resource / subscription) to activate at, per role id or for all. */
  childScope?: string | Record<string, string>;
}

export interface PlannedActivation {
  role: PimRole;
  /** ISO-8601 duration that will be sent (after capping). */
  duration: string;
  /** What the user asked for, when it differed (capped or defaulted). */
  requestedDuration: string | null;
  /** True when `duration` was lowered to the role's maximum or the eligibility end. */
  capped: boolean;
  /** ISO start when scheduled in the future; null = now. */
  start: string | null;
  justification: string | null;
  ticket: TicketInput | null;
  /** Azure: the scope the request will be PUT at (the eligibility's scope or a child scope). */
  activationScope: string | null;
  /** Problems that prevent this role from being sent. */
  problems: ErrorInfo[];
  /** Informational notes (cap applied, default duration used). */
  notes: string[];
}

export interface ActivationPlan {
  ok: boolean;
  items: PlannedActivation[];
  /** Distinct authentication contexts the selected roles need (one step-up covers them all). */
  authContexts: string[];
  createdAt: string;
}

export type ActivationOutcome = "activated" | "scheduled" | "pending" | "already-active" | "failed" | "would-activate";

export interface ActivationResult {
  id: string;
  name: string;
  kind: RoleKind;
  outcome: ActivationOutcome;
  /** Graph request id or ARM request name (GUID); null when nothing was accepted. */
  requestId: string | null;
  duration: string | null;
  start: string | null;
  /** Upstream status string (`Provisioned`, `Granted`, `PendingApproval`, …), when known. */
  status: string | null;
  error: ErrorInfo | null;
  advice?: string;
  /** The role as planned (for `waitUntilEffective`). */
  target: RoleTarget;
  accessId: AccessId | null;
  scope: RoleScope;
}

export interface ExecuteOptions {
  dryRun?: boolean;
  abortSignal?: AbortSignal;
  /**
   * Send nothing until the step-up for the plan's authentication contexts has completed. By
   * default roles that need no context are sent while it runs; a caller whose step-up may leave
   * the process or page (a redirect) sets this so no write is in flight when it does.
   */
  stepUpBeforeWrites?: boolean;
  /** Called once per role as its outcome becomes known. */
  onResult?: (result: ActivationResult) => void;
}

export type EffectiveState = "effective" | "pending" | "denied" | "failed" | "timeout";

export interface EffectiveProgress {
  id: string;
  name: string;
  state: EffectiveState;
  /** Polls done so far for this role. */
  attempts: number;
}

export interface WaitOptions {
  /** Milliseconds (default 10 minutes). */
  timeout?: number;
  onProgress?: (progress: EffectiveProgress) => void;
  abortSignal?: AbortSignal;
}

export type DeactivationOutcome = "deactivated" | "not-active" | "failed";

export interface DeactivationResult {
  id: string;
  name: string;
  kind: RoleKind;
  outcome: DeactivationOutcome;
  requestId: string | null;
  error: ErrorInfo | null;
  /** When the refusal was ActiveDurationTooShort: the earliest time it can be deactivated (start + 5 min). */
  earliestDeactivation?: string | null;
  advice?: string;
}

export type RequestAction = "activate" | "deactivate" | "extend" | "renew" | "other";

export type PendingReason = "approval" | "scheduled";

export interface PimRequest {
  /** Graph request id or ARM request name (GUID). */
  requestId: string;
  kind: RoleKind;
  /** Stable id of the role item this request is about. */
  roleId: string;
  name: string;
  accessId: AccessId | null;
  scope: RoleScope;
  action: RequestAction;
  /** Upstream status, PascalCase (`PendingApproval`, `Provisioned`, `Granted`, `Canceled`, …). */
  status: string;
  /** Still open, so it can be cancelled: awaiting approval, or granted with a start in the future. */
  pending: boolean;
  /** Why it is open: `approval` (an approver or evaluation) or `scheduled` (future start); null when not pending. */
  pendingReason: PendingReason | null;
  createdAt: string | null;
  start: string | null;
  duration: string | null;
  justification: string | null;
  target: RoleTarget;
  /** ARM: full resource id of the request (needed to cancel it). */
  resourceId: string | null;
}

export interface RequestListing {
  requests: PimRequest[];
  problems: PlaneProblem[];
}

export interface ConditionalAccessPolicyRef {
  id: string;
  displayName: string;
  state: string;
  builtInControls: string[];
}

export interface AuthContextInfo {
  id: string;
  name: string | null;
  description: string | null;
  isAvailable: boolean | null;
  policies: ConditionalAccessPolicyRef[];
}

export interface AuthContextListing {
  contexts: AuthContextInfo[];
  problems: PlaneProblem[];
}

export interface ListRolesOptions {
  /** Planes to read (all three when absent). */
  kinds?: RoleKind[];
  /** Read policies (default true). */
  policies?: boolean;
  /** Ignore cached policies and read them again. */
  refresh?: boolean;
  abortSignal?: AbortSignal;
}
