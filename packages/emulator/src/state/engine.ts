/**
 * The activation engine: the only code that changes the tenant state. No timers: every call first
 * brings time-driven transitions up to the injected clock (`advance`), so tests move the clock
 * instead of sleeping.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../clock";
import type { AccessTokenClaims } from "../entra/types";
import { stableGuid } from "../scenario/ids";
import { policyTargetKey, roleTargetKey } from "../scenario/resolve";
import type { Scenario } from "../scenario/types";
import type { CancelResult, EngineError, ReviewResultOutcome, SubmitInput, SubmitResult } from "./api";
import { formatIsoDuration, isoUtc, parseIsoDateTime, parseIsoDuration } from "./durations";
import { acrsClaims, policyRuleFailure, policyRuleMessages } from "./messages";
import type {
  ApprovalRecord,
  AssignmentRecord,
  EligibilityRecord,
  EmulatorSettings,
  Plane,
  PolicyRecord,
  PolicySettings,
  PolicyTarget,
  RequestRecord,
  RoleTarget,
} from "./model";
import { mergePolicySettings, policySettingsProblem } from "./policy-defaults";
import { approvalStageTimeOutInDays } from "./policy-rules";
import { isAtOrAbove, normalizeScope, type ScopeHierarchy, sameScope } from "./scopes";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The service refuses to end an activation in its first five minutes. */
export const minimumActiveMs = 5 * MINUTE;

interface RequestMeta {
  eligibilityId?: string;
  /** Requested duration of an activation; null when it has an explicit end instead. */
  durationMs?: number | null;
  requestedEndMs?: number | null;
  approvalDeadlineMs?: number;
}

/** Mutable state shared by the store (reads) and the engine (writes). */
export interface TenantData {
  scenario: Scenario;
  settings: EmulatorSettings;
  loadedAtMs: number;
  eligibilities: EligibilityRecord[];
  assignments: AssignmentRecord[];
  /** Keyed by `requestKey(plane, id)`, in creation order. */
  requests: Map<string, RequestRecord>;
  requestMeta: Map<string, RequestMeta>;
  /** Keyed by lower-case id. */
  approvals: Map<string, ApprovalRecord>;
  /** Policies the scenario or an admin set, keyed by `policyTargetKey`. */
  policies: Map<string, PolicyRecord>;
  /** Tenant-default policies handed out so far (stable, so their ids do not change between calls). */
  defaultPolicies: Map<string, PolicyRecord>;
  hierarchy: ScopeHierarchy;
}

export function requestKey(plane: Plane, id: string): string {
  return `${plane}:${id.toLowerCase()}`;
}

const ms = (iso: string): number => Date.parse(iso);

export function isCurrent(e: { start: string; end: string | null }, now: number): boolean {
  return ms(e.start) <= now && (e.end === null || now < ms(e.end));
}

function notEnded(a: AssignmentRecord, now: number): boolean {
  return a.end === null || now < ms(a.end);
}

export function isVisible(a: AssignmentRecord, now: number): boolean {
  return ms(a.visibleFrom) <= now && ms(a.start) <= now && notEnded(a, now);
}

/** The bare GUID of a role definition id given as a GUID or a full ARM resource id. */
export function roleGuid(id: string): string {
  return (id.split("/").pop() ?? id).toLowerCase();
}

/** A target with canonical spelling: lower-case ids, normalized scope, bare Azure role GUID. */
export function canonicalTarget(t: RoleTarget): RoleTarget {
  switch (t.plane) {
    case "directoryRole":
      return {
        plane: "directoryRole",
        roleDefinitionId: t.roleDefinitionId.toLowerCase(),
        directoryScopeId: normalizeDirectoryScope(t.directoryScopeId),
      };
    case "group":
      return { plane: "group", groupId: t.groupId.toLowerCase(), accessId: t.accessId };
    case "azure":
      return { plane: "azure", scope: normalizeScope(t.scope), roleDefinitionId: roleGuid(t.roleDefinitionId) };
  }
}

export function canonicalPolicyTarget(t: PolicyTarget): PolicyTarget {
  switch (t.plane) {
    case "directoryRole":
      return { plane: "directoryRole", roleDefinitionId: t.roleDefinitionId.toLowerCase() };
    case "group":
      return { plane: "group", groupId: t.groupId.toLowerCase(), accessId: t.accessId };
    case "azure":
      return { plane: "azure", scope: normalizeScope(t.scope), roleDefinitionId: roleGuid(t.roleDefinitionId) };
  }
}

function normalizeDirectoryScope(s: string | null | undefined): string {
  const v = (s ?? "/").trim();
  return v === "" ? "/" : v.replace(/\/+$/, "") || "/";
}

function sameTarget(a: RoleTarget, b: RoleTarget): boolean {
  return roleTargetKey(a) === roleTargetKey(b);
}

/** The policy that governs an eligibility: the role's (directory), group+access (groups), scope+role (Azure). */
export function policyTargetOf(t: RoleTarget): PolicyTarget {
  return t.plane === "directoryRole" ? { plane: "directoryRole", roleDefinitionId: t.roleDefinitionId } : t;
}

export function policyFor(data: TenantData, target: PolicyTarget): PolicyRecord {
  const t = canonicalPolicyTarget(target);
  const key = policyTargetKey(t);
  const defined = data.policies.get(key);
  if (defined) return defined;
  let p = data.defaultPolicies.get(key);
  if (!p) {
    p = {
      policyGuid: stableGuid("policy", data.scenario.tenant.id, key),
      target: t,
      settings: {
        ...data.scenario.policyDefaults[t.plane],
        approvers: [...data.scenario.policyDefaults[t.plane].approvers],
      },
      lastModifiedDateTime: isoUtc(data.loadedAtMs),
    };
    data.defaultPolicies.set(key, p);
  }
  return p;
}

export function setPolicy(
  data: TenantData,
  clock: Clock,
  target: PolicyTarget,
  settings: Partial<PolicySettings>,
): PolicyRecord {
  const current = policyFor(data, target);
  if (settings.maxDuration !== undefined && parseIsoDuration(settings.maxDuration) === undefined) {
    throw new RangeError(`not an ISO-8601 duration: ${settings.maxDuration}`);
  }
  const merged = mergePolicySettings(current.settings, settings);
  const problem = policySettingsProblem(merged);
  if (problem) throw new RangeError(problem.message);
  const key = policyTargetKey(current.target);
  const next: PolicyRecord = { ...current, settings: merged, lastModifiedDateTime: isoUtc(clock.nowMs()) };
  data.defaultPolicies.delete(key);
  data.policies.set(key, next);
  return next;
}

/** Brings time-driven transitions up to `now`: provisioning, scheduled starts, approval timeouts. */
export function advance(data: TenantData, now: number): void {
  for (const [key, r] of data.requests) {
    if (r.status === "PendingProvisioning" || r.status === "Granted") {
      const a = r.assignmentId ? data.assignments.find((x) => x.id === r.assignmentId) : undefined;
      if (a && ms(a.visibleFrom) <= now && ms(a.start) <= now) {
        // A scheduled activation that has started is simply active: cancel no longer applies.
        r.status = "Provisioned";
        r.completedDateTime ??= a.visibleFrom;
      }
    } else if (r.status === "PendingApproval") {
      const deadline = data.requestMeta.get(key)?.approvalDeadlineMs;
      if (deadline !== undefined && now >= deadline) {
        r.status = "TimedOut";
        r.completedDateTime = isoUtc(deadline);
        const approval = r.approvalId ? data.approvals.get(r.approvalId.toLowerCase()) : undefined;
        for (const stage of approval?.stages ?? []) if (stage.status !== "Completed") stage.status = "Completed";
      }
    }
  }
}

interface Schedule {
  requestedStartMs: number | null;
  expirationType: string | null;
  durationMs: number | null;
  endMs: number | null;
}

const EXPIRATION_TYPES: Record<string, string> = {
  afterduration: "afterDuration",
  afterdatetime: "afterDateTime",
  noexpiration: "noExpiration",
  notspecified: "notSpecified",
};

function parseSchedule(input: SubmitInput): { ok: true; schedule: Schedule } | { ok: false; message: string } {
  let requestedStartMs: number | null = null;
  if (input.startDateTime) {
    const v = parseIsoDateTime(input.startDateTime);
    if (v === undefined)
      return { ok: false, message: `startDateTime is not an ISO-8601 date-time: ${input.startDateTime}` };
    requestedStartMs = v;
  }
  let expirationType: string | null = null;
  if (input.expirationType) {
    const t = EXPIRATION_TYPES[input.expirationType.toLowerCase()];
    if (!t) return { ok: false, message: `unknown expiration type: ${input.expirationType}` };
    expirationType = t;
  }
  let durationMs: number | null = null;
  if (input.duration) {
    const v = parseIsoDuration(input.duration);
    if (v === undefined) return { ok: false, message: `duration is not an ISO-8601 duration: ${input.duration}` };
    if (v <= 0) return { ok: false, message: `duration must be positive: ${input.duration}` };
    durationMs = v;
  }
  let endMs: number | null = null;
  if (input.endDateTime) {
    const v = parseIsoDateTime(input.endDateTime);
    if (v === undefined)
      return { ok: false, message: `endDateTime is not an ISO-8601 date-time: ${input.endDateTime}` };
    endMs = v;
  }
  if (expirationType === "afterDuration" && durationMs === null) {
    return { ok: false, message: "expiration type afterDuration needs a duration" };
  }
  if (expirationType === "afterDateTime" && endMs === null) {
    return { ok: false, message: "expiration type afterDateTime needs an endDateTime" };
  }
  // Only the field the expiration type names counts; without a type, whichever was sent.
  if (expirationType === "afterDuration") endMs = null;
  if (expirationType === "afterDateTime") durationMs = null;
  if (expirationType === "noExpiration" || expirationType === "notSpecified") {
    durationMs = null;
    endMs = null;
  }
  return { ok: true, schedule: { requestedStartMs, expirationType, durationMs, endMs } };
}

const blank = (s: string | null | undefined): boolean => s === null || s === undefined || s.trim() === "";

function err(error: EngineError): SubmitResult {
  return { ok: false, error };
}

/** The current eligibility a request acts on, honouring ARM's activation at a child scope. */
function findEligibility(
  data: TenantData,
  now: number,
  principalId: string,
  target: RoleTarget,
  linkedEligibilityId: string | null | undefined,
): EligibilityRecord | undefined {
  const mine = data.eligibilities.filter(
    (e) => e.principalId === principalId && e.target.plane === target.plane && isCurrent(e, now),
  );
  if (target.plane !== "azure") return mine.find((e) => sameTarget(e.target, target));
  const covering = mine.filter(
    (e) =>
      e.target.plane === "azure" &&
      e.target.roleDefinitionId === target.roleDefinitionId &&
      isAtOrAbove(e.target.scope, target.scope, data.hierarchy),
  );
  if (linkedEligibilityId) {
    const wanted = roleGuid(linkedEligibilityId);
    return covering.find((e) => e.id.toLowerCase() === wanted);
  }
  // The eligibility at the very scope first, else the nearest one above it.
  return (
    covering.find((e) => e.target.plane === "azure" && sameScope(e.target.scope, target.scope)) ??
    covering.sort((a, b) => scopeDepth(b) - scopeDepth(a))[0]
  );
}

function scopeDepth(e: EligibilityRecord): number {
  return e.target.plane === "azure" ? normalizeScope(e.target.scope).split("/").length : 0;
}

function baseRequest(input: SubmitInput, target: RoleTarget, caller: AccessTokenClaims, now: number): RequestRecord {
  const r: RequestRecord = {
    id: input.requestId?.toLowerCase() ?? randomUUID(),
    plane: input.plane,
    action: input.action,
    principalId: input.principalId.toLowerCase(),
    createdBy: caller.oid.toLowerCase(),
    target,
    justification: input.justification ?? null,
    ticketNumber: input.ticketNumber ?? null,
    ticketSystem: input.ticketSystem ?? null,
    requestedStart: null,
    start: null,
    duration: null,
    end: null,
    expirationType: null,
    status: "Provisioned",
    createdDateTime: isoUtc(now),
    completedDateTime: null,
    approvalId: null,
  };
  if (target.plane === "azure") r.armScope = target.scope;
  if (input.linkedEligibilityId) r.linkedEligibilityId = input.linkedEligibilityId;
  return r;
}

export function submit(data: TenantData, clock: Clock, input: SubmitInput, caller: AccessTokenClaims): SubmitResult {
  const now = clock.nowMs();
  advance(data, now);
  if (input.target.plane !== input.plane) {
    return err({ code: "InvalidRequest", message: `the target is a ${input.target.plane} target, not ${input.plane}` });
  }
  if (input.principalId.toLowerCase() !== caller.oid.toLowerCase()) return err({ code: "PrincipalMismatch" });
  if (!input.validationOnly && input.requestId && data.requests.has(requestKey(input.plane, input.requestId))) {
    return err({ code: "RequestNameConflict" });
  }
  const target = canonicalTarget(input.target);
  switch (input.action) {
    case "selfActivate":
      return activate(data, now, input, target, caller);
    case "selfDeactivate":
      return deactivate(data, now, input, target, caller);
    case "selfExtend":
    case "selfRenew":
      return extendOrRenew(data, now, input, target, caller);
  }
}

function activate(
  data: TenantData,
  now: number,
  input: SubmitInput,
  target: RoleTarget,
  caller: AccessTokenClaims,
): SubmitResult {
  const principalId = input.principalId.toLowerCase();
  const eligibility = findEligibility(data, now, principalId, target, input.linkedEligibilityId);
  if (!eligibility) return err({ code: "NotEligible" });
  const parsed = parseSchedule(input);
  if (!parsed.ok) return err({ code: "InvalidRequest", message: parsed.message });
  const { requestedStartMs, expirationType, durationMs, endMs: requestedEndMs } = parsed.schedule;
  const eligibilityEnd = eligibility.end === null ? null : ms(eligibility.end);
  // A start in the past means now, as the service overwrites it with the processing time.
  const startMs = Math.max(now, requestedStartMs ?? now);
  if (eligibilityEnd !== null && startMs >= eligibilityEnd) {
    return err({ code: "InvalidRequest", message: "the requested start is after the eligibility ends" });
  }
  if (requestedEndMs !== null && requestedEndMs <= startMs) {
    return err({ code: "InvalidRequest", message: "endDateTime must be after the start" });
  }
  const policy = policyFor(data, policyTargetOf(eligibility.target)).settings;

  // Policy rules, all of them, in the order the service reports them.
  const rules: Array<{ rule: "ExpirationRule" | "JustificationRule" | "TicketingRule" | "MfaRule"; message: string }> =
    [];
  const requestedMs = durationMs ?? (requestedEndMs !== null ? requestedEndMs - startMs : null);
  const maxMs = parseIsoDuration(policy.maxDuration) ?? Number.POSITIVE_INFINITY;
  if (requestedMs === null) {
    rules.push(policyRuleFailure("ExpirationRule", policyRuleMessages.ExpirationRulePermanent));
  } else if (requestedMs > maxMs) {
    rules.push(policyRuleFailure("ExpirationRule", policyRuleMessages.ExpirationRuleTooLong));
  }
  if (policy.justification && blank(input.justification)) {
    rules.push(policyRuleFailure("JustificationRule", policyRuleMessages.JustificationRule));
  }
  if (policy.ticket && (blank(input.ticketNumber) || blank(input.ticketSystem))) {
    rules.push(policyRuleFailure("TicketingRule", policyRuleMessages.TicketingRule));
  }
  if (policy.mfa && !caller.amr.some((m) => m.toLowerCase() === "mfa")) {
    rules.push(policyRuleFailure("MfaRule", policyRuleMessages.MfaRule));
  }
  if (rules.length > 0) return err({ code: "RoleAssignmentRequestPolicyValidationFailed", rules });

  if (policy.authContext) {
    const satisfied = caller.acrs.includes(policy.authContext);
    const cp1 = caller.xmsCc.some((c) => c.toLowerCase() === "cp1");
    if (!satisfied || (data.settings.requireCp1ForAcrs && !cp1)) {
      return err({
        code: "RoleAssignmentRequestAcrsValidationFailed",
        claimValue: policy.authContext,
        claims: acrsClaims(policy.authContext),
      });
    }
  }

  // An activation that is active or scheduled, or a standing assignment, blocks a second one.
  if (data.assignments.some((a) => a.principalId === principalId && sameTarget(a.target, target) && notEnded(a, now))) {
    return err({ code: "RoleAssignmentExists" });
  }
  if (
    [...data.requests.values()].some(
      (r) =>
        r.status === "PendingApproval" &&
        r.action === "selfActivate" &&
        r.principalId === principalId &&
        sameTarget(r.target, target),
    )
  ) {
    return err({ code: "PendingRoleAssignmentRequest" });
  }

  const request = baseRequest(input, target, caller, now);
  request.expirationType = expirationType ?? (durationMs !== null ? "afterDuration" : "afterDateTime");
  request.duration = durationMs !== null ? (input.duration ?? formatIsoDuration(durationMs)) : null;
  request.requestedStart = requestedStartMs === null ? null : isoUtc(requestedStartMs);
  const endMs = cappedEnd(startMs, durationMs, requestedEndMs, eligibilityEnd);
  request.start = isoUtc(startMs);
  request.end = isoUtc(endMs);
  const meta: RequestMeta = { eligibilityId: eligibility.id, durationMs, requestedEndMs };

  if (policy.approval) {
    request.status = "PendingApproval";
    if (input.validationOnly) return { ok: true, request };
    const approval: ApprovalRecord = {
      id: randomUUID(),
      requestId: request.id,
      plane: request.plane,
      stages: [
        {
          id: randomUUID(),
          status: "InProgress",
          reviewResult: "NotReviewed",
          approvers: [...policy.approvers],
          reviewedBy: null,
          reviewedDateTime: null,
          justification: null,
        },
      ],
    };
    request.approvalId = approval.id;
    meta.approvalDeadlineMs = now + approvalStageTimeOutInDays * DAY;
    data.approvals.set(approval.id.toLowerCase(), approval);
    store(data, request, meta);
    return { ok: true, request };
  }

  provision(data, now, request, eligibility.id, startMs, endMs);
  if (input.validationOnly) {
    // Undo: validation reports the outcome and stores nothing.
    data.assignments = data.assignments.filter((a) => a.id !== request.id);
    delete request.assignmentId;
    return { ok: true, request };
  }
  store(data, request, meta);
  return { ok: true, request };
}

/** End = start + duration (or the requested end), never past the end of the eligibility it comes from. */
function cappedEnd(
  startMs: number,
  durationMs: number | null,
  requestedEndMs: number | null,
  eligibilityEndMs: number | null,
): number {
  const end = durationMs !== null ? startMs + durationMs : (requestedEndMs ?? startMs);
  return eligibilityEndMs === null ? end : Math.min(end, eligibilityEndMs);
}

/** Creates the activated assignment of an accepted activation and sets the request's status. */
function provision(
  data: TenantData,
  now: number,
  request: RequestRecord,
  eligibilityId: string,
  startMs: number,
  endMs: number,
): void {
  const delayMs = Math.max(0, data.settings.provisioningDelaySeconds) * 1000;
  const visibleFromMs = Math.max(startMs, now + delayMs);
  if (startMs > now) {
    request.status = "Granted";
    request.completedDateTime = isoUtc(startMs);
  } else if (delayMs > 0) {
    request.status = "PendingProvisioning";
    request.completedDateTime = null;
  } else {
    request.status = "Provisioned";
    request.completedDateTime = isoUtc(now);
  }
  request.start = isoUtc(startMs);
  request.end = isoUtc(endMs);
  request.assignmentId = request.id;
  data.assignments.push({
    id: request.id,
    principalId: request.principalId,
    target: request.target,
    assignmentType: "Activated",
    start: isoUtc(startMs),
    end: isoUtc(endMs),
    visibleFrom: isoUtc(visibleFromMs),
    memberType: "Direct",
    requestId: request.id,
    eligibilityId,
  });
}

function store(data: TenantData, request: RequestRecord, meta: RequestMeta): void {
  const key = requestKey(request.plane, request.id);
  data.requests.set(key, request);
  data.requestMeta.set(key, meta);
}

function deactivate(
  data: TenantData,
  now: number,
  input: SubmitInput,
  target: RoleTarget,
  caller: AccessTokenClaims,
): SubmitResult {
  const principalId = input.principalId.toLowerCase();
  const active = data.assignments.find(
    (a) =>
      a.principalId === principalId &&
      a.assignmentType === "Activated" &&
      sameTarget(a.target, target) &&
      isVisible(a, now),
  );
  if (!active) return err({ code: "RoleAssignmentDoesNotExist" });
  const earliest = ms(active.start) + minimumActiveMs;
  if (now < earliest) return err({ code: "ActiveDurationTooShort", earliest: isoUtc(earliest) });
  const request = baseRequest(input, target, caller, now);
  request.status = "Revoked";
  request.completedDateTime = isoUtc(now);
  request.assignmentId = active.id;
  if (input.validationOnly) return { ok: true, request };
  active.end = isoUtc(now);
  store(data, request, {});
  return { ok: true, request };
}

/**
 * selfExtend / selfRenew apply to admin-assigned, time-bound assignments (`Assigned` with an end):
 * extend one that has not yet expired, renew one that has. The request waits for an administrator
 * (`PendingAdminDecision`); it never lengthens a self-activation.
 */
function extendOrRenew(
  data: TenantData,
  now: number,
  input: SubmitInput,
  target: RoleTarget,
  caller: AccessTokenClaims,
): SubmitResult {
  const principalId = input.principalId.toLowerCase();
  const candidates = data.assignments.filter(
    (a) =>
      a.principalId === principalId &&
      a.assignmentType === "Assigned" &&
      a.end !== null &&
      sameTarget(a.target, target),
  );
  const subject =
    input.action === "selfExtend"
      ? candidates.find((a) => ms(a.start) <= now && notEnded(a, now))
      : candidates.filter((a) => !notEnded(a, now)).sort((a, b) => ms(b.end ?? "") - ms(a.end ?? ""))[0];
  if (!subject) return err({ code: "RoleAssignmentDoesNotExist" });
  const parsed = parseSchedule(input);
  if (!parsed.ok) return err({ code: "InvalidRequest", message: parsed.message });
  const policy = policyFor(data, policyTargetOf(target)).settings;
  if (policy.justification && blank(input.justification)) {
    return err({
      code: "RoleAssignmentRequestPolicyValidationFailed",
      rules: [policyRuleFailure("JustificationRule", policyRuleMessages.JustificationRule)],
    });
  }
  if (
    [...data.requests.values()].some(
      (r) =>
        r.status === "PendingAdminDecision" &&
        r.action === input.action &&
        r.principalId === principalId &&
        sameTarget(r.target, target),
    )
  ) {
    return err({ code: "PendingRoleAssignmentRequest" });
  }
  const request = baseRequest(input, target, caller, now);
  const { requestedStartMs, expirationType, durationMs, endMs } = parsed.schedule;
  request.status = "PendingAdminDecision";
  request.expirationType = expirationType;
  request.duration = durationMs !== null ? (input.duration ?? formatIsoDuration(durationMs)) : null;
  request.requestedStart = requestedStartMs === null ? null : isoUtc(requestedStartMs);
  request.start = requestedStartMs === null ? null : isoUtc(requestedStartMs);
  request.end = endMs === null ? null : isoUtc(endMs);
  request.assignmentId = subject.id;
  if (input.validationOnly) return { ok: true, request };
  store(data, request, {});
  return { ok: true, request };
}

export function cancel(
  data: TenantData,
  clock: Clock,
  plane: Plane,
  requestId: string,
  callerOid: string,
): CancelResult {
  const now = clock.nowMs();
  advance(data, now);
  const key = requestKey(plane, requestId);
  const r = data.requests.get(key);
  if (!r) return { ok: false, error: "NotFound" };
  const caller = callerOid.toLowerCase();
  if (r.principalId !== caller && r.createdBy !== caller) return { ok: false, error: "Forbidden" };
  if (r.status !== "Granted" && r.status !== "PendingApproval" && r.status !== "PendingAdminDecision") {
    return { ok: false, error: "NotCancellable" };
  }
  if (r.status === "Granted" && r.assignmentId) {
    const id = r.assignmentId;
    data.assignments = data.assignments.filter((a) => a.id !== id);
  }
  if (r.approvalId) {
    const approval = data.approvals.get(r.approvalId.toLowerCase());
    for (const stage of approval?.stages ?? []) stage.status = "Completed";
  }
  r.status = "Canceled";
  r.completedDateTime = isoUtc(now);
  return { ok: true, request: r };
}

export function review(
  data: TenantData,
  clock: Clock,
  approvalId: string,
  decision: "Approve" | "Deny",
  reviewerOid: string,
  justification: string | null,
): ReviewResultOutcome {
  const now = clock.nowMs();
  advance(data, now);
  const approval = data.approvals.get(approvalId.toLowerCase());
  if (!approval) return { ok: false, error: "NotFound" };
  const key = requestKey(approval.plane, approval.requestId);
  const request = data.requests.get(key);
  const stage = approval.stages.find((s) => s.status === "InProgress");
  if (!request || !stage || request.status !== "PendingApproval") return { ok: false, error: "AlreadyReviewed" };
  const reviewer = reviewerOid.toLowerCase();
  if (reviewer === request.principalId) return { ok: false, error: "SelfApproval" };
  if (!stage.approvers.some((a) => a.toLowerCase() === reviewer)) return { ok: false, error: "NotApprover" };

  stage.status = "Completed";
  stage.reviewResult = decision;
  stage.reviewedBy = reviewer;
  stage.reviewedDateTime = isoUtc(now);
  stage.justification = justification;
  if (decision === "Deny") {
    request.status = "Denied";
    request.completedDateTime = isoUtc(now);
    return { ok: true, approval, request };
  }

  // Approved: the activation proceeds from now, as if it had just been accepted.
  const meta = data.requestMeta.get(key) ?? {};
  const eligibility = data.eligibilities.find((e) => e.id === meta.eligibilityId);
  if (!eligibility || !isCurrent(eligibility, now)) {
    request.status = "Failed";
    request.completedDateTime = isoUtc(now);
    return { ok: true, approval, request };
  }
  const requestedStart = request.requestedStart === null ? null : ms(request.requestedStart);
  const startMs = Math.max(now, requestedStart ?? now);
  const eligibilityEnd = eligibility.end === null ? null : ms(eligibility.end);
  const endMs = cappedEnd(startMs, meta.durationMs ?? null, meta.requestedEndMs ?? null, eligibilityEnd);
  provision(data, now, request, eligibility.id, startMs, endMs);
  return { ok: true, approval, request };
}
