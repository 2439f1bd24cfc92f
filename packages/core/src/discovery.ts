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
import { applyContextNames, loadContextNames, loadPolicies, policyKey } from "./policy-service";
import type { ListRolesOptions, PimRole, PlaneProblem, RoleKind, RoleListing } from "./types";

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
      path: entra.entraPaths.requests(principalId, true),
      scopes: ctx.scopes.entraRoles,
    });
    if (withEntraPolicies)
      plan.push({ name: "entraPolicies", path: entra.entraPaths.policies, scopes: ctx.scopes.entraRoles });
  }
  if (wantGroups) {
    plan.push({ name: "groupEligible", path: groups.groupPaths.eligible(principalId), scopes: ctx.scopes.groups });
    plan.push({ name: "groupActive", path: groups.groupPaths.active(principalId), scopes: ctx.scopes.groups });
    plan.push({ name: "groupPending", path: groups.groupPaths.requests(principalId, true), scopes: ctx.scopes.groups });
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

export interface Discovery {
  records: PlaneRecord[];
  pending: PlaneRequest[];
  problems: PlaneProblem[];
  principalId: string;
  tenantId: string;
  entraPolicies?: GraphRoleManagementPolicyAssignment[] | PimError;
}

/** Reads eligible, active and pending items of the requested planes, in parallel. */
export async function discover(ctx: CoreContext, session: AuthSession, options: ListRolesOptions): Promise<Discovery> {
  const kinds = options.kinds?.length ? options.kinds : allKinds;
  const signal = options.abortSignal;
  const firstScopes = kinds.includes("entraRole")
    ? ctx.scopes.entraRoles
    : kinds.includes("group")
      ? ctx.scopes.groups
      : ctx.scopes.arm;
  const { principalId, tenantId } = await identity(ctx, session, firstScopes, signal);
  const problems: PlaneProblem[] = [];
  const records: PlaneRecord[] = [];
  const pending: PlaneRequest[] = [];

  const withPolicies = options.policies !== false;
  let entraPoliciesCached = false;
  if (withPolicies && kinds.includes("entraRole") && options.refresh !== true) {
    const hit = await ctx.cache.get(`pimkit:v1:${tenantId.toLowerCase()}:policy:entra`).catch(() => undefined);
    entraPoliciesCached = hit !== undefined && hit.expiresAt > ctx.clock.now();
  }

  const graphTask = readGraph(ctx, session, principalId, kinds, withPolicies && !entraPoliciesCached, signal);
  const armTask = kinds.includes("azureRole")
    ? Promise.all([
        settle(
          listArm<ArmResource<ArmRoleEligibilityScheduleInstanceProperties>>(
            ctx,
            session,
            azure.azurePaths.eligible,
            signal,
          ),
        ),
        settle(
          listArm<ArmResource<ArmRoleAssignmentScheduleInstanceProperties>>(
            ctx,
            session,
            azure.azurePaths.active,
            signal,
          ),
        ),
        settle(
          listArm<ArmResource<ArmRoleAssignmentScheduleRequestProperties>>(
            ctx,
            session,
            azure.azurePaths.requests(principalId),
            signal,
          ),
        ),
      ])
    : undefined;
  const [g, a] = await Promise.all([graphTask, armTask]);

  const take = <W, R>(
    o: Outcome<W> | undefined,
    kind: RoleKind,
    area: PlaneProblem["area"],
    what: string,
    map: (w: W) => R | undefined,
  ): R[] => {
    if (!o) return [];
    if (!o.ok) {
      if (o.error.code === "aborted") throw o.error;
      problems.push(problem(kind, area, o.error, what));
      return [];
    }
    return o.items.map(map).filter((x): x is R => x !== undefined);
  };

  records.push(
    ...take(
      g.entraEligible,
      "entraRole",
      "eligible",
      "Eligible directory roles could not be read",
      entra.fromEligibility,
    ),
  );
  records.push(
    ...take(g.entraActive, "entraRole", "active", "Active directory roles could not be read", entra.fromAssignment),
  );
  pending.push(
    ...take(
      g.entraPending,
      "entraRole",
      "pending",
      "Pending directory role requests could not be read",
      entra.fromRequest,
    ),
  );
  records.push(
    ...take(g.groupEligible, "group", "eligible", "Eligible groups could not be read", groups.fromEligibility),
  );
  records.push(
    ...take(g.groupActive, "group", "active", "Active group memberships could not be read", groups.fromAssignment),
  );
  pending.push(
    ...take(g.groupPending, "group", "pending", "Pending group requests could not be read", groups.fromRequest),
  );
  if (a) {
    const [el, ac, rq] = a;
    records.push(...take(el, "azureRole", "eligible", "Eligible Azure roles could not be read", azure.fromEligibility));
    records.push(...take(ac, "azureRole", "active", "Active Azure roles could not be read", azure.fromAssignment));
    pending.push(
      ...take(rq, "azureRole", "pending", "Pending Azure role requests could not be read", azure.fromRequest).filter(
        (r) => isPendingApprovalStatus(r.status),
      ),
    );
  }
  const out: Discovery = { records, pending, problems, principalId, tenantId };
  if (g.entraPolicies) out.entraPolicies = g.entraPolicies.ok ? g.entraPolicies.items : g.entraPolicies.error;
  return out;
}

/** Resolves administrative-unit names (optional permission: a refusal leaves ids shown). */
async function resolveAdministrativeUnits(
  ctx: CoreContext,
  session: AuthSession,
  records: PlaneRecord[],
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
  const list = [...ids];
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
  outcomes.forEach((o, i) => {
    if (o.ok && o.result.status === 200) {
      const au = o.result.body as GraphAdministrativeUnit | undefined;
      if (au?.displayName) names.set(list[i] ?? "", au.displayName);
    } else {
      firstError ??= o.ok ? upstreamToError(o.result.status, recordHeaders(o.result.headers), o.result.body) : o.error;
    }
  });
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
  return [...byKey.values()].sort(
    (x, y) =>
      order[x.kind] - order[y.kind] ||
      x.name.localeCompare(y.name) ||
      x.scope.displayName.localeCompare(y.scope.displayName) ||
      (x.accessId ?? "").localeCompare(y.accessId ?? ""),
  );
}

function idTail(role: PimRole): string {
  const t = role.target;
  if (t.kind === "entraRole") return t.roleDefinitionId;
  if (t.kind === "group") return t.groupId;
  return azure.roleDefinitionGuid(t.roleDefinitionId);
}

export async function listRoles(ctx: CoreContext, options: ListRolesOptions = {}): Promise<RoleListing> {
  const session = new AuthSession(ctx.tokens);
  const signal = options.abortSignal;
  const d = await discover(ctx, session, options);
  const problems = [...d.problems];
  const withPolicies = options.policies !== false;
  const eligibleRecords = d.records.filter((r) => r.eligibility);
  const [policies, aus] = await Promise.all([
    withPolicies
      ? loadPolicies(ctx, session, d.tenantId, eligibleRecords, {
          ...(options.refresh ? { refresh: true } : {}),
          ...(signal ? { signal } : {}),
          ...(d.entraPolicies ? { prefetchedEntra: d.entraPolicies } : {}),
        })
      : Promise.resolve({ byKey: new Map<string, PimRole["requirements"]>(), problems: [] }),
    resolveAdministrativeUnits(ctx, session, d.records, signal),
  ]);
  problems.push(...policies.problems);
  if (aus.problem) problems.push(aus.problem);
  let requirements = policies.byKey;
  if ([...requirements.values()].some((r) => r.authContext)) {
    const names = await loadContextNames(ctx, session, d.tenantId, {
      ...(options.refresh ? { refresh: true } : {}),
      ...(signal ? { signal } : {}),
    });
    if (names.problem) problems.push(names.problem);
    requirements = applyContextNames(requirements, names.names);
  }
  return { roles: assemble(d.records, d.pending, requirements, aus.names), problems, principalId: d.principalId };
}
