import type { GraphAuthenticationContextClassReference, GraphRoleManagementPolicyAssignment } from "@pimkit/contracts";
import { policyCacheTtlMs } from "./cache";
import { mapLimit } from "./concurrency";
import { armUrl, batchList, type CoreContext, graphGet, listArm } from "./context";
import { isPimError, PimError } from "./errors";
import { listAll } from "./http/paging";
import type { AuthSession } from "./http/tokens";
import { azurePaths, normalizeScope, roleDefinitionGuid } from "./planes/azure-roles";
import type { PlaneRecord } from "./planes/common";
import { entraPaths } from "./planes/entra-roles";
import { groupPaths } from "./planes/groups";
import {
  isRequirements,
  type PolicyRuleLike,
  requirementsFromRules,
  unknownRequirements,
  withContextNames,
} from "./policy";
import type { ActivationRequirements, PlaneProblem, RoleKind } from "./types";

export function cachePrefix(tenantId: string): string {
  return `pimkit:v1:${tenantId.toLowerCase()}:`;
}

/** The policy lookup key of a target (Azure: the eligibility's own scope and the role GUID). */
export function policyKey(r: Pick<PlaneRecord, "target">): string {
  const t = r.target;
  if (t.kind === "entraRole") return `entra:${t.roleDefinitionId.toLowerCase()}`;
  if (t.kind === "group") return `group:${t.groupId.toLowerCase()}:${t.accessId}`;
  return `azure:${normalizeScope(t.scope).toLowerCase()}:${roleDefinitionGuid(t.roleDefinitionId)}`;
}

interface Loaded {
  byKey: Map<string, ActivationRequirements>;
  problems: PlaneProblem[];
}

export async function cached(ctx: CoreContext, key: string, refresh: boolean): Promise<unknown> {
  if (refresh) return undefined;
  try {
    const hit = await ctx.cache.get(key);
    if (hit && hit.expiresAt > ctx.clock.now()) return hit.value;
  } catch {
    // A broken persistent cache only costs a re-read.
  }
  return undefined;
}

export async function store(ctx: CoreContext, key: string, value: unknown): Promise<void> {
  try {
    await ctx.cache.set(key, { value, expiresAt: ctx.clock.now() + policyCacheTtlMs });
  } catch {
    // Same: caching is an optimisation.
  }
}

function problemOf(kind: RoleKind | null, area: PlaneProblem["area"], e: unknown, what: string): PlaneProblem {
  const err = isPimError(e) ? e : new PimError("upstream_error", "Unexpected failure.");
  const code =
    area === "policy" && (err.code === "forbidden" || err.code === "unauthorized") ? "policy_unreadable" : err.code;
  return {
    kind,
    area,
    code,
    message: `${what}: ${err.message}`,
    ...(err.upstream ? { upstream: err.upstream } : {}),
  };
}

/**
 * Requirements for every target that has an eligibility. Graph directory policies come in one
 * tenant-wide listing, group policies per group and access (batched), Azure policies per scope and
 * role (assignment, then the policy only when the assignment lacks `effectiveRules`). A policy the
 * user may not read gives unknown requirements and a problem, never defaults.
 */
export async function loadPolicies(
  ctx: CoreContext,
  session: AuthSession,
  tenantId: string,
  records: PlaneRecord[],
  opts: {
    refresh?: boolean;
    signal?: AbortSignal;
    prefetchedEntra?: GraphRoleManagementPolicyAssignment[] | PimError;
    /** Told of each requirement as it becomes known (to start dependent reads early). */
    onRequirements?: (req: ActivationRequirements) => void;
  },
): Promise<Loaded> {
  const prefix = cachePrefix(tenantId);
  const found = new Map<string, ActivationRequirements>();
  const byKey = {
    set(key: string, req: ActivationRequirements) {
      found.set(key, req);
      if (req.known) opts.onRequirements?.(req);
    },
  };
  const problems: PlaneProblem[] = [];
  const refresh = opts.refresh === true;
  const signal = opts.signal;
  const distinct = new Map<string, PlaneRecord>();
  for (const r of records) distinct.set(policyKey(r), r);

  const entra = [...distinct.entries()].filter(([, r]) => r.target.kind === "entraRole");
  const groups = [...distinct.entries()].filter(([, r]) => r.target.kind === "group");
  const azure = [...distinct.entries()].filter(([, r]) => r.target.kind === "azureRole");

  const entraTask = async () => {
    if (entra.length === 0) return;
    const cacheKey = `${prefix}policy:entra`;
    let map = (await cached(ctx, cacheKey, refresh)) as Record<string, ActivationRequirements> | undefined;
    if (!map || typeof map !== "object") {
      try {
        const assignments =
          opts.prefetchedEntra instanceof PimError
            ? (() => {
                throw opts.prefetchedEntra;
              })()
            : (opts.prefetchedEntra ??
              (await listAll<GraphRoleManagementPolicyAssignment>(
                ctx.pipeline,
                session,
                graphGet(ctx, entraPaths.policies, ctx.scopes.entraRoles, signal),
                ctx.maxPages,
              )));
        map = {};
        for (const a of assignments) {
          if (!a.roleDefinitionId) continue;
          map[a.roleDefinitionId.toLowerCase()] = requirementsFromRules(a.policy?.rules ?? []);
        }
        await store(ctx, cacheKey, map);
      } catch (e) {
        problems.push(problemOf("entraRole", "policy", e, "Directory role policies could not be read"));
        map = {};
      }
    }
    for (const [key, r] of entra) {
      if (r.target.kind !== "entraRole") continue;
      const req = map[r.target.roleDefinitionId.toLowerCase()];
      byKey.set(key, isRequirements(req) ? req : unknownRequirements);
    }
  };

  const groupTask = async () => {
    const missing: [string, PlaneRecord][] = [];
    const hits = await Promise.all(groups.map(([key]) => cached(ctx, `${prefix}policy:${key}`, refresh)));
    for (const [i, [key, r]] of groups.entries()) {
      const hit = hits[i];
      if (isRequirements(hit)) byKey.set(key, hit);
      else missing.push([key, r]);
    }
    if (missing.length === 0) return;
    const paths = missing.map(([, r]) =>
      r.target.kind === "group" ? groupPaths.policy(r.target.groupId, r.target.accessId) : "",
    );
    const results = await batchList<GraphRoleManagementPolicyAssignment>(
      ctx,
      session,
      paths,
      ctx.scopes.groups,
      signal,
    );
    let failed: PlaneProblem | undefined;
    let failures = 0;
    for (const [i, [key]] of missing.entries()) {
      const res = results[i];
      if (!res?.ok) {
        failures++;
        failed ??= problemOf("group", "policy", res?.error, "Group policies could not be read");
        byKey.set(key, unknownRequirements);
        continue;
      }
      const assignment = res.items[0];
      if (!assignment?.policy?.rules) {
        byKey.set(key, unknownRequirements);
        continue;
      }
      const req = requirementsFromRules(assignment.policy.rules);
      byKey.set(key, req);
      await store(ctx, `${prefix}policy:${key}`, req);
    }
    if (failed) problems.push({ ...failed, message: `${failed.message} (${failures} of ${missing.length})` });
  };

  const azureTask = async () => {
    let failed: PlaneProblem | undefined;
    let failures = 0;
    const one = async ([key, r]: [string, PlaneRecord]) => {
      if (r.target.kind !== "azureRole") return;
      const hit = await cached(ctx, `${prefix}policy:${key}`, refresh);
      if (isRequirements(hit)) {
        byKey.set(key, hit);
        return;
      }
      try {
        const rules = await azureRules(ctx, session, r.target.scope, r.target.roleDefinitionId, signal);
        if (!rules) {
          byKey.set(key, unknownRequirements);
          return;
        }
        const req = requirementsFromRules(rules);
        byKey.set(key, req);
        await store(ctx, `${prefix}policy:${key}`, req);
      } catch (e) {
        failures++;
        failed ??= problemOf("azureRole", "policy", e, "Azure role policies could not be read");
        byKey.set(key, unknownRequirements);
      }
    };
    await mapLimit(azure, ctx.armReadConcurrency, one);
    if (failed) problems.push({ ...failed, message: `${failed.message} (${failures} of ${azure.length})` });
  };

  await Promise.all([entraTask(), groupTask(), azureTask()]);
  return { byKey: found, problems };
}

interface ArmPolicyAssignmentWire {
  id?: string;
  properties?: { scope?: string; roleDefinitionId?: string; policyId?: string; effectiveRules?: PolicyRuleLike[] };
}

async function azureRules(
  ctx: CoreContext,
  session: AuthSession,
  scope: string,
  roleDefinitionId: string,
  signal?: AbortSignal,
): Promise<PolicyRuleLike[] | undefined> {
  const assignments = await listArm<ArmPolicyAssignmentWire>(
    ctx,
    session,
    azurePaths.policyAssignments(scope, roleDefinitionId),
    signal,
  );
  const want = roleDefinitionGuid(roleDefinitionId);
  const forRole = assignments.filter(
    (a) => !a.properties?.roleDefinitionId || roleDefinitionGuid(a.properties.roleDefinitionId) === want,
  );
  const exact =
    forRole.find(
      (a) => normalizeScope(a.properties?.scope ?? "").toLowerCase() === normalizeScope(scope).toLowerCase(),
    ) ?? forRole[0];
  if (!exact?.properties) return undefined;
  // effectiveRules already merge inherited settings; with them the policy itself is not needed.
  if (Array.isArray(exact.properties.effectiveRules) && exact.properties.effectiveRules.length > 0) {
    return exact.properties.effectiveRules;
  }
  if (!exact.properties.policyId) return undefined;
  const res = await ctx.pipeline.send(
    {
      method: "GET",
      url: armUrl(ctx, azurePaths.policy(exact.properties.policyId)),
      plane: "arm",
      scopes: ctx.scopes.arm,
      ...(signal ? { signal } : {}),
    },
    session,
  );
  const props = (
    res.body as { properties?: { rules?: PolicyRuleLike[]; effectiveRules?: PolicyRuleLike[] } } | undefined
  )?.properties;
  return props?.effectiveRules?.length ? props.effectiveRules : props?.rules;
}

/** Authentication context id → display name (cached per tenant). Failure leaves names unknown. */
export async function loadContextNames(
  ctx: CoreContext,
  session: AuthSession,
  tenantId: string,
  opts: { refresh?: boolean; signal?: AbortSignal },
): Promise<{
  names: Map<string, string>;
  contexts: GraphAuthenticationContextClassReference[];
  problem?: PlaneProblem;
}> {
  const key = `${cachePrefix(tenantId)}authContexts`;
  const hit = await cached(ctx, key, opts.refresh === true);
  let contexts: GraphAuthenticationContextClassReference[] | undefined = Array.isArray(hit)
    ? (hit as GraphAuthenticationContextClassReference[])
    : undefined;
  if (!contexts) {
    try {
      contexts = await listAll<GraphAuthenticationContextClassReference>(
        ctx.pipeline,
        session,
        graphGet(
          ctx,
          "/identity/conditionalAccess/authenticationContextClassReferences",
          ctx.scopes.authContexts,
          opts.signal,
        ),
        ctx.maxPages,
      );
      await store(ctx, key, contexts);
    } catch (e) {
      return {
        names: new Map(),
        contexts: [],
        problem: problemOf(null, "authContexts", e, "Authentication context names could not be read"),
      };
    }
  }
  const names = new Map<string, string>();
  for (const c of contexts) if (c.id && c.displayName) names.set(c.id, c.displayName);
  return { names, contexts };
}

export function applyContextNames(
  byKey: Map<string, ActivationRequirements>,
  names: ReadonlyMap<string, string>,
): Map<string, ActivationRequirements> {
  const out = new Map<string, ActivationRequirements>();
  for (const [k, v] of byKey) out.set(k, withContextNames(v, names));
  return out;
}
