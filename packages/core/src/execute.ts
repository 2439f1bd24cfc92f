import type {
  ArmResource,
  ArmRoleAssignmentScheduleInstanceProperties,
  GraphGroupAssignmentScheduleInstance,
  GraphGroupAssignmentScheduleRequest,
  GraphRoleAssignmentScheduleInstance,
  GraphRoleAssignmentScheduleRequest,
} from "@pimkit/contracts";
import { buildAcrsClaims } from "./claims";
import { createLimiter } from "./concurrency";
import { armUrl, batch, type CoreContext, identity, listArm, listGraph } from "./context";
import { isPimError, PimError, toErrorInfo } from "./errors";
import type { BatchItem, BatchItemResult, BatchOutcome } from "./http/batch";
import type { HttpResult } from "./http/pipeline";
import { recordHeaders } from "./http/retry-after";
import { AuthSession } from "./http/tokens";
import { upstreamToError } from "./http/upstream";
import * as azure from "./planes/azure-roles";
import * as entra from "./planes/entra-roles";
import * as groups from "./planes/groups";
import { compareIsoTime } from "./text-order";
import type {
  ActivationOutcome,
  ActivationPlan,
  ActivationResult,
  ExecuteOptions,
  PlannedActivation,
  RoleTarget,
} from "./types";

const activatedStatuses = new Set([
  "provisioned",
  "pendingprovisioning",
  "provisioningstarted",
  "accepted",
  "adminapproved",
]);
const scheduledStatuses = new Set([
  "granted",
  "schedulecreated",
  "pendingschedulecreation",
  "pendingscheduledcreation",
]);
const pendingStatuses = new Set([
  "pendingapproval",
  "pendingadmindecision",
  "pendingapprovalprovisioning",
  "pendingevaluation",
  "pendingexternalprovisioning",
]);

/** Upstream status → outcome (HTTP 201 does not mean active: the status says what happened). */
export function outcomeOfStatus(status: string | null | undefined, futureStart: boolean): ActivationOutcome | "failed" {
  const s = (status ?? "").toLowerCase();
  if (pendingStatuses.has(s)) return "pending";
  if (scheduledStatuses.has(s)) return futureStart ? "scheduled" : "activated";
  if (activatedStatuses.has(s)) return futureStart ? "scheduled" : "activated";
  return "failed";
}

export const advice = {
  mfa: "Sign in again with multi-factor authentication (the role's policy requires MFA in the session), then retry.",
  authContext: (id: string | undefined) =>
    `The role requires authentication context ${id ?? "(unknown)"}; complete the additional sign-in it asks for, then retry.`,
  justification: "Pass a justification (--justification).",
  ticket: "Pass ticket information (--ticket-system and --ticket-number).",
  duration: "Ask for a shorter duration (the role's maximum is shown by `role show`).",
  throttled: "The service is throttling; wait a minute and retry.",
  ambiguous: "Check `pimkit request list` before retrying: the request may have been applied.",
} as const;

function adviceFor(code: string, authContext?: string): string | undefined {
  switch (code) {
    case "mfa_required":
      return advice.mfa;
    case "auth_context_not_satisfied":
    case "step_up_failed":
      return advice.authContext(authContext);
    case "justification_required":
      return advice.justification;
    case "ticket_required":
      return advice.ticket;
    case "duration_too_long":
      return advice.duration;
    case "throttled":
      return advice.throttled;
    case "ambiguous_write":
      return advice.ambiguous;
    default:
      return undefined;
  }
}

function baseResult(item: PlannedActivation): ActivationResult {
  const target: RoleTarget =
    item.role.target.kind === "azureRole" && item.activationScope
      ? { ...item.role.target, scope: item.activationScope }
      : item.role.target;
  return {
    id: item.role.id,
    name: item.role.name,
    kind: item.role.kind,
    outcome: "failed",
    requestId: null,
    duration: item.duration,
    start: item.start,
    status: null,
    error: null,
    target,
    accessId: item.role.accessId,
    scope:
      item.role.target.kind === "azureRole" && item.activationScope && item.activationScope !== item.role.target.scope
        ? {
            id: item.activationScope,
            displayName: item.activationScope.split("/").pop() ?? item.activationScope,
            type: azure.scopeTypeOf(item.activationScope),
          }
        : item.role.scope,
  };
}

function failed(item: PlannedActivation, e: unknown): ActivationResult {
  const r = baseResult(item);
  const info = toErrorInfo(e);
  if (info.code === "role_assignment_exists") return { ...r, outcome: "already-active" };
  if (info.code === "pending_request_exists") return { ...r, outcome: "pending", status: "PendingApproval" };
  const a = adviceFor(info.code, item.role.requirements.authContext?.id);
  return { ...r, outcome: "failed", error: info, ...(a ? { advice: a } : {}) };
}

function fromWire(
  item: PlannedActivation,
  body: unknown,
  dryRun: boolean,
  requestIdFallback: string | null,
): ActivationResult {
  const r = baseResult(item);
  const o = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const props =
    typeof o.properties === "object" && o.properties !== null ? (o.properties as Record<string, unknown>) : o;
  const status = typeof props.status === "string" ? props.status : null;
  const schedule = props.scheduleInfo as
    | { startDateTime?: string | null; expiration?: { duration?: string | null } }
    | undefined;
  const requestId =
    (typeof o.name === "string" && o.properties ? o.name : typeof o.id === "string" ? o.id : null) ?? requestIdFallback;
  const start = schedule?.startDateTime ? new Date(Date.parse(schedule.startDateTime)).toISOString() : item.start;
  const duration = schedule?.expiration?.duration ?? item.duration;
  if (dryRun) return { ...r, outcome: "would-activate", status, start: item.start, requestId: null };
  const outcome = outcomeOfStatus(status, item.start !== null);
  if (outcome === "failed") {
    return {
      ...r,
      requestId,
      status,
      start,
      duration,
      outcome: "failed",
      error: {
        code: (status ?? "").toLowerCase() === "denied" ? "approval_denied" : "request_failed",
        message: `The service answered with status ${status ?? "unknown"}.`,
      },
    };
  }
  return { ...r, outcome, requestId, status, start, duration };
}

/**
 * Graph read-back before a resend: the user's own requests for the same target. A live request
 * (pending, scheduled, or provisioned with the activation visible) means the first attempt — or an
 * earlier one — already did the job, so nothing is sent again.
 */
async function graphReconcileActivation(
  ctx: CoreContext,
  session: AuthSession,
  principalId: string,
  item: PlannedActivation,
  signal: AbortSignal | undefined,
): Promise<BatchItemResult | undefined> {
  const t = item.role.target;
  if (t.kind === "azureRole") return undefined;
  const isEntra = t.kind === "entraRole";
  const requests = isEntra
    ? (
        await listGraph<GraphRoleAssignmentScheduleRequest>(
          ctx,
          session,
          entra.entraPaths.requests(principalId, "all"),
          ctx.scopes.entraRoles,
          signal,
        )
      ).map((w) => ({ w, p: entra.fromRequest(w) }))
    : (
        await listGraph<GraphGroupAssignmentScheduleRequest>(
          ctx,
          session,
          groups.groupPaths.requests(principalId, "all"),
          ctx.scopes.groups,
          signal,
        )
      ).map((w) => ({ w, p: groups.fromRequest(w) }));
  const key = isEntra ? entra.entraKey(t.roleDefinitionId, t.directoryScopeId) : groups.groupKey(t.groupId, t.accessId);
  const mine = requests
    .filter(({ p }) => p.key === key && p.action === "activate")
    .filter(({ p }) => outcomeOfStatus(p.status, false) !== "failed")
    .sort((a, b) => compareIsoTime(b.p.createdAt, a.p.createdAt));
  const latest = mine[0];
  if (!latest) return undefined;
  const s = latest.p.status.toLowerCase();
  if (pendingStatuses.has(s) || scheduledStatuses.has(s) || s === "pendingprovisioning") {
    return { status: 201, headers: {}, body: latest.w };
  }
  // A provisioned request counts only while its activation is live (old ones stay "Provisioned").
  const active = isEntra
    ? (
        await listGraph<GraphRoleAssignmentScheduleInstance>(
          ctx,
          session,
          entra.entraPaths.active(principalId),
          ctx.scopes.entraRoles,
          signal,
        )
      ).map(entra.fromAssignment)
    : (
        await listGraph<GraphGroupAssignmentScheduleInstance>(
          ctx,
          session,
          groups.groupPaths.active(principalId),
          ctx.scopes.groups,
          signal,
        )
      ).map(groups.fromAssignment);
  return active.some((a) => a.key === key && a.assignment?.assignmentType === "activated")
    ? { status: 201, headers: {}, body: latest.w }
    : undefined;
}

export async function executeActivation(
  ctx: CoreContext,
  plan: ActivationPlan,
  options: ExecuteOptions = {},
): Promise<ActivationResult[]> {
  if (!plan.ok) {
    const e = new PimError("plan_invalid", "The plan has problems; nothing was sent.");
    Object.defineProperty(e, "plan", { value: plan, enumerable: false });
    throw e;
  }
  const dryRun = options.dryRun === true;
  const signal = options.abortSignal;
  const session = new AuthSession(ctx.tokens);
  const results: (ActivationResult | undefined)[] = new Array(plan.items.length).fill(undefined);
  const emit = (i: number, r: ActivationResult) => {
    results[i] = r;
    ctx.logger.log("info", "activation", {
      roleId: r.id,
      kind: r.kind,
      outcome: r.outcome,
      ...(r.error ? { code: r.error.code } : {}),
    });
    try {
      options.onResult?.(r);
    } catch {
      // A caller's progress callback must not abort the operation.
    }
  };

  const graphIdx: number[] = [];
  const armIdx: number[] = [];
  plan.items.forEach((item, i) => {
    const a = item.role.assignment;
    const live = a && (!a.end || Date.parse(a.end) > ctx.clock.now());
    if (live && !dryRun) {
      emit(i, { ...baseResult(item), outcome: "already-active", start: a.start, status: null });
      return;
    }
    if (item.role.target.kind === "azureRole") armIdx.push(i);
    else graphIdx.push(i);
  });

  const scopesOf = (idx: readonly number[]): readonly string[] => {
    const graph = idx.filter((i) => plan.items[i]?.role.target.kind !== "azureRole");
    if (graph.length === 0) return ctx.scopes.arm;
    return [
      ...new Set([
        ...(graph.some((i) => plan.items[i]?.role.kind === "entraRole") ? ctx.scopes.entraRoles : []),
        ...(graph.some((i) => plan.items[i]?.role.kind === "group") ? ctx.scopes.groups : []),
      ]),
    ];
  };
  const toSend = [...graphIdx, ...armIdx];

  let principalId: string;
  try {
    ({ principalId } = await identity(ctx, session, scopesOf(toSend), signal));
  } catch (e) {
    for (const i of toSend) {
      const item = plan.items[i];
      if (item) emit(i, failed(item, e));
    }
    return results.filter((r): r is ActivationResult => r !== undefined);
  }

  // One acquisition carries every context the selected roles need (proactive step-up). Roles
  // whose policy names no context go out while it runs; those that need one, and those whose
  // policy is unknown, wait for it.
  const claims = dryRun || toSend.length === 0 ? undefined : buildAcrsClaims(plan.authContexts);
  const waitsForStepUp = (i: number) => {
    if (claims === undefined) return false;
    if (options.stepUpBeforeWrites === true) return true;
    const req = plan.items[i]?.role.requirements;
    return !req?.known || req.authContext !== null;
  };
  const now = toSend.filter((i) => !waitsForStepUp(i));
  const later = toSend.filter(waitsForStepUp);

  const graphPart = async (idx: number[]) => {
    if (idx.length === 0) return;
    const batchItems: BatchItem[] = idx.map((i) => {
      const item = plan.items[i] as PlannedActivation;
      const t = item.role.target;
      const common = {
        principalId,
        justification: item.justification,
        ticket: item.ticket,
        start: item.start,
        duration: item.duration,
        ...(dryRun ? { validateOnly: true } : {}),
      };
      const isEntra = t.kind === "entraRole";
      const fallback = buildAcrsClaims(
        item.role.requirements.authContext ? [item.role.requirements.authContext.id] : [],
      );
      return {
        method: "POST",
        path: isEntra ? entra.entraPaths.submit : groups.groupPaths.submit,
        body:
          t.kind === "entraRole"
            ? entra.activationBody({
                ...common,
                roleDefinitionId: t.roleDefinitionId,
                directoryScopeId: t.directoryScopeId,
              })
            : t.kind === "group"
              ? groups.activationBody({ ...common, groupId: t.groupId, accessId: t.accessId })
              : undefined,
        scopes: isEntra ? ctx.scopes.entraRoles : ctx.scopes.groups,
        write: !dryRun,
        ...(dryRun
          ? {}
          : {
              reconcile: (s: AbortSignal | undefined) => graphReconcileActivation(ctx, session, principalId, item, s),
            }),
        ...(fallback && !dryRun ? { fallbackClaims: fallback } : {}),
      };
    });
    let outcomes: BatchOutcome[];
    try {
      outcomes = await batch(ctx, session, batchItems, signal);
    } catch (e) {
      for (const i of idx) emit(i, failed(plan.items[i] as PlannedActivation, e));
      return;
    }
    outcomes.forEach((o, k) => {
      const i = idx[k] ?? -1;
      const item = plan.items[i];
      if (!item) return;
      if (!o.ok) {
        emit(i, failed(item, o.error));
        return;
      }
      const { status, headers, body } = o.result;
      if (status >= 200 && status < 300) {
        emit(i, fromWire(item, body, dryRun, null));
        return;
      }
      const error = upstreamToError(status, recordHeaders(headers), body);
      if (dryRun && error.code === "auth_context_not_satisfied") {
        // Validation cannot step up; the real run will ask for the context first.
        emit(i, {
          ...baseResult(item),
          outcome: "would-activate",
          advice: advice.authContext(item.role.requirements.authContext?.id),
        });
        return;
      }
      emit(i, failed(item, error));
    });
  };

  // ARM writes sent before and after the step-up share one bound.
  const armSlot = createLimiter(ctx.armConcurrency);
  const armPart = (idx: number[]) =>
    Promise.all(
      idx.map((i) =>
        armSlot(async () => {
          const item = plan.items[i] as PlannedActivation;
          try {
            emit(i, await armActivate(ctx, session, principalId, item, dryRun, signal));
          } catch (e) {
            if (dryRun && isPimError(e) && e.code === "auth_context_not_satisfied") {
              emit(i, {
                ...baseResult(item),
                outcome: "would-activate",
                advice: advice.authContext(item.role.requirements.authContext?.id),
              });
              return;
            }
            emit(i, failed(item, e));
          }
        }),
      ),
    );

  const send = async (idx: number[]) => {
    const isArm = (i: number) => plan.items[i]?.role.target.kind === "azureRole";
    await Promise.all([graphPart(idx.filter((i) => !isArm(i))), armPart(idx.filter(isArm))]);
  };
  const afterStepUp = async () => {
    if (later.length === 0 || claims === undefined) return;
    try {
      await session.proactive(claims, scopesOf(later), signal);
    } catch (e) {
      for (const i of later) emit(i, failed(plan.items[i] as PlannedActivation, e));
      return;
    }
    await send(later);
  };

  await Promise.all([send(now), afterStepUp()]);
  return results.map(
    (r, i) => r ?? failed(plan.items[i] as PlannedActivation, new PimError("upstream_error", "No outcome.")),
  );
}

async function armActivate(
  ctx: CoreContext,
  session: AuthSession,
  principalId: string,
  item: PlannedActivation,
  dryRun: boolean,
  signal: AbortSignal | undefined,
): Promise<ActivationResult> {
  const t = item.role.target;
  if (t.kind !== "azureRole") throw new PimError("upstream_error", "Not an Azure role.");
  const scope = item.activationScope ?? t.scope;
  // Fixed before the first attempt: every resend and the read-back use the same name.
  const name = ctx.newGuid();
  const body = azure.activationBody({
    roleDefinitionId: t.roleDefinitionId,
    principalId,
    eligibilityScheduleId: t.eligibilityScheduleId,
    justification: item.justification,
    ticket: item.ticket,
    start: item.start,
    duration: item.duration,
  });
  const fallback = buildAcrsClaims(item.role.requirements.authContext ? [item.role.requirements.authContext.id] : []);
  const res = await ctx.pipeline.send(
    {
      method: dryRun ? "POST" : "PUT",
      url: armUrl(ctx, dryRun ? azure.azurePaths.validate(scope, name) : azure.azurePaths.request(scope, name)),
      plane: "arm",
      scopes: ctx.scopes.arm,
      body,
      write: !dryRun,
      ...(dryRun ? { noChallengeHandling: true } : { reconcile: (s) => armReadBack(ctx, session, scope, name, s) }),
      ...(fallback && !dryRun ? { fallbackClaims: fallback } : {}),
      ...(signal ? { signal } : {}),
    },
    session,
  );
  return fromWire(item, res.body, dryRun, name);
}

/** ARM read-back by the request's own name: found means the PUT landed. */
export async function armReadBack(
  ctx: CoreContext,
  session: AuthSession,
  scope: string,
  name: string,
  signal: AbortSignal | undefined,
): Promise<HttpResult | undefined> {
  const res = await ctx.pipeline.sendRaw(
    {
      method: "GET",
      url: armUrl(ctx, azure.azurePaths.request(scope, name)),
      plane: "arm",
      scopes: ctx.scopes.arm,
      ...(signal ? { signal } : {}),
    },
    session,
  );
  if (res.status === 404) return undefined;
  if (res.status >= 200 && res.status < 300) return res;
  throw upstreamToError(res.status, res.headers, res.body);
}

/** Active instances of the planes that `targets` touch (for waits and read-backs). */
export async function activeKeys(
  ctx: CoreContext,
  session: AuthSession,
  principalId: string,
  kinds: Set<string>,
  signal?: AbortSignal,
): Promise<Set<string>> {
  const keys = new Set<string>();
  const tasks: Promise<void>[] = [];
  if (kinds.has("entraRole")) {
    tasks.push(
      listGraph<GraphRoleAssignmentScheduleInstance>(
        ctx,
        session,
        entra.entraPaths.active(principalId),
        ctx.scopes.entraRoles,
        signal,
      ).then((l) => {
        for (const w of l) keys.add(entra.fromAssignment(w).key);
      }),
    );
  }
  if (kinds.has("group")) {
    tasks.push(
      listGraph<GraphGroupAssignmentScheduleInstance>(
        ctx,
        session,
        groups.groupPaths.active(principalId),
        ctx.scopes.groups,
        signal,
      ).then((l) => {
        for (const w of l) keys.add(groups.fromAssignment(w).key);
      }),
    );
  }
  if (kinds.has("azureRole")) {
    tasks.push(
      listArm<ArmResource<ArmRoleAssignmentScheduleInstanceProperties>>(
        ctx,
        session,
        azure.azurePaths.active,
        signal,
      ).then((l) => {
        for (const w of l) {
          const r = azure.fromAssignment(w);
          if (r) keys.add(r.key);
        }
      }),
    );
  }
  await Promise.all(tasks);
  return keys;
}

export function keyOfTarget(t: RoleTarget): string {
  if (t.kind === "entraRole") return entra.entraKey(t.roleDefinitionId, t.directoryScopeId);
  if (t.kind === "group") return groups.groupKey(t.groupId, t.accessId);
  return azure.azureKey(t.scope, t.roleDefinitionId);
}
