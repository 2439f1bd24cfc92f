import { listAuthContexts } from "./auth-contexts";
import { createMemoryCache } from "./cache";
import { listEligibleChildScopes } from "./child-scopes";
import type { PimClient, PimClientOptions } from "./client-types";
import { systemClock } from "./clock";
import { type CoreContext, graphBaseOf, identity, planeScopes } from "./context";
import { listRoles } from "./discovery";
import { PimError } from "./errors";
import { executeActivation } from "./execute";
import { Pipeline } from "./http/pipeline";
import { AuthSession, TokenProvider } from "./http/tokens";
import { cancelRequest, deactivate, listRequests, waitUntilEffective } from "./lifecycle";
import { createSafeLogger } from "./logger";
import { planActivation } from "./plan";
import { cachePrefix } from "./policy-service";

export const coreVersion = "0.1.0";

function defaultGuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  throw new PimError("upstream_error", "No crypto.randomUUID in this runtime; pass newGuid to createPimClient.");
}

export function createPimClient(options: PimClientOptions): PimClient {
  const { cloud, credential } = options;
  for (const [name, url] of [
    ["graphEndpoint", cloud.graphEndpoint],
    ["armEndpoint", cloud.armEndpoint],
  ] as const) {
    if (!/^https:\/\//i.test(url)) throw new PimError("insecure_url", `The cloud's ${name} must be an https URL.`);
  }
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const clock = options.clock ?? systemClock;
  const logger = createSafeLogger(options.logger);
  const tokens = new TokenProvider(credential, clock);
  const retry = options.retry ?? {};
  const newGuid = options.newGuid ?? defaultGuid;
  const pipeline = new Pipeline({
    cloud,
    fetch: (input, init) => fetchFn(input, init),
    clock,
    logger,
    ...(options.trace ? { trace: options.trace } : {}),
    tokens,
    userAgent: options.userAgent ?? `pimkit-core/${coreVersion}`,
    maxAttempts: retry.maxAttempts ?? 4,
    maxRetryTimeMs: retry.maxRetryTimeMs ?? 60_000,
    baseDelayMs: retry.baseDelayMs ?? 500,
    maxDelayMs: retry.maxDelayMs ?? 30_000,
    attemptTimeoutMs: retry.attemptTimeoutMs ?? 30_000,
    maxResponseBytes: options.maxResponseBytes ?? 16 * 1024 * 1024,
    random: options.random ?? Math.random,
    newGuid,
  });
  const ctx: CoreContext = {
    cloud,
    pipeline,
    tokens,
    clock,
    logger,
    cache: options.cache ?? createMemoryCache(),
    scopes: planeScopes(cloud),
    graphBase: graphBaseOf(cloud),
    armBase: cloud.armEndpoint.replace(/\/+$/, ""),
    maxPages: options.maxPages ?? 200,
    armConcurrency: Math.max(1, options.armConcurrency ?? 8),
    armReadConcurrency: Math.max(1, options.armReadConcurrency ?? 16),
    graphBatchConcurrency: Math.max(1, options.graphBatchConcurrency ?? 8),
    maxAttempts: retry.maxAttempts ?? 4,
    maxDelayMs: retry.maxDelayMs ?? 30_000,
    baseDelayMs: retry.baseDelayMs ?? 500,
    newGuid,
    fixedPrincipalId: options.principalId,
    fixedTenantId: options.tenantId,
  };

  const client: PimClient = {
    listRoles: (o) => listRoles(ctx, o),
    listAuthContexts: (o) => listAuthContexts(ctx, o?.abortSignal),
    planActivation: (roles, input, o) => planActivation(ctx, roles, input, o?.abortSignal),
    executeActivation: (plan, o) => executeActivation(ctx, plan, o),
    async activate(roles, input, o) {
      const plan = await planActivation(ctx, roles, input, o?.abortSignal);
      return executeActivation(ctx, plan, o);
    },
    waitUntilEffective: (results, o) => waitUntilEffective(ctx, results, o),
    deactivate: (roles, o) => deactivate(ctx, roles, o),
    listRequests: (o) => listRequests(ctx, o),
    listEligibleChildScopes: (role, o) => listEligibleChildScopes(ctx, role, o),
    cancelRequest: (r, o) => cancelRequest(ctx, r, o?.abortSignal),
    async invalidateCache() {
      const session = new AuthSession(tokens);
      const { tenantId } = await identity(ctx, session, ctx.scopes.entraRoles);
      await ctx.cache.invalidate(cachePrefix(tenantId));
    },
  };
  return client;
}
