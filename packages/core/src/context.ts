import { armScope, type Cloud, graphApiVersion, graphScopes, qualifyGraphScopes } from "@pimkit/contracts";
import type { PimCache } from "./cache";
import type { Clock } from "./clock";
import { PimError } from "./errors";
import { type BatchItem, type BatchOutcome, graphBatch } from "./http/batch";
import { listAll } from "./http/paging";
import type { HttpResult, Pipeline, RequestSpec } from "./http/pipeline";
import { recordHeaders } from "./http/retry-after";
import type { AuthSession, TokenProvider } from "./http/tokens";
import { upstreamToError } from "./http/upstream";
import type { Logger } from "./logger";

export interface PlaneScopes {
  entraRoles: readonly string[];
  groups: readonly string[];
  authContexts: readonly string[];
  conditionalAccess: readonly string[];
  administrativeUnits: readonly string[];
  arm: readonly string[];
}

/** Everything the services share; built once per client. */
export interface CoreContext {
  cloud: Cloud;
  pipeline: Pipeline;
  tokens: TokenProvider;
  clock: Clock;
  logger: Logger;
  cache: PimCache;
  scopes: PlaneScopes;
  graphBase: string;
  armBase: string;
  maxPages: number;
  /** ARM writes in flight at once. */
  armConcurrency: number;
  /** ARM reads in flight at once. */
  armReadConcurrency: number;
  /** Graph `$batch` requests in flight at once (writes are held to at most 5). */
  graphBatchConcurrency: number;
  maxAttempts: number;
  maxDelayMs: number;
  baseDelayMs: number;
  newGuid: () => string;
  fixedPrincipalId: string | undefined;
  fixedTenantId: string | undefined;
}

export function planeScopes(cloud: Cloud): PlaneScopes {
  const g = (names: readonly string[]) => qualifyGraphScopes(cloud.graphResource, names);
  return {
    entraRoles: g(graphScopes.entraRoles),
    groups: g(graphScopes.groups),
    authContexts: g(graphScopes.authContexts),
    conditionalAccess: g(graphScopes.conditionalAccess),
    administrativeUnits: g(graphScopes.administrativeUnits),
    arm: [armScope(cloud.armResource)],
  };
}

export function graphBaseOf(cloud: Cloud): string {
  return `${cloud.graphEndpoint.replace(/\/+$/, "")}/${graphApiVersion}`;
}

export function graphUrl(ctx: CoreContext, path: string): string {
  return `${ctx.graphBase}${path}`;
}

export function armUrl(ctx: CoreContext, path: string): string {
  return `${ctx.armBase.replace(/\/+$/, "")}${path}`;
}

export function graphGet(ctx: CoreContext, path: string, scopes: readonly string[], signal?: AbortSignal): RequestSpec {
  return { method: "GET", url: graphUrl(ctx, path), plane: "graph", scopes, ...(signal ? { signal } : {}) };
}

export function armGet(ctx: CoreContext, path: string, signal?: AbortSignal): RequestSpec {
  return { method: "GET", url: armUrl(ctx, path), plane: "arm", scopes: ctx.scopes.arm, ...(signal ? { signal } : {}) };
}

export function listGraph<T>(
  ctx: CoreContext,
  session: AuthSession,
  path: string,
  scopes: readonly string[],
  signal?: AbortSignal,
): Promise<T[]> {
  return listAll<T>(ctx.pipeline, session, graphGet(ctx, path, scopes, signal), ctx.maxPages);
}

export function listArm<T>(ctx: CoreContext, session: AuthSession, path: string, signal?: AbortSignal): Promise<T[]> {
  return listAll<T>(ctx.pipeline, session, armGet(ctx, path, signal), ctx.maxPages);
}

/**
 * Batches of writes in flight at once: 5 × 20 items covers a typical bulk activation in one round
 * trip while keeping the writes a tenant receives at once bounded.
 */
const maxWriteBatches = 5;

export function batch(
  ctx: CoreContext,
  session: AuthSession,
  items: BatchItem[],
  signal?: AbortSignal,
): Promise<BatchOutcome[]> {
  return graphBatch(ctx.pipeline, session, items, {
    graphBase: ctx.graphBase,
    maxAttempts: ctx.maxAttempts,
    maxDelayMs: ctx.maxDelayMs,
    baseDelayMs: ctx.baseDelayMs,
    logger: ctx.logger,
    concurrency: items.some((i) => i.write)
      ? Math.min(ctx.graphBatchConcurrency, maxWriteBatches)
      : ctx.graphBatchConcurrency,
    ...(signal ? { signal } : {}),
  });
}

/**
 * Batched GETs of collections: each item's first page comes from `$batch`, further pages are
 * followed directly. A failed item yields its error, never the others'.
 */
export async function batchList<T>(
  ctx: CoreContext,
  session: AuthSession,
  paths: string[],
  scopes: readonly string[],
  signal?: AbortSignal,
): Promise<({ ok: true; items: T[] } | { ok: false; error: PimError })[]> {
  const outcomes = await batch(
    ctx,
    session,
    paths.map((path) => ({ method: "GET" as const, path, scopes })),
    signal,
  );
  return Promise.all(
    outcomes.map(async (o, i) => {
      if (!o.ok) return { ok: false as const, error: o.error };
      const { status, headers, body } = o.result;
      if (status < 200 || status >= 300) {
        return { ok: false as const, error: upstreamToError(status, recordHeaders(headers), body) };
      }
      const first: HttpResult = { status, headers: recordHeaders(headers), body, requestId: null };
      try {
        const items = await listAll<T>(
          ctx.pipeline,
          session,
          graphGet(ctx, paths[i] ?? "", scopes, signal),
          ctx.maxPages,
          first,
        );
        return { ok: true as const, items };
      } catch (e) {
        return {
          ok: false as const,
          error: e instanceof PimError ? e : new PimError("upstream_error", "Reading a collection failed."),
        };
      }
    }),
  );
}

/** The signed-in user's object id and tenant, from options or the access token. */
export async function identity(
  ctx: CoreContext,
  session: AuthSession,
  scopes: readonly string[],
  signal?: AbortSignal,
): Promise<{ principalId: string; tenantId: string }> {
  let { oid, tid } = ctx.tokens.identity();
  if ((!ctx.fixedPrincipalId && !oid) || (!ctx.fixedTenantId && !tid && !ctx.cloud.tenantId)) {
    await ctx.tokens.get(scopes, session.claims, signal);
    ({ oid, tid } = ctx.tokens.identity());
  }
  const principalId = ctx.fixedPrincipalId ?? oid;
  const tenantId = ctx.fixedTenantId ?? tid ?? ctx.cloud.tenantId ?? "unknown-tenant";
  if (!principalId) {
    throw new PimError(
      "sign_in_required",
      "Could not tell who is signed in (the token carries no object id); pass principalId to createPimClient.",
    );
  }
  return { principalId, tenantId };
}
