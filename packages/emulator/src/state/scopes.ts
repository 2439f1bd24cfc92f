/**
 * Azure scope strings and their hierarchy (tenant root -> management groups -> subscription ->
 * resource group -> resource). Comparisons are case-insensitive, as ARM's are.
 */

export type ParsedScope =
  | { kind: "tenant" }
  | { kind: "managementGroup"; name: string }
  | { kind: "subscription"; subscriptionId: string }
  | { kind: "resourceGroup"; subscriptionId: string; resourceGroup: string }
  | { kind: "resource"; subscriptionId: string; resourceGroup: string; resourcePath: string };

export function managementGroupScope(name: string): string {
  return `/providers/Microsoft.Management/managementGroups/${name}`;
}

export function subscriptionScope(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}`;
}

export function resourceGroupScope(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/**
 * Trims trailing slashes and rewrites the `/providers/Microsoft.Subscription/subscriptions/{id}`
 * form some ARM answers use (eligibleChildResources, some examples) to `/subscriptions/{id}`.
 */
export function normalizeScope(scope: string): string {
  let s = scope.trim();
  while (s.length > 1 && s.endsWith("/")) s = s.slice(0, -1);
  s = s.replace(/^\/providers\/Microsoft\.Subscription\/subscriptions\//i, "/subscriptions/");
  return s === "" ? "/" : s;
}

export function parseScope(scope: string): ParsedScope | undefined {
  const s = normalizeScope(scope);
  if (s === "/") return { kind: "tenant" };
  const mg = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(s);
  if (mg?.[1]) return { kind: "managementGroup", name: mg[1] };
  const sub = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+)(?:\/providers\/(.+))?)?$/i.exec(s);
  if (!sub?.[1]) return undefined;
  const [, subscriptionId, resourceGroup, resourcePath] = sub;
  if (resourceGroup === undefined) return { kind: "subscription", subscriptionId };
  if (resourcePath === undefined) return { kind: "resourceGroup", subscriptionId, resourceGroup };
  // providers/{namespace}/{type}/{name}[/{type}/{name}...]: an odd number of segments after the namespace.
  const parts = resourcePath.split("/");
  if (parts.length < 3 || parts.length % 2 === 0 || parts.some((p) => p === "")) return undefined;
  return { kind: "resource", subscriptionId, resourceGroup, resourcePath };
}

export function sameScope(a: string, b: string): boolean {
  return normalizeScope(a).toLowerCase() === normalizeScope(b).toLowerCase();
}

/** How to walk up from a subscription: its management group, and each group's parent. */
export interface ScopeHierarchy {
  /** The tenant root management group's name (the tenant id). */
  rootManagementGroup: string;
  managementGroupOfSubscription(subscriptionId: string): string | undefined;
  parentOfManagementGroup(name: string): string | undefined;
}

/**
 * The scope and every scope above it, nearest first, ending with the tenant root group and `/`.
 * Unknown subscriptions or groups end the chain at the root group.
 */
export function scopeChain(scope: string, h: ScopeHierarchy): string[] {
  const parsed = parseScope(scope);
  if (!parsed) return [normalizeScope(scope)];
  const chain: string[] = [];
  let mg: string | undefined;
  switch (parsed.kind) {
    case "tenant":
      return ["/"];
    case "resource":
      chain.push(normalizeScope(scope));
      chain.push(resourceGroupScope(parsed.subscriptionId, parsed.resourceGroup));
      chain.push(subscriptionScope(parsed.subscriptionId));
      mg = h.managementGroupOfSubscription(parsed.subscriptionId);
      break;
    case "resourceGroup":
      chain.push(resourceGroupScope(parsed.subscriptionId, parsed.resourceGroup));
      chain.push(subscriptionScope(parsed.subscriptionId));
      mg = h.managementGroupOfSubscription(parsed.subscriptionId);
      break;
    case "subscription":
      chain.push(subscriptionScope(parsed.subscriptionId));
      mg = h.managementGroupOfSubscription(parsed.subscriptionId);
      break;
    case "managementGroup":
      mg = parsed.name;
      break;
  }
  const seen = new Set<string>();
  while (mg !== undefined && !seen.has(mg.toLowerCase())) {
    seen.add(mg.toLowerCase());
    chain.push(managementGroupScope(mg));
    if (mg.toLowerCase() === h.rootManagementGroup.toLowerCase()) break;
    mg = h.parentOfManagementGroup(mg) ?? h.rootManagementGroup;
  }
  if (!seen.has(h.rootManagementGroup.toLowerCase())) chain.push(managementGroupScope(h.rootManagementGroup));
  chain.push("/");
  return chain;
}

/** `ancestor` is `scope` itself or above it. */
export function isAtOrAbove(ancestor: string, scope: string, h: ScopeHierarchy): boolean {
  return scopeChain(scope, h).some((s) => sameScope(s, ancestor));
}
