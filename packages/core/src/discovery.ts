import type {
  ArmResource,
  ArmRoleAssignmentScheduleInstanceProperties,
  ArmRoleAssignmentScheduleRequestProperties,
  ArmRoleEligibilityScheduleInstanceProperties,
  GraphAdministrativeUnit,
  GraphGroupAssignmentScheduleInstance,
  GraphGroupAssignmentScheduleRequest,
  GraphGroupEligibilityScheduleInstance,
  GraphRoleAssignmentScheduleInstance,
  GraphRoleAssignmentScheduleRequest,
  GraphRoleEligibilityScheduleInstance,
  GraphRoleManagementPolicyAssignment,
} from "@pimkit/contracts";
import { batch, batchList, type CoreContext, identity, listArm } from "./context";
import { isPimError, PimError } from "./errors";
import { recordHeaders } from "./http/retry-after";
import { AuthSession } from "./http/tokens";
import { upstreamToError } from "./http/upstream";
import * as azure from "./planes/azure-roles";
import { isPendingApprovalStatus, type PlaneRecord, type PlaneRequest, stableId } from "./planes/common";
import * as entra from "./planes/entra-roles";
import * as groups from "./planes/groups";
import { unknownRequirements } from "./policy";
import {
  applyContextNames,
  cached,
  cachePrefix,
  loadContextNames,
  loadPolicies,
  policyKey,
  store,
} from "./policy-service";
import { textComparator } from "./text-order";
import type { ActivationRequirements, ListRolesOptions, PimRole, PlaneProblem, RoleKind, RoleListing } from "./types";

export const allKinds: readonly RoleKind[] = ["entraRole", "group", "azureRole"];

const idPrefix: Record<RoleKind, string> = { entraRole: "entra", group: "group", azureRole: "azure" };

export function roleIdOf(kind: RoleKind, key: string): string {
  return stableId(idPrefix[kind], key);
}

type Outcome<T> = { ok: true; items: T[] } | { ok: false; error: PimError };

interface GraphReads {
  entraEligible?: Outcome<GraphRoleEligibilityScheduleInstance>;
  entraActive?: Outcome<GraphRoleAssignmentScheduleInstance>;
  entraPending?: Outcome<GraphRoleAssignmentScheduleRequest>;
  entraPolicies?: Outcome<GraphRoleManagementPolicyAssignment>;
  groupEligible?: Outcome<GraphGroupEligibilityScheduleInstance>;
  groupActive?: Outcome<GraphGroupAssignmentScheduleInstance>;
  groupPending?: Outcome<GraphGroupAssignmentScheduleRequest>;
}

/**
 * Every Graph read discovery needs goes out in one `$batch` (one round trip); when the combined
 * token cannot be had (a plane not consented), each plane is read on its own so the other still works.
 */
async function readGraph(
  ctx: CoreContext,
  session: AuthSession,
  principalId: string,
  kinds: readonly RoleKind[],
  withEntraPolicies: boolean,
  signal?: AbortSignal,
): Promise<GraphReads> {
  const wantEntra = kinds.includes("entraRole");
  const wantGroups = kinds.includes("group");
  const plan: { name: keyof GraphReads; path: string; scopes: readonly string[] }[] = [];
  if (wantEntra) {
    plan.push({ name: "entraEligible", path: entra.entraPaths.eligible(principalId), scopes: ctx.scopes.entraRoles });
    plan.push({ name: "entraActive", path: entra.entraPaths.active(principalId), scopes: ctx.scopes.entraRoles });
    plan.push({
      name: "entraPending",
      path: entra.entraPaths.requests(principalId, "awaitingApproval"),
      scopes: ctx.scopes.entraRoles,
    });
    if (withEntraPolicies)
      plan.push({ name: "entraPolicies", path: entra.entraPaths.policies, scopes: ctx.scopes.entraRoles });
  }
  if (wantGroups) {
    plan.push({ name: "groupEligible", path: groups.groupPaths.eligible(principalId), scopes: ctx.scopes.groups });
    plan.push({ name: "groupActive", path: groups.groupPaths.active(principalId), scopes: ctx.scopes.groups });
    plan.push({
      name: "groupPending",
      path: groups.groupPaths.requests(principalId, "awaitingApproval"),
      scopes: ctx.scopes.groups,
    });
  }
  if (plan.length === 0) return {};
  const scopes = [...new Set(plan.flatMap((p) => [...p.scopes]))];
  const run = async (part: typeof plan, partScopes: readonly string[]) => {
    const results = await batchList<never>(
      ctx,
      session,
      part.map((p) => p.path),
      partScopes,
      signal,
    );
    const out: GraphReads = {};
    part.forEach((p, i) => {
      (out as Record<string, unknown>)[p.name] = results[i];
    });
    return out;
  };
  const all = await run(plan, scopes);
  const tokenFailure = Object.values(all).find(
    (o: Outcome<unknown> | undefined) =>
      o && !o.ok && (o.error.code === "token_unavailable" || o.error.code === "sign_in_required"),
  ) as { ok: false; error: PimError } | undefined;
  if (!tokenFailure || !(wantEntra && wantGroups)) return all;
  const [e, g] = await Promise.all([
    run(
      plan.filter((p) => p.name.startsWith("entra")),
      ctx.scopes.entraRoles,
    ),
    run(
      plan.filter((p) => p.name.startsWith("group")),
      ctx.scopes.groups,
    ),
  ]);
  return { ...e, ...g };
}

function problem(kind: RoleKind, area: PlaneProblem["area"], error: PimError, what: string): PlaneProblem {
  return {
    kind,
    area,
    code: error.code,
    message: `${what}: ${error.message}`,
    ...(error.upstream ? { upstream: error.upstream } : {}),
  };
}

async function settle<T>(p: Promise<T[]>): Promise<Outcome<T>> {
  try {
    return { ok: true, items: await p };
  } catch (e) {
    return { ok: false, error: isPimError(e) ? e : new PimError("upstream_error", "Reading failed.", { cause: e }) };
  }
}

/**
 * Turns a read's outcome into records, or into a problem for its plane and area. An abort is
 * thrown: the caller asked for nothing more.
 */
function take<W, R>(
  problems: PlaneProblem[],
  o: Outcome<W> | undefined,
  kind: RoleKind,
  area: PlaneProblem["area"],
  what: string,
  map: (w: W) => R | undefined,
): R[] {
  if (!o) return [];
  if (!o.ok) {
    if (o.error.code === "aborted") throw o.error;
    problems.push(problem(kind, area, o.error, what));
    return [];
  }
  // An item the service sent in a shape we cannot read (a field of the wrong type) is left out and
  // reported once for its plane; the well-formed items still count.
  const out: R[] = [];
  let malformed = 0;
  for (const item of o.items) {
    let mapped: R | undefined;
    try {
      mapped = map(item);
    } catch {
      malformed += 1;
      continue;
    }
    if (mapped !== undefined) out.push(mapped);
  }
  if (malformed > 0) {
    const error = new PimError(
      "malformed_response",
      `${malformed} item${malformed === 1 ? "" : "s"} in the answer had an unexpected shape and ${malformed === 1 ? "was" : "were"} left out.`,
    );
    problems.push(problem(kind, area, error, what));
  }
  return out;
}

interface PlaneResult {
  records: PlaneRecord[];
  pending: PlaneRequest[];
  problems: PlaneProblem[];
  requirements: Map<string, ActivationRequirements>;
  policyProblems: PlaneProblem[];
  auNames?: Map<string, string>;
  auProblem?: PlaneProblem;
}

/** Resolves administrative-unit names (optional permission: a refusal leaves ids shown). */
async function resolveAdministrativeUnits(
  ctx: CoreContext,
  session: AuthSession,
  tenantId: string,
  records: PlaneRecord[],
  refresh: boolean,
  signal?: AbortSignal,
): Promise<{ names: Map<string, string>; problem?: PlaneProblem }> {
  const ids = new Set<string>();
  for (const r of records) {
    if (r.target.kind !== "entraRole") continue;
    const au = entra.administrativeUnitIdOf(r.target.directoryScopeId);
    if (au) ids.add(au.toLowerCase());
  }
  const names = new Map<string, string>();
  if (ids.size === 0) return { names };
  // Names are cached per tenant like policies: a warm listing reads none of them again.
  const keyOf = (id: string) => `${cachePrefix(tenantId)}au:${id}`;
  const list: string[] = [];
  for (const id of ids) {
    const hit = await cached(ctx, keyOf(id), refresh);
    if (typeof hit === "string") names.set(id, hit);
    else list.push(id);
  }
  if (list.length === 0) return { names };
  const outcomes = await batch(
    ctx,
    session,
    list.map((id) => ({
      method: "GET" as const,
      path: entra.entraPaths.administrativeUnit(id),
      scopes: ctx.scopes.administrativeUnits,
    })),
    signal,
  );
  let firstError: PimError | undefined;
  const fresh: Array<[string, string]> = [];
  outcomes.forEach((o, i) => {
    if (o.ok && o.result.status === 200) {
      const au = o.result.body as GraphAdministrativeUnit | undefined;
      if (au?.displayName) fresh.push([list[i] ?? "", au.displayName]);
    } else {
      firstError ??= o.ok ? upstreamToError(o.result.status, recordHeaders(o.result.headers), o.result.body) : o.error;
    }
  });
  for (const [id, name] of fresh) {
    names.set(id, name);
    await store(ctx, keyOf(id), name);
  }
  return firstError
    ? { names, problem: problem("entraRole", "names", firstError, "Administrative unit names could not be read") }
    : { names };
}

/** Merges records that share a target into one role each and attaches requirements. */
export function assemble(
  records: PlaneRecord[],
  pending: PlaneRequest[],
  requirements: ReadonlyMap<string, PimRole["requirements"]>,
  auNames: ReadonlyMap<string, string>,
): PimRole[] {
  const byKey = new Map<string, PimRole>();
  for (const r of records) {
    let role = byKey.get(r.key);
    if (!role) {
      role = {
        id: roleIdOf(r.kind, r.key),
        kind: r.kind,
        name: r.name,
        accessId: r.accessId,
        scope:
          r.kind === "entraRole" && r.target.kind === "entraRole"
            ? entra.entraScope(r.target.directoryScopeId, auNames)
            : r.scope,
        state: "eligible",
        activeUntil: null,
        assignmentType: null,
        requirements: unknownRequirements,
        eligibility: null,
        assignment: null,
        pendingRequest: null,
        target: r.target,
      };
      byKey.set(r.key, role);
    }
    // An id-only name (no expansion) gives way to a display name from another record.
    if (role.name === idTail(role) && r.name !== idTail(role)) role.name = r.name;
    if (r.scope.displayName !== r.scope.id && role.scope.displayName === role.scope.id) role.scope = r.scope;
    if (r.eligibility) {
      role.eligibility = r.eligibility;
      // The eligibility's target carries the schedule id needed to activate.
      role.target = r.target;
    }
    if (r.assignment) {
      // Prefer an activation over a standing assignment for the same target.
      if (!role.assignment || r.assignment.assignmentType === "activated") role.assignment = r.assignment;
    }
  }
  for (const p of pending) {
    const role = byKey.get(p.key);
    const summary = {
      requestId: p.requestId,
      status: p.status,
      createdAt: p.createdAt,
      start: p.start,
      duration: p.duration,
    };
    if (role) role.pendingRequest = summary;
    else {
      byKey.set(p.key, {
        id: roleIdOf(p.kind, p.key),
        kind: p.kind,
        name: p.name,
        accessId: p.accessId,
        scope: p.scope,
        state: "pending",
        activeUntil: null,
        assignmentType: null,
        requirements: unknownRequirements,
        eligibility: null,
        assignment: null,
        pendingRequest: summary,
        target: p.target,
      });
    }
  }
  for (const [key, role] of byKey) {
    const req = requirements.get(policyKey({ target: role.target })) ?? requirements.get(key);
    if (req) role.requirements = req;
    if (role.assignment) {
      role.state = "active";
      role.activeUntil = role.assignment.end;
      role.assignmentType = role.assignment.assignmentType;
    } else if (role.pendingRequest) role.state = "pending";
    else role.state = "eligible";
  }
  const order: Record<RoleKind, number> = { entraRole: 0, group: 1, azureRole: 2 };
  const roles = [...byKey.values()];
  const compare = textComparator(roles.flatMap((r) => [r.name, r.scope.displayName, r.accessId ?? ""]));
  return roles.sort(
    (x, y) =>
      order[x.kind] - order[y.kind] ||
      compare(x.name, y.name) ||
      compare(x.scope.displayName, y.scope.displayName) ||
      compare(x.accessId ?? "", y.accessId ?? ""),
  );
}

function idTail(role: PimRole): string {
  const t = role.target;
  if (t.kind === "entraRole") return t.roleDefinitionId;
  if (t.kind === "group") return t.groupId;
  return azure.roleDefinitionGuid(t.roleDefinitionId);
}

/**
 * Who is signed in, read from the token the Graph discovery `$batch` will use (both Graph planes'
 * scopes at once), so the batch needs no second acquisition. When that combined token cannot be
 * had, one plane's token does; the batch then falls back to reading each plane on its own.
 */
async function firstIdentity(
  ctx: CoreContext,
  session: AuthSession,
  kinds: readonly RoleKind[],
  signal?: AbortSignal,
): Promise<{ principalId: string; tenantId: string }> {
  const planes = [
    ...(kinds.includes("entraRole") ? [ctx.scopes.entraRoles] : []),
    ...(kinds.includes("group") ? [ctx.scopes.groups] : []),
  ];
  if (planes.length === 0) return identity(ctx, session, ctx.scopes.arm, signal);
  try {
    return await identity(ctx, session, [...new Set(planes.flat())], signal);
  } catch (e) {
    if (planes.length < 2 || !isPimError(e) || e.code !== "token_unavailable") throw e;
    return identity(ctx, session, planes[0] ?? ctx.scopes.entraRoles, signal);
  }
}

/**
 * Eligible, active and pending roles with their requirements. Each plane's policies are read as
 * soon as that plane's eligibilities are known (the Graph planes after the one discovery
 * `$batch`, Azure after its eligibility listing), and authentication-context names as soon as a
 * policy names a context, so the round trips of one plane overlap those of the other.
 */
export async function listRoles(ctx: CoreContext, options: ListRolesOptions = {}): Promise<RoleListing> {
  const session = new AuthSession(ctx.tokens);
  const signal = options.abortSignal;
  const kinds = options.kinds?.length ? options.kinds : allKinds;
  const withPolicies = options.policies !== false;
  const refresh = options.refresh === true;
  const wantAzure = kinds.includes("azureRole");

  // The Azure eligibility and activation listings filter on the caller (`asTarget()`), so they
  // need no object id and start with the first token.
  const armEligible = wantAzure
    ? settle(
        listArm<ArmResource<ArmRoleEligibilityScheduleInstanceProperties>>(
          ctx,
          session,
          azure.azurePaths.eligible,
          signal,
        ),
      )
    : undefined;
  const armActive = wantAzure
    ? settle(
        listArm<ArmResource<ArmRoleAssignmentScheduleInstanceProperties>>(
          ctx,
          session,
          azure.azurePaths.active,
          signal,
        ),
      )
    : undefined;

  const { principalId, tenantId } = await firstIdentity(ctx, session, kinds, signal);

  let names: ReturnType<typeof loadContextNames> | undefined;
  const startNames = () => {
    names ??= loadContextNames(ctx, session, tenantId, { refresh, ...(signal ? { signal } : {}) });
    return names;
  };
  const policyOptions = {
    refresh,
    ...(signal ? { signal } : {}),
    onRequirements: (r: ActivationRequirements) => {
      if (r.authContext) void startNames();
    },
  };

  const graphPart = async (): Promise<PlaneResult> => {
    const out: PlaneResult = { records: [], pending: [], problems: [], requirements: new Map(), policyProblems: [] };
    if (!kinds.includes("entraRole") && !kinds.includes("group")) return out;
    let entraPoliciesCached = false;
    if (withPolicies && kinds.includes("entraRole") && !refresh) {
      const hit = await ctx.cache.get(`${cachePrefix(tenantId)}policy:entra`).catch(() => undefined);
      entraPoliciesCached = hit !== undefined && hit.expiresAt > ctx.clock.now();
    }
    const g = await readGraph(ctx, session, principalId, kinds, withPolicies && !entraPoliciesCached, signal);
    const p = out.problems;
    out.records.push(
      ...take(
        p,
        g.entraEligible,
        "entraRole",
        "eligible",
        "Eligible directory roles could not be read",
        entra.fromEligibility,
      ),
      ...take(
        p,
        g.entraActive,
        "entraRole",
        "active",
        "Active directory roles could not be read",
        entra.fromAssignment,
      ),
    );
    out.pending.push(
      ...take(
        p,
        g.entraPending,
        "entraRole",
        "pending",
        "Pending directory role requests could not be read",
        entra.fromRequest,
      ),
    );
    out.records.push(
      ...take(p, g.groupEligible, "group", "eligible", "Eligible groups could not be read", groups.fromEligibility),
      ...take(p, g.groupActive, "group", "active", "Active group memberships could not be read", groups.fromAssignment),
    );
    out.pending.push(
      ...take(p, g.groupPending, "group", "pending", "Pending group requests could not be read", groups.fromRequest),
    );
    const prefetchedEntra = g.entraPolicies
      ? g.entraPolicies.ok
        ? g.entraPolicies.items
        : g.entraPolicies.error
      : undefined;
    const [policies, aus] = await Promise.all([
      withPolicies
        ? loadPolicies(
            ctx,
            session,
            tenantId,
            out.records.filter((r) => r.eligibility),
            { ...policyOptions, ...(prefetchedEntra ? { prefetchedEntra } : {}) },
          )
        : undefined,
      resolveAdministrativeUnits(ctx, session, tenantId, out.records, refresh, signal),
    ]);
    if (policies) {
      out.requirements = policies.byKey;
      out.policyProblems = policies.problems;
    }
    out.auNames = aus.names;
    if (aus.problem) out.auProblem = aus.problem;
    return out;
  };

  const armPart = async (): Promise<PlaneResult> => {
    const out: PlaneResult = { records: [], pending: [], problems: [], requirements: new Map(), policyProblems: [] };
    if (!wantAzure) return out;
    const requests = settle(
      listArm<ArmResource<ArmRoleAssignmentScheduleRequestProperties>>(
        ctx,
        session,
        azure.azurePaths.requests(principalId),
        signal,
      ),
    );
    const eligibleProblems: PlaneProblem[] = [];
    const withRequirements = (async () => {
      const records = take(
        eligibleProblems,
        await armEligible,
        "azureRole",
        "eligible",
        "Eligible Azure roles could not be read",
        azure.fromEligibility,
      );
      const policies = withPolicies ? await loadPolicies(ctx, session, tenantId, records, policyOptions) : undefined;
      return { records, policies };
    })();
    const [el, ac, rq] = await Promise.all([withRequirements, armActive, requests]);
    out.problems.push(...eligibleProblems);
    out.records.push(...el.records);
    out.records.push(
      ...take(out.problems, ac, "azureRole", "active", "Active Azure roles could not be read", azure.fromAssignment),
    );
    out.pending.push(
      ...take(
        out.problems,
        rq,
        "azureRole",
        "pending",
        "Pending Azure role requests could not be read",
        azure.fromRequest,
      ).filter((r) => isPendingApprovalStatus(r.status)),
    );
    if (el.policies) {
      out.requirements = el.policies.byKey;
      out.policyProblems = el.policies.problems;
    }
    return out;
  };

  const [g, a] = await Promise.all([graphPart(), armPart()]);
  const problems = [...g.problems, ...a.problems, ...g.policyProblems, ...a.policyProblems];
  if (g.auProblem) problems.push(g.auProblem);
  let requirements = new Map([...g.requirements, ...a.requirements]);
  if ([...requirements.values()].some((r) => r.authContext)) {
    const loaded = await startNames();
    if (loaded.problem) problems.push(loaded.problem);
    requirements = applyContextNames(requirements, loaded.names);
  }
  return {
    roles: assemble([...g.records, ...a.records], [...g.pending, ...a.pending], requirements, g.auNames ?? new Map()),
    problems,
    principalId,
  };
}
