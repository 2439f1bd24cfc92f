/**
 * The names a PIM client resolves around the schedules: role definitions, management groups,
 * subscriptions, resource groups, tenants, and `eligibleChildResources` (reduced-scope
 * activation). Visibility follows RBAC (see `access.ts`); shapes follow the REST specs' examples
 * (Microsoft.Resources 2022-12-01 GetTenants/GetSubscriptions, Microsoft.Management 2023-04-01,
 * Microsoft.Authorization 2020-10-01 GetEligibleChildResourcesByScope).
 */
import type {
  ArmEligibleChildResource,
  ArmManagementGroup,
  ArmResource,
  ArmResourceGroup,
  ArmRoleDefinitionProperties,
  ArmSubscription,
  ArmTenant,
} from "@pimkit/contracts";
import type { EmuResponse } from "../../http/types";
import type { AzureRoleDefinitionRecord, TenantInfo } from "../../state/model";
import { canSee } from "../access";
import { type ArmCall, callerUpn, checkQueryOptions, filterOf, ok, page, queryValue, scopeOf } from "../call";
import { armErrors } from "../errors";
import { omitNulls } from "../format";
import { azureTarget, recordScope } from "../render";
import { type ArmScope, isAtOrBelow, parseScope, roleDefinitionFullId, sameId } from "../scope";

// ---- role definitions ----

/** Permissions of the built-ins clients reason about; other roles list empty permission sets. */
const knownPermissions: Record<string, ArmRoleDefinitionProperties["permissions"]> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": [{ actions: ["*"], notActions: [], dataActions: [], notDataActions: [] }],
  "b24988ac-6180-42a0-ab88-20f7382dd24c": [
    {
      actions: ["*"],
      notActions: [
        "Microsoft.Authorization/*/Delete",
        "Microsoft.Authorization/*/Write",
        "Microsoft.Authorization/elevateAccess/Action",
      ],
      dataActions: [],
      notDataActions: [],
    },
  ],
  "acdd72a7-3385-48ef-bd42-f606fba81ae7": [
    { actions: ["*/read"], notActions: [], dataActions: [], notDataActions: [] },
  ],
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": [
    {
      actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
      notActions: [],
      dataActions: [],
      notDataActions: [],
    },
  ],
};

function renderRoleDefinition(
  scope: ArmScope,
  def: AzureRoleDefinitionRecord,
): ArmResource<ArmRoleDefinitionProperties> {
  const guid = def.id.toLowerCase();
  return omitNulls({
    properties: {
      roleName: def.displayName,
      type: def.type,
      description: def.description,
      assignableScopes: ["/"],
      permissions: knownPermissions[guid] ?? [{ actions: [], notActions: [], dataActions: [], notDataActions: [] }],
    },
    id: roleDefinitionFullId(scope, guid),
    type: "Microsoft.Authorization/roleDefinitions",
    name: guid,
  });
}

export function listRoleDefinitions(call: ArmCall, scopeRaw: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, ["$filter"]);
  const filter = filterOf(call, ["roleName", "type", "atScope"]);
  const items = call.state.azureRoleDefinitions
    .filter((d) => filter.roleName === undefined || sameId(d.displayName, filter.roleName))
    .filter((d) => filter.type === undefined || sameId(d.type, filter.type))
    .map((d) => renderRoleDefinition(scope, d));
  return page(call, items);
}

export function getRoleDefinition(call: ArmCall, scopeRaw: string, name: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, []);
  const def = call.state.azureRoleDefinitions.find((d) => sameId(d.id, name));
  if (!def) {
    throw armErrors.notFound(
      "RoleDefinitionDoesNotExist",
      `The specified role definition with ID '${name}' does not exist.`,
    );
  }
  return ok(renderRoleDefinition(scope, def));
}

// ---- tenants ----

/**
 * `Home` for the home tenant and for the guest tenants alike: `ProjectedBy` / `ManagedBy` are the
 * Azure Lighthouse delegation categories (a customer tenant projecting subscriptions into the
 * caller's tenant / the tenant managing it), not B2B guest membership. See
 * docs/emulator-fidelity.md.
 */
function renderTenant(t: TenantInfo): ArmTenant {
  return {
    id: `/tenants/${t.id}`,
    tenantId: t.id,
    countryCode: "US",
    displayName: t.displayName,
    domains: [t.domain],
    tenantCategory: "Home",
    defaultDomain: t.domain,
    tenantType: "AAD",
  };
}

export function listTenants(call: ArmCall): EmuResponse {
  checkQueryOptions(call, []);
  // The account's tenants, whichever of them the token was issued for.
  const home = call.ctx.state;
  return page(call, [home.tenant, ...home.guestTenants].map(renderTenant));
}

// ---- subscriptions and resource groups ----

function subscriptionScope(subscriptionId: string): ArmScope {
  return { id: `/subscriptions/${subscriptionId}`, kind: "subscription", subscriptionId };
}

function renderSubscription(
  call: ArmCall,
  s: { subscriptionId: string; displayName: string; state: string },
): ArmSubscription {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: call.state.tenant.id,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "PayAsYouGo_2014-09-01",
      spendingLimit: "Off",
    },
  };
}

export function listSubscriptions(call: ArmCall): EmuResponse {
  checkQueryOptions(call, []);
  const items = call.state.subscriptions
    .filter((s) => canSee(call.state, call.claims.oid, subscriptionScope(s.subscriptionId)))
    .map((s) => renderSubscription(call, s));
  return page(call, items);
}

function visibleSubscription(call: ArmCall, id: string) {
  const sub = call.state.subscriptions.find((s) => sameId(s.subscriptionId, id));
  if (!sub || !canSee(call.state, call.claims.oid, subscriptionScope(sub.subscriptionId))) {
    throw armErrors.notFound("SubscriptionNotFound", `The subscription '${id}' could not be found.`);
  }
  return sub;
}

export function getSubscription(call: ArmCall, id: string): EmuResponse {
  checkQueryOptions(call, []);
  return ok(renderSubscription(call, visibleSubscription(call, id)));
}

function renderResourceGroup(rg: { subscriptionId: string; name: string; location: string }): ArmResourceGroup {
  return {
    id: `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.name}`,
    name: rg.name,
    type: "Microsoft.Resources/resourceGroups",
    location: rg.location,
    properties: { provisioningState: "Succeeded" },
  };
}

function rgScope(rg: { subscriptionId: string; name: string }): ArmScope {
  return {
    id: `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.name}`,
    kind: "resourceGroup",
    subscriptionId: rg.subscriptionId,
    resourceGroup: rg.name,
  };
}

export function listResourceGroups(call: ArmCall, subscriptionId: string): EmuResponse {
  checkQueryOptions(call, []);
  const sub = visibleSubscription(call, subscriptionId);
  const items = call.state.resourceGroups
    .filter((rg) => sameId(rg.subscriptionId, sub.subscriptionId))
    .filter((rg) => canSee(call.state, call.claims.oid, rgScope(rg)))
    .map(renderResourceGroup);
  return page(call, items);
}

export function getResourceGroup(call: ArmCall, subscriptionId: string, name: string): EmuResponse {
  checkQueryOptions(call, []);
  const sub = visibleSubscription(call, subscriptionId);
  const rg = call.state.resourceGroups.find(
    (r) => sameId(r.subscriptionId, sub.subscriptionId) && sameId(r.name, name),
  );
  if (!rg) throw armErrors.notFound("ResourceGroupNotFound", `Resource group '${name}' could not be found.`);
  if (!canSee(call.state, call.claims.oid, rgScope(rg))) {
    throw armErrors.authorizationFailed(
      callerUpn(call),
      call.claims.oid,
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      rgScope(rg).id,
    );
  }
  return ok(renderResourceGroup(rg));
}

// ---- management groups ----

function mgScope(name: string): ArmScope {
  return {
    id: `/providers/Microsoft.Management/managementGroups/${name}`,
    kind: "managementGroup",
    managementGroup: name,
  };
}

function allManagementGroups(call: ArmCall): Array<{ name: string; displayName: string; parent?: string }> {
  const list: Array<{ name: string; displayName: string; parent?: string }> = [...call.state.managementGroups];
  if (!list.some((m) => sameId(m.name, call.state.tenant.id))) {
    list.unshift({ name: call.state.tenant.id, displayName: "Tenant Root Group" });
  }
  return list;
}

function renderManagementGroup(
  call: ArmCall,
  mg: { name: string; displayName: string; parent?: string },
  details: boolean,
): ArmManagementGroup {
  const isRoot = sameId(mg.name, call.state.tenant.id);
  const parentName = isRoot ? undefined : (mg.parent ?? call.state.tenant.id);
  const parent = parentName ? allManagementGroups(call).find((m) => sameId(m.name, parentName)) : undefined;
  return omitNulls({
    id: mgScope(mg.name).id,
    type: "Microsoft.Management/managementGroups",
    name: mg.name,
    properties: {
      tenantId: call.state.tenant.id,
      displayName: mg.displayName,
      details: details
        ? {
            version: 1,
            parent: parent
              ? { id: mgScope(parent.name).id, name: parent.name, displayName: parent.displayName }
              : undefined,
          }
        : undefined,
    },
  });
}

export function listManagementGroups(call: ArmCall): EmuResponse {
  checkQueryOptions(call, []);
  const items = allManagementGroups(call)
    .filter((m) => canSee(call.state, call.claims.oid, mgScope(m.name)))
    .map((m) => renderManagementGroup(call, m, false));
  return page(call, items);
}

export function getManagementGroup(call: ArmCall, name: string): EmuResponse {
  checkQueryOptions(call, []);
  const mg = allManagementGroups(call).find((m) => sameId(m.name, name));
  if (!mg || !canSee(call.state, call.claims.oid, mgScope(mg.name))) {
    throw armErrors.authorizationFailed(
      callerUpn(call),
      call.claims.oid,
      "Microsoft.Management/managementGroups/read",
      mgScope(name).id,
    );
  }
  return ok(renderManagementGroup(call, mg, true));
}

// ---- eligibleChildResources ----

/** Children of a scope: management groups and subscriptions under a group, groups under a subscription, resources under a group. */
function children(call: ArmCall, scope: ArmScope): ArmScope[] {
  const state = call.state;
  switch (scope.kind) {
    case "tenant":
      return [mgScope(state.tenant.id)];
    case "managementGroup": {
      const name = scope.managementGroup ?? "";
      const isRoot = sameId(name, state.tenant.id);
      const mgs = state.managementGroups
        .filter((m) => !sameId(m.name, state.tenant.id))
        .filter((m) => (m.parent ? sameId(m.parent, name) : isRoot))
        .map((m) => mgScope(m.name));
      const subs = state.subscriptions
        .filter((s) => (s.managementGroup ? sameId(s.managementGroup, name) : isRoot))
        .map((s) => subscriptionScope(s.subscriptionId));
      return [...mgs, ...subs];
    }
    case "subscription":
      return state.resourceGroups.filter((r) => sameId(r.subscriptionId, scope.subscriptionId ?? "")).map(rgScope);
    case "resourceGroup":
      return state.resources
        .filter((r) => r.id.toLowerCase().startsWith(`${scope.id.toLowerCase()}/providers/`))
        .map((r) => {
          const parsed = parseScope(r.id, state);
          return parsed.ok ? parsed.scope : undefined;
        })
        .filter((s) => s !== undefined);
    case "resource":
      return [];
  }
}

function childType(scope: ArmScope): string {
  switch (scope.kind) {
    case "managementGroup":
      return "managementgroup";
    case "subscription":
      return "subscription";
    case "resourceGroup":
      return "resourcegroup";
    default:
      return (scope.resourceType ?? "").toLowerCase();
  }
}

/** Ids as the published example writes them: subscriptions under `/providers/Microsoft.Subscription`. */
function childId(scope: ArmScope): string {
  return scope.subscriptionId ? `/providers/Microsoft.Subscription${scope.id}` : scope.id;
}

function childName(call: ArmCall, scope: ArmScope): string {
  switch (scope.kind) {
    case "managementGroup":
      return (
        allManagementGroups(call).find((m) => sameId(m.name, scope.managementGroup ?? ""))?.displayName ??
        scope.managementGroup ??
        ""
      );
    case "subscription":
      return (
        call.state.subscriptions.find((s) => sameId(s.subscriptionId, scope.subscriptionId ?? ""))?.displayName ?? ""
      );
    case "resourceGroup":
      return scope.resourceGroup ?? "";
    default:
      return scope.resourceName ?? "";
  }
}

export function listEligibleChildResources(call: ArmCall, scopeRaw: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, ["$filter", "getAllChildren"]);
  const filter = filterOf(call, ["resourceType"]);
  const all = queryValue(call, "getAllChildren");
  if (all !== null && !/^(true|false)$/i.test(all)) {
    throw armErrors.badRequest(`The value '${all}' of the query parameter 'getAllChildren' is not a boolean.`);
  }
  const eligibleAt = call.state
    .eligibilities({ plane: "azure", principalId: call.claims.oid })
    .map((e) => azureTarget(e.target))
    .filter((t) => t !== undefined)
    .map((t) => recordScope(t.scope, call.state));

  const found: ArmScope[] = [];
  const walk = (from: ArmScope) => {
    for (const child of children(call, from)) {
      found.push(child);
      if (all?.toLowerCase() === "true") walk(child);
    }
  };
  walk(scope);
  const items: ArmEligibleChildResource[] = found
    // Where the caller could activate: at or below one of their eligibilities.
    .filter((c) => eligibleAt.some((e) => isAtOrBelow(c, e, call.state)))
    .filter((c) => !filter.resourceTypes || filter.resourceTypes.includes(childType(c)))
    .map((c) => ({ name: childName(call, c), id: childId(c), type: childType(c) }));
  return page(call, items);
}
