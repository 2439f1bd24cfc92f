import type { ArmEligibleChildResource } from "@pimkit/contracts";
import { type CoreContext, listArm } from "./context";
import { PimError } from "./errors";
import { AuthSession } from "./http/tokens";
import { azurePaths, fromChildResource } from "./planes/azure-roles";
import type { PimRole, RoleScope } from "./types";

export interface ChildScopeOptions {
  abortSignal?: AbortSignal;
  /**
   * Only children of these ARM resource types (`subscription`, `resourcegroup`, `managementgroup`
   * or a provider type such as `Microsoft.KeyVault/vaults`); several are OR-ed. All types when absent.
   */
  resourceType?: string | readonly string[];
}

/**
 * Scopes beneath an Azure eligibility that the user can activate it at (reduced-scope
 * activation), as `eligibleChildResources` lists them one level down from the eligibility's scope.
 * Subscription ids come back under `/providers/Microsoft.Subscription`; they are returned in the
 * `/subscriptions/{id}` form every other answer uses.
 */
export async function listEligibleChildScopes(
  ctx: CoreContext,
  role: PimRole,
  options: ChildScopeOptions = {},
): Promise<RoleScope[]> {
  if (role.target.kind !== "azureRole") {
    throw new PimError(
      "invalid_input",
      `${role.name} is not an Azure role; only Azure roles can be activated at a child scope.`,
    );
  }
  const raw = options.resourceType;
  const types = raw === undefined ? [] : typeof raw === "string" ? [raw] : [...raw];
  const cleaned = types.map((t) => (typeof t === "string" ? t.trim() : ""));
  if (cleaned.some((t) => t === "" || /\s/.test(t))) {
    throw new PimError("invalid_input", "A resource type must be a non-empty name without spaces.");
  }
  const session = new AuthSession(ctx.tokens);
  const items = await listArm<ArmEligibleChildResource>(
    ctx,
    session,
    azurePaths.eligibleChildren(role.target.scope, cleaned),
    options.abortSignal,
  );
  const seen = new Set<string>();
  const out: RoleScope[] = [];
  for (const item of items) {
    if (!item || typeof item.id !== "string" || item.id === "") continue;
    const scope = fromChildResource(item);
    const key = scope.id.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(scope);
  }
  return out;
}
