/**
 * ARM scopes: parsing what clients put in the path (raw, `x-ms-skip-url-encoding`, any case,
 * `/providers/Microsoft.Subscription/subscriptions/S` as an alias of `/subscriptions/S`), the
 * hierarchy (tenant root > management groups > subscription > resource group > resource), and
 * the display data `expandedProperties.scope` carries. Ids compare case-insensitively.
 */
import type { TenantState } from "../state/api";

export type ScopeKind = "tenant" | "managementGroup" | "subscription" | "resourceGroup" | "resource";

export interface ArmScope {
  /** Canonical id ('' for the tenant root); names take the tenant's own spelling when known. */
  id: string;
  kind: ScopeKind;
  subscriptionId?: string;
  resourceGroup?: string;
  managementGroup?: string;
  /** Resource scopes: `Microsoft.KeyVault/vaults` and the resource name. */
  resourceType?: string;
  resourceName?: string;
}

export type ScopeParse =
  | { ok: true; scope: ArmScope }
  | { ok: false; reason: "syntax" | "subscription" | "resourceGroup" | "managementGroup"; name: string };

const mgPrefix = "/providers/Microsoft.Management/managementGroups/";

export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Collapses repeated slashes and drops a trailing one (ARM tolerates `///providers/...`). */
export function normalisePath(path: string): string {
  const collapsed = `/${path}`.replace(/\/{2,}/g, "/");
  return collapsed.length > 1 && collapsed.endsWith("/") ? collapsed.slice(0, -1) : collapsed;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The hierarchy a scope is parsed against (management groups, subscriptions, resource groups,
 * resources) is fixed for the life of a tenant state, so parses and ancestor chains are kept per
 * state: listing schedules resolves every record's scope several times per request. Bounded,
 * since raw scopes come from request paths.
 */
const cacheLimit = 4096;
const parseCache = new WeakMap<TenantState, Map<string, ScopeParse>>();
const ancestorIdCache = new WeakMap<TenantState, Map<string, ReadonlySet<string>>>();

function cacheFor<V>(caches: WeakMap<TenantState, Map<string, V>>, state: TenantState): Map<string, V> {
  let cache = caches.get(state);
  if (!cache) {
    cache = new Map();
    caches.set(state, cache);
  }
  if (cache.size >= cacheLimit) cache.clear();
  return cache;
}

/** Parses a scope string (with or without leading slash) against the tenant's hierarchy. */
export function parseScope(raw: string, state: TenantState): ScopeParse {
  const cache = cacheFor(parseCache, state);
  let parsed = cache.get(raw);
  if (!parsed) {
    parsed = parseScopeUncached(raw, state);
    cache.set(raw, parsed);
  }
  // A copy: callers own what they get.
  return parsed.ok ? { ok: true, scope: { ...parsed.scope } } : { ...parsed };
}

function parseScopeUncached(raw: string, state: TenantState): ScopeParse {
  const path = normalisePath(raw.split("/").map(decode).join("/"));
  if (path === "/") return { ok: true, scope: { id: "", kind: "tenant" } };
  const seg = path.slice(1).split("/");
  const lower = seg.map((s) => s.toLowerCase());

  if (lower[0] === "providers" && lower[1] === "microsoft.management" && lower[2] === "managementgroups") {
    const name = seg[3];
    if (name === undefined || seg.length !== 4) return { ok: false, reason: "syntax", name: path };
    const mg = findManagementGroup(state, name);
    if (!mg) return { ok: false, reason: "managementGroup", name };
    return { ok: true, scope: { id: `${mgPrefix}${mg.name}`, kind: "managementGroup", managementGroup: mg.name } };
  }

  let i = 0;
  if (lower[0] === "providers" && lower[1] === "microsoft.subscription" && lower[2] === "subscriptions") i = 2;
  if (lower[i] !== "subscriptions") return { ok: false, reason: "syntax", name: path };
  const subName = seg[i + 1];
  if (subName === undefined) return { ok: false, reason: "syntax", name: path };
  const sub = state.subscriptions.find((s) => sameId(s.subscriptionId, subName));
  if (!sub) return { ok: false, reason: "subscription", name: subName };
  const subId = `/subscriptions/${sub.subscriptionId}`;
  const rest = seg.slice(i + 2);
  if (rest.length === 0)
    return { ok: true, scope: { id: subId, kind: "subscription", subscriptionId: sub.subscriptionId } };
  if (rest[0]?.toLowerCase() !== "resourcegroups" || rest[1] === undefined)
    return { ok: false, reason: "syntax", name: path };
  const rgName = rest[1];
  const rg = state.resourceGroups.find((r) => sameId(r.subscriptionId, sub.subscriptionId) && sameId(r.name, rgName));
  if (!rg) return { ok: false, reason: "resourceGroup", name: rgName };
  const rgId = `${subId}/resourceGroups/${rg.name}`;
  const base = { subscriptionId: sub.subscriptionId, resourceGroup: rg.name };
  if (rest.length === 2) return { ok: true, scope: { id: rgId, kind: "resourceGroup", ...base } };
  // .../providers/{namespace}/{type}/{name}[/{childType}/{childName}...]
  const tail = rest.slice(2);
  if (tail[0]?.toLowerCase() !== "providers" || tail.length < 4 || tail.length % 2 !== 0) {
    return { ok: false, reason: "syntax", name: path };
  }
  const ns = tail[1] ?? "";
  const typeParts: string[] = [];
  const nameParts: string[] = [];
  for (let k = 2; k < tail.length; k += 2) {
    typeParts.push(tail[k] ?? "");
    nameParts.push(tail[k + 1] ?? "");
  }
  const candidateId = `${rgId}/providers/${ns}/${tail.slice(2).join("/")}`;
  const known = state.resources.find((r) => sameId(r.id, candidateId));
  return {
    ok: true,
    scope: {
      id: known?.id ?? candidateId,
      kind: "resource",
      ...base,
      resourceType: known?.type ?? `${ns}/${typeParts.join("/")}`,
      resourceName: known?.name ?? nameParts[nameParts.length - 1] ?? "",
    },
  };
}

function findManagementGroup(
  state: TenantState,
  name: string,
): { name: string; displayName: string; parent?: string } | undefined {
  const mg = state.managementGroups.find((m) => sameId(m.name, name));
  if (mg) return mg;
  // The tenant root group exists in every tenant and is named after the tenant id.
  if (sameId(name, state.tenant.id)) return { name: state.tenant.id, displayName: "Tenant Root Group" };
  return undefined;
}

/** Scopes strictly above `scope`, nearest first, ending with the tenant root (''). */
export function ancestors(scope: ArmScope, state: TenantState): ArmScope[] {
  const out: ArmScope[] = [];
  const pushMgChain = (start: string | undefined) => {
    const seen = new Set<string>();
    let name = start;
    while (name !== undefined && !seen.has(name.toLowerCase())) {
      seen.add(name.toLowerCase());
      const mg = findManagementGroup(state, name);
      if (!mg) break;
      out.push({ id: `${mgPrefix}${mg.name}`, kind: "managementGroup", managementGroup: mg.name });
      if (sameId(mg.name, state.tenant.id)) break;
      name = mg.parent ?? state.tenant.id;
    }
  };
  switch (scope.kind) {
    case "tenant":
      return [];
    case "resource":
      out.push({
        id: `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`,
        kind: "resourceGroup",
        subscriptionId: scope.subscriptionId,
        resourceGroup: scope.resourceGroup,
      });
      out.push({
        id: `/subscriptions/${scope.subscriptionId}`,
        kind: "subscription",
        subscriptionId: scope.subscriptionId,
      });
      pushMgChain(
        state.subscriptions.find((s) => sameId(s.subscriptionId, scope.subscriptionId ?? ""))?.managementGroup,
      );
      break;
    case "resourceGroup":
      out.push({
        id: `/subscriptions/${scope.subscriptionId}`,
        kind: "subscription",
        subscriptionId: scope.subscriptionId,
      });
      pushMgChain(
        state.subscriptions.find((s) => sameId(s.subscriptionId, scope.subscriptionId ?? ""))?.managementGroup,
      );
      break;
    case "subscription":
      pushMgChain(
        state.subscriptions.find((s) => sameId(s.subscriptionId, scope.subscriptionId ?? ""))?.managementGroup,
      );
      break;
    case "managementGroup": {
      if (scope.managementGroup && !sameId(scope.managementGroup, state.tenant.id)) {
        const mg = findManagementGroup(state, scope.managementGroup);
        pushMgChain(mg?.parent ?? state.tenant.id);
      }
      break;
    }
  }
  out.push({ id: "", kind: "tenant" });
  return out;
}

/** True when `inner` is `outer` or lies below it. */
export function isAtOrBelow(inner: ArmScope, outer: ArmScope, state: TenantState): boolean {
  if (outer.kind === "tenant" || sameId(inner.id, outer.id)) return true;
  return ancestorIds(inner, state).has(outer.id.toLowerCase());
}

/** Lower-case ids of `ancestors(scope)`, which depends only on the fields in the key. */
function ancestorIds(scope: ArmScope, state: TenantState): ReadonlySet<string> {
  const key = [scope.kind, scope.id, scope.subscriptionId, scope.resourceGroup, scope.managementGroup].join("\n");
  const cache = cacheFor(ancestorIdCache, state);
  let ids = cache.get(key);
  if (!ids) {
    ids = new Set(ancestors(scope, state).map((a) => a.id.toLowerCase()));
    cache.set(key, ids);
  }
  return ids;
}

/** Resolves a scope string stored in the tenant state (any case); undefined when it names nothing known. */
export function resolveStoredScope(raw: string, state: TenantState): ArmScope | undefined {
  const parsed = parseScope(raw, state);
  return parsed.ok ? parsed.scope : undefined;
}

/** `expandedProperties.scope`: type names are lower-case on the wire (`resourcegroup`). */
export function expandedScope(scope: ArmScope, state: TenantState): { id: string; displayName: string; type: string } {
  switch (scope.kind) {
    case "tenant":
      return { id: "/", displayName: state.tenant.displayName, type: "tenant" };
    case "managementGroup": {
      const mg = findManagementGroup(state, scope.managementGroup ?? "");
      return { id: scope.id, displayName: mg?.displayName ?? scope.managementGroup ?? "", type: "managementgroup" };
    }
    case "subscription": {
      const sub = state.subscriptions.find((s) => sameId(s.subscriptionId, scope.subscriptionId ?? ""));
      return { id: scope.id, displayName: sub?.displayName ?? scope.subscriptionId ?? "", type: "subscription" };
    }
    case "resourceGroup":
      return { id: scope.id, displayName: scope.resourceGroup ?? "", type: "resourcegroup" };
    case "resource":
      return { id: scope.id, displayName: scope.resourceName ?? "", type: (scope.resourceType ?? "").toLowerCase() };
  }
}

/** Full role definition id as ARM writes it: subscription-scoped below a subscription, else provider-level. */
export function roleDefinitionFullId(scope: ArmScope, roleDefinitionGuid: string): string {
  const tail = `/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionGuid}`;
  return scope.subscriptionId ? `/subscriptions/${scope.subscriptionId}${tail}` : tail;
}

/** `{scope}/providers/Microsoft.Authorization/{type}/{name}`; the tenant root has no prefix. */
export function resourceId(scope: ArmScope | string, type: string, name: string): string {
  const base = typeof scope === "string" ? scope : scope.id;
  return `${base}/providers/Microsoft.Authorization/${type}/${name}`;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return guidPattern.test(value);
}

/** The GUID at the end of a full id (`.../roleDefinitions/{g}`), or the value itself when bare. */
export function trailingGuid(value: string): string | undefined {
  const last =
    value
      .split("/")
      .filter((s) => s !== "")
      .pop() ?? "";
  return isGuid(last) ? last.toLowerCase() : undefined;
}
