import type { GraphConditionalAccessPolicy } from "@pimkit/contracts";
import { type CoreContext, identity, listGraph } from "./context";
import { isPimError, PimError } from "./errors";
import { AuthSession } from "./http/tokens";
import { loadContextNames } from "./policy-service";
import type { AuthContextListing, PlaneProblem } from "./types";

/** Contexts with names, and the Conditional Access policies that reference each (display only). */
export async function listAuthContexts(ctx: CoreContext, signal?: AbortSignal): Promise<AuthContextListing> {
  const session = new AuthSession(ctx.tokens);
  const { tenantId } = await identity(ctx, session, ctx.scopes.authContexts, signal);
  const problems: PlaneProblem[] = [];
  const [names, policies] = await Promise.all([
    loadContextNames(ctx, session, tenantId, { refresh: true, ...(signal ? { signal } : {}) }),
    listGraph<GraphConditionalAccessPolicy>(
      ctx,
      session,
      "/identity/conditionalAccess/policies",
      ctx.scopes.conditionalAccess,
      signal,
    ).catch((e: unknown) =>
      isPimError(e) ? e : new PimError("upstream_error", "Reading Conditional Access policies failed."),
    ),
  ]);
  if (names.problem) problems.push(names.problem);
  if (policies instanceof PimError) {
    problems.push({
      kind: null,
      area: "caPolicies",
      code: policies.code,
      message: `Conditional Access policies could not be read: ${policies.message}`,
      ...(policies.upstream ? { upstream: policies.upstream } : {}),
    });
  }
  const caList = policies instanceof PimError ? [] : policies;
  const contexts = names.contexts.map((c) => ({
    id: c.id,
    name: c.displayName ?? null,
    description: c.description ?? null,
    isAvailable: c.isAvailable ?? null,
    policies: caList
      .filter((p) => p.conditions?.applications?.includeAuthenticationContextClassReferences?.includes(c.id))
      .map((p) => ({
        id: p.id,
        displayName: p.displayName ?? p.id,
        state: p.state ?? "unknown",
        builtInControls: p.grantControls?.builtInControls ?? [],
      })),
  }));
  contexts.sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  return { contexts, problems };
}
