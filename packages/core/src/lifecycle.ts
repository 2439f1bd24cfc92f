import type {
  ArmResource,
  ArmRoleAssignmentScheduleRequestProperties,
  GraphGroupAssignmentScheduleRequest,
  GraphRoleAssignmentScheduleRequest,
} from "@pimkit/contracts";
import type { CancelResult } from "./client-types";
import { mapLimit } from "./concurrency";
import { armUrl, batch, batchList, type CoreContext, graphUrl, identity, listArm } from "./context";
import { allKinds, roleIdOf } from "./discovery";
import { isPimError, PimError, toErrorInfo } from "./errors";
import { activeKeys, armReadBack, keyOfTarget } from "./execute";
import { recordHeaders } from "./http/retry-after";
import { AuthSession } from "./http/tokens";
import { upstreamToError } from "./http/upstream";
import * as azure from "./planes/azure-roles";
import { type PlaneRequest, pendingReasonOf } from "./planes/common";
import * as entra from "./planes/entra-roles";
import * as groups from "./planes/groups";
import { compareIsoTime } from "./text-order";
import type {
  ActivationResult,
  DeactivationResult,
  EffectiveProgress,
  EffectiveState,
  PimRequest,
  PimRole,
  PlaneProblem,
  RequestListing,
  RoleKind,
  WaitOptions,
} from "./types";

function toPimRequest(p: PlaneRequest, now: number): PimRequest {
  const pendingReason = pendingReasonOf(p, now);
  return {
    requestId: p.requestId,
    kind: p.kind,
    roleId: roleIdOf(p.kind, p.key),
    name: p.name,
    accessId: p.accessId,
    scope: p.scope,
    action: p.action,
    status: p.status,
    pending: pendingReason !== null,
    pendingReason,
    createdAt: p.createdAt,
    start: p.start,
    duration: p.duration,
    justification: p.justification,
    target: p.target,
    resourceId: p.resourceId,
  };
}

export async function listRequests(
  ctx: CoreContext,
  options: { pendingOnly?: boolean; kinds?: RoleKind[]; abortSignal?: AbortSignal } = {},
): Promise<RequestListing> {
  const kinds = options.kinds?.length ? options.kinds : allKinds;
  const signal = options.abortSignal;
  const session = new AuthSession(ctx.tokens);
  const pendingOnly = options.pendingOnly === true;
  const first = kinds.includes("entraRole")
    ? ctx.scopes.entraRoles
    : kinds.includes("group")
      ? ctx.scopes.groups
      : ctx.scopes.arm;
  const { principalId } = await identity(ctx, session, first, signal);
  const problems: PlaneProblem[] = [];
  const out: PlaneRequest[] = [];
  const graphPaths: { kind: RoleKind; path: string; scopes: readonly string[] }[] = [];
  if (kinds.includes("entraRole")) {
    graphPaths.push({
      kind: "entraRole",
      path: entra.entraPaths.requests(principalId, pendingOnly ? "open" : "all"),
      scopes: ctx.scopes.entraRoles,
    });
  }
  if (kinds.includes("group")) {
    graphPaths.push({
      kind: "group",
      path: groups.groupPaths.requests(principalId, pendingOnly ? "open" : "all"),
      scopes: ctx.scopes.groups,
    });
  }
  const graphTask = async () => {
    if (graphPaths.length === 0) return;
    const scopes = [...new Set(graphPaths.flatMap((g) => [...g.scopes]))];
    const res = await batchList<GraphRoleAssignmentScheduleRequest & GraphGroupAssignmentScheduleRequest>(
      ctx,
      session,
      graphPaths.map((g) => g.path),
      scopes,
      signal,
    );
    res.forEach((r, i) => {
      const g = graphPaths[i];
      if (!g) return;
      if (!r.ok) {
        problems.push({
          kind: g.kind,
          area: "pending",
          code: r.error.code,
          message: r.error.message,
          ...(r.error.upstream ? { upstream: r.error.upstream } : {}),
        });
        return;
      }
      for (const w of r.items) out.push(g.kind === "entraRole" ? entra.fromRequest(w) : groups.fromRequest(w));
    });
  };
  const armTask = async () => {
    if (!kinds.includes("azureRole")) return;
    try {
      const list = await listArm<ArmResource<ArmRoleAssignmentScheduleRequestProperties>>(
        ctx,
        session,
        azure.azurePaths.requests(principalId),
        signal,
      );
      for (const w of list) {
        const r = azure.fromRequest(w);
        if (r) out.push(r);
      }
    } catch (e) {
      const err = isPimError(e) ? e : new PimError("upstream_error", "Reading Azure requests failed.");
      problems.push({
        kind: "azureRole",
        area: "pending",
        code: err.code,
        message: err.message,
        ...(err.upstream ? { upstream: err.upstream } : {}),
      });
    }
  };
  await Promise.all([graphTask(), armTask()]);
  const now = ctx.clock.now();
  const requests = out
    .map((p) => toPimRequest(p, now))
    .filter((r) => !pendingOnly || r.pending)
    .sort((a, b) => compareIsoTime(b.createdAt, a.createdAt));
  return { requests, problems };
}

export async function cancelRequest(
  ctx: CoreContext,
  request: PimRequest | string,
  signal?: AbortSignal,
): Promise<CancelResult> {
  let req: PimRequest | undefined;
  if (typeof request === "string") {
    const listing = await listRequests(ctx, signal ? { abortSignal: signal } : {});
    req = listing.requests.find((r) => r.requestId.toLowerCase() === request.toLowerCase());
    if (!req) throw new PimError("unknown_request", `No request of yours has the id ${request}.`);
  } else req = request;
  const session = new AuthSession(ctx.tokens);
  try {
    if (req.kind === "azureRole") {
      const scope =
        azure.scopeFromResourceId(req.resourceId ?? undefined) ??
        (req.target.kind === "azureRole" ? req.target.scope : "/");
      await ctx.pipeline.send(
        {
          method: "POST",
          url: armUrl(ctx, azure.azurePaths.cancel(scope, req.requestId)),
          plane: "arm",
          scopes: ctx.scopes.arm,
          write: true,
          reconcile: async (s) => {
            const found = await armReadBack(ctx, session, scope, req.requestId, s);
            const status = (found?.body as { properties?: { status?: string } } | undefined)?.properties?.status;
            return status && status.toLowerCase() === "canceled" ? found : undefined;
          },
          ...(signal ? { signal } : {}),
        },
        session,
      );
    } else {
      const isEntra = req.kind === "entraRole";
      const path = isEntra ? entra.entraPaths.cancel(req.requestId) : groups.groupPaths.cancel(req.requestId);
      const scopes = isEntra ? ctx.scopes.entraRoles : ctx.scopes.groups;
      const getPath = isEntra
        ? `/roleManagement/directory/roleAssignmentScheduleRequests/${encodeURIComponent(req.requestId)}`
        : `/identityGovernance/privilegedAccess/group/assignmentScheduleRequests/${encodeURIComponent(req.requestId)}`;
      await ctx.pipeline.send(
        {
          method: "POST",
          url: graphUrl(ctx, path),
          plane: "graph",
          scopes,
          write: true,
          reconcile: async (s) => {
            const res = await ctx.pipeline.sendRaw(
              { method: "GET", url: graphUrl(ctx, getPath), plane: "graph", scopes, ...(s ? { signal: s } : {}) },
              session,
            );
            const status = (res.body as { status?: string } | undefined)?.status;
            return res.status === 200 && status?.toLowerCase() === "canceled" ? res : undefined;
          },
          ...(signal ? { signal } : {}),
        },
        session,
      );
    }
    return { requestId: req.requestId, kind: req.kind, outcome: "canceled", error: null };
  } catch (e) {
    const info = toErrorInfo(e);
    const code = info.code === "bad_request" ? "request_not_cancelable" : info.code;
    return { requestId: req.requestId, kind: req.kind, outcome: "failed", error: { code, message: info.message } };
  }
}

const failedStatuses = new Set(["denied", "canceled", "failed", "timedout", "revoked", "admindenied", "invalid"]);

/**
 * Polls instances (and request status for pending ones) with backoff until every activation is
 * visible, denied, failed, or the timeout passes. Progress is reported per role on each change.
 */
export async function waitUntilEffective(
  ctx: CoreContext,
  results: ActivationResult[],
  options: WaitOptions = {},
): Promise<EffectiveProgress[]> {
  const timeout = options.timeout ?? 10 * 60 * 1000;
  const signal = options.abortSignal;
  const session = new AuthSession(ctx.tokens);
  const started = ctx.clock.now();
  const state = new Map<string, EffectiveProgress>();
  const watch: ActivationResult[] = [];
  for (const r of results) {
    if (r.outcome === "already-active") state.set(r.id, { id: r.id, name: r.name, state: "effective", attempts: 0 });
    else if (r.outcome === "activated" || r.outcome === "scheduled" || r.outcome === "pending") {
      state.set(r.id, { id: r.id, name: r.name, state: "pending", attempts: 0 });
      watch.push(r);
    } else state.set(r.id, { id: r.id, name: r.name, state: "failed", attempts: 0 });
  }
  const report = (p: EffectiveProgress) => {
    try {
      options.onProgress?.({ ...p });
    } catch {
      // Progress display must not stop the wait.
    }
  };
  for (const p of state.values()) report(p);
  const first = watch.find((w) => w.kind !== "azureRole") ? ctx.scopes.entraRoles : ctx.scopes.arm;
  const { principalId } = watch.length ? await identity(ctx, session, first, signal) : { principalId: "" };
  let delay = 1000;
  let open = watch;
  while (open.length > 0) {
    const kinds = new Set<string>(open.map((r) => r.kind));
    let keys: Set<string>;
    let requestStatus = new Map<string, string>();
    try {
      keys = await activeKeys(ctx, session, principalId, kinds, signal);
      if (open.some((r) => r.outcome === "pending")) {
        const listing = await listRequests(ctx, {
          kinds: [...new Set(open.filter((r) => r.outcome === "pending").map((r) => r.kind))],
          ...(signal ? { abortSignal: signal } : {}),
        });
        requestStatus = new Map(listing.requests.map((q) => [q.requestId.toLowerCase(), q.status]));
      }
    } catch (e) {
      if (isPimError(e) && e.code === "aborted") throw e;
      keys = new Set();
    }
    const still: ActivationResult[] = [];
    for (const r of open) {
      const p = state.get(r.id);
      if (!p) continue;
      p.attempts++;
      let next: EffectiveState = "pending";
      if (keys.has(keyOfTarget(r.target))) next = "effective";
      else if (r.requestId) {
        const s = requestStatus.get(r.requestId.toLowerCase())?.toLowerCase();
        if (s === "denied" || s === "admindenied") next = "denied";
        else if (s && failedStatuses.has(s)) next = "failed";
      }
      p.state = next;
      report(p);
      if (next === "pending") still.push(r);
    }
    open = still;
    if (open.length === 0) break;
    const elapsed = ctx.clock.now() - started;
    if (elapsed >= timeout) {
      for (const r of open) {
        const p = state.get(r.id);
        if (p) {
          p.state = "timeout";
          report(p);
        }
      }
      break;
    }
    try {
      await ctx.clock.sleep(Math.min(delay, timeout - elapsed), signal);
    } catch (e) {
      throw new PimError("aborted", "The wait was cancelled.", { cause: e });
    }
    delay = Math.min(15_000, Math.round(delay * 1.5));
  }
  return results.map((r) => state.get(r.id) ?? { id: r.id, name: r.name, state: "failed", attempts: 0 });
}

const minimumActiveMs = 5 * 60 * 1000;

export async function deactivate(
  ctx: CoreContext,
  roles: PimRole[],
  options: { abortSignal?: AbortSignal; onResult?: (r: DeactivationResult) => void } = {},
): Promise<DeactivationResult[]> {
  const signal = options.abortSignal;
  const session = new AuthSession(ctx.tokens);
  const results: (DeactivationResult | undefined)[] = new Array(roles.length).fill(undefined);
  const emit = (i: number, r: DeactivationResult) => {
    results[i] = r;
    ctx.logger.log("info", "deactivation", {
      roleId: r.id,
      kind: r.kind,
      outcome: r.outcome,
      ...(r.error ? { code: r.error.code } : {}),
    });
    try {
      options.onResult?.(r);
    } catch {
      // ignore callback failures
    }
  };
  const base = (role: PimRole): DeactivationResult => ({
    id: role.id,
    name: role.name,
    kind: role.kind,
    outcome: "failed",
    requestId: null,
    error: null,
  });
  const fail = (role: PimRole, e: unknown): DeactivationResult => {
    const info = toErrorInfo(e);
    if (info.code === "not_active") return { ...base(role), outcome: "not-active" };
    if (info.code === "active_duration_too_short") {
      const start = role.assignment?.start ? Date.parse(role.assignment.start) : Number.NaN;
      const earliest = Number.isNaN(start) ? null : new Date(start + minimumActiveMs).toISOString();
      return {
        ...base(role),
        error: info,
        earliestDeactivation: earliest,
        advice: earliest
          ? `An activation cannot end in its first 5 minutes; try again at or after ${earliest}.`
          : "An activation cannot end in its first 5 minutes; try again shortly.",
      };
    }
    return { ...base(role), error: info };
  };

  const graph: number[] = [];
  const arm: number[] = [];
  roles.forEach((role, i) => {
    if (!role.assignment) {
      emit(i, { ...base(role), outcome: "not-active" });
      return;
    }
    if (role.assignment.assignmentType !== "activated") {
      emit(i, {
        ...base(role),
        error: {
          code: "not_active",
          message: `${role.name} is a standing assignment, not an activation; it cannot be deactivated here.`,
        },
      });
      return;
    }
    (role.target.kind === "azureRole" ? arm : graph).push(i);
  });
  if (graph.length + arm.length === 0) return results.map((r, i) => r ?? base(roles[i] as PimRole));

  let principalId: string;
  try {
    ({ principalId } = await identity(ctx, session, graph.length ? ctx.scopes.entraRoles : ctx.scopes.arm, signal));
  } catch (e) {
    for (const i of [...graph, ...arm]) emit(i, fail(roles[i] as PimRole, e));
    return results.map((r, i) => r ?? base(roles[i] as PimRole));
  }

  const graphTask = async () => {
    if (graph.length === 0) return;
    const outcomes = await batch(
      ctx,
      session,
      graph.map((i) => {
        const role = roles[i] as PimRole;
        const t = role.target;
        const isEntra = t.kind === "entraRole";
        return {
          method: "POST" as const,
          path: isEntra ? entra.entraPaths.submit : groups.groupPaths.submit,
          body:
            t.kind === "entraRole"
              ? entra.deactivationBody({
                  roleDefinitionId: t.roleDefinitionId,
                  directoryScopeId: t.directoryScopeId,
                  principalId,
                })
              : t.kind === "group"
                ? groups.deactivationBody({ groupId: t.groupId, accessId: t.accessId, principalId })
                : undefined,
          scopes: isEntra ? ctx.scopes.entraRoles : ctx.scopes.groups,
          write: true,
          // Read-back: the activation is gone, so the deactivation took effect.
          reconcile: async (s: AbortSignal | undefined) => {
            const keys = await activeKeys(ctx, session, principalId, new Set([role.kind]), s);
            return keys.has(keyOfTarget(t)) ? undefined : { status: 201, headers: {}, body: { status: "Revoked" } };
          },
        };
      }),
      signal,
    );
    outcomes.forEach((o, k) => {
      const i = graph[k] ?? -1;
      const role = roles[i];
      if (!role) return;
      if (!o.ok) {
        emit(i, fail(role, o.error));
        return;
      }
      const { status, headers, body } = o.result;
      if (status >= 200 && status < 300) {
        const id = (body as { id?: string } | undefined)?.id ?? null;
        emit(i, { ...base(role), outcome: "deactivated", requestId: id });
        return;
      }
      emit(i, fail(role, upstreamToError(status, recordHeaders(headers), body)));
    });
  };

  const armTask = async () => {
    await mapLimit(arm, ctx.armConcurrency, async (i) => {
      const role = roles[i] as PimRole;
      const t = role.target;
      if (t.kind !== "azureRole") return;
      const name = ctx.newGuid();
      try {
        await ctx.pipeline.send(
          {
            method: "PUT",
            url: armUrl(ctx, azure.azurePaths.request(t.scope, name)),
            plane: "arm",
            scopes: ctx.scopes.arm,
            body: azure.deactivationBody({ roleDefinitionId: t.roleDefinitionId, principalId }),
            write: true,
            reconcile: (s) => armReadBack(ctx, session, t.scope, name, s),
            ...(signal ? { signal } : {}),
          },
          session,
        );
        emit(i, { ...base(role), outcome: "deactivated", requestId: name });
      } catch (e) {
        emit(i, fail(role, e));
      }
    });
  };
  await Promise.all([graphTask(), armTask()]);
  return results.map((r, i) => r ?? base(roles[i] as PimRole));
}
