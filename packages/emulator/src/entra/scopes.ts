/**
 * Scope strings → the resource a token is for and the delegated permissions it carries.
 *
 * Entra v2 scopes name a resource and a permission (`https://graph.microsoft.com/User.Read`,
 * `00000003-0000-0000-c000-000000000000/User.Read`, bare `User.Read` meaning Graph,
 * `https://management.azure.com/user_impersonation`, `<resource>/.default`), next to the OpenID
 * Connect scopes. `/authorize` may span resources (consent for all of them at once); a token
 * request may name only one resource (AADSTS28000).
 */
import { graphScopes } from "@pimkit/contracts";
import type { AppRecord } from "../state/model";
import { type EntraError, entraErrors } from "./errors";

export const oidcScopes = ["openid", "profile", "email", "offline_access"] as const;

export interface ResourceDefinition {
  /** The identifier tokens for it carry by default (`aud`). */
  id: string;
  /** Application (client) id of the resource's service principal. */
  appId: string;
  /** Every identifier the resource answers to, lower-case, without a trailing slash. */
  aliases: string[];
  /** Delegated permissions it publishes (canonical spelling). */
  permissions: string[];
}

/** Graph delegated permissions the local tenant knows: pimkit's, plus the few that clients ask for along. */
const graphPermissions = [
  ...new Set<string>([
    ...Object.values(graphScopes).flat(),
    "User.Read",
    "User.ReadBasic.All",
    "User.Read.All",
    "Directory.Read.All",
    "Directory.AccessAsUser.All",
    "RoleManagement.Read.Directory",
    "RoleManagement.ReadWrite.Directory",
    "RoleManagement.Read.All",
    "RoleEligibilitySchedule.ReadWrite.Directory",
    "RoleAssignmentSchedule.Read.Directory",
    "RoleAssignmentSchedule.Remove.Directory",
    "RoleManagementPolicy.ReadWrite.Directory",
    "PrivilegedAccess.Read.AzureADGroup",
    "PrivilegedAccess.ReadWrite.AzureADGroup",
    "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
    "PrivilegedAssignmentSchedule.Read.AzureADGroup",
    "PrivilegedAssignmentSchedule.Remove.AzureADGroup",
    "RoleManagementPolicy.ReadWrite.AzureADGroup",
    "Group.Read.All",
    "GroupMember.Read.All",
    "Policy.Read.All",
    "Application.Read.All",
  ]),
];

export const graphResourceDefinition: ResourceDefinition = {
  id: "https://graph.microsoft.com",
  appId: "00000003-0000-0000-c000-000000000000",
  aliases: ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"],
  permissions: graphPermissions,
};

export const armResourceDefinition: ResourceDefinition = {
  id: "https://management.azure.com",
  appId: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
  aliases: [
    "https://management.azure.com",
    "https://management.core.windows.net",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013",
  ],
  permissions: ["user_impersonation"],
};

export const resourceDefinitions: readonly ResourceDefinition[] = [graphResourceDefinition, armResourceDefinition];

function normalizeResource(value: string): string {
  return value.replace(/\/+$/, "").toLowerCase();
}

export function findResource(identifier: string): ResourceDefinition | undefined {
  const key = normalizeResource(identifier);
  return resourceDefinitions.find((r) => r.aliases.includes(key));
}

/** Does a token audience name this resource (in any of its spellings)? */
export function audienceMatches(aud: string, resource: string): boolean {
  const def = findResource(resource);
  if (!def) return normalizeResource(aud) === normalizeResource(resource);
  return def.aliases.includes(normalizeResource(aud));
}

export interface RequestedResource {
  resource: ResourceDefinition;
  /** The identifier as the client spelled it (it becomes the token's `aud`). */
  audience: string;
  /** Permissions asked for by name (canonical spelling). */
  permissions: string[];
  /** `<resource>/.default` was asked for. */
  isDefault: boolean;
  /** The client used full `<resource>/<permission>` names (echoed in the token response's `scope`). */
  qualified: boolean;
}

export interface ParsedScopes {
  /** The scope string as received (whitespace-normalised). */
  raw: string;
  oidc: string[];
  resources: RequestedResource[];
}

export type ScopeParse = { ok: true; scopes: ParsedScopes } | { ok: false; error: EntraError };

/**
 * Parses a scope parameter. Unknown resources answer AADSTS500011, unknown permissions of a
 * known resource AADSTS70011. `tenantName` is only used in messages.
 */
export function parseScopes(scopeParam: string, tenantName: string): ScopeParse {
  const items = scopeParam.split(/\s+/).filter((s) => s.length > 0);
  const oidc: string[] = [];
  const byResource = new Map<string, RequestedResource>();
  for (const item of items) {
    const lower = item.toLowerCase();
    const oidcName = oidcScopes.find((s) => s === lower);
    if (oidcName) {
      if (!oidc.includes(oidcName)) oidc.push(oidcName);
      continue;
    }
    const slash = item.lastIndexOf("/");
    let audience: string;
    let name: string;
    let qualified: boolean;
    if (slash < 0) {
      audience = graphResourceDefinition.id;
      name = item;
      qualified = false;
    } else {
      audience = item.slice(0, slash);
      name = item.slice(slash + 1);
      qualified = true;
      // `https://management.core.windows.net//user_impersonation`: the resource keeps its slash.
      if (audience.endsWith("/") && audience.length > 1) audience = audience.replace(/\/+$/, "/");
    }
    if (audience.length === 0 || name.length === 0) return { ok: false, error: entraErrors.invalidScope(item) };
    const resource = findResource(audience);
    if (!resource) return { ok: false, error: entraErrors.resourceNotFound(audience, tenantName) };
    let entry = byResource.get(resource.id);
    if (!entry) {
      entry = { resource, audience, permissions: [], isDefault: false, qualified };
      byResource.set(resource.id, entry);
    }
    if (name === ".default") {
      entry.isDefault = true;
      continue;
    }
    const permission = resource.permissions.find((p) => p.toLowerCase() === name.toLowerCase());
    if (!permission) return { ok: false, error: entraErrors.invalidScope(item) };
    if (!entry.permissions.includes(permission)) entry.permissions.push(permission);
  }
  return { ok: true, scopes: { raw: items.join(" "), oidc, resources: [...byResource.values()] } };
}

/** The permissions an app was granted on a resource (what `.default` stands for). */
export function configuredPermissions(app: AppRecord | undefined, resource: ResourceDefinition): string[] {
  // The default public client is pre-consented for everything pimkit may ask for.
  if (!app) return [...resource.permissions];
  const declared = declaredScopes(app);
  if (!declared) return [...resource.permissions];
  const out: string[] = [];
  for (const scope of declared) {
    const parsed = parseScopes(scope, "");
    if (!parsed.ok) continue;
    for (const r of parsed.scopes.resources) {
      if (r.resource.id !== resource.id) continue;
      const names = r.isDefault ? resource.permissions : r.permissions;
      for (const n of names) if (!out.includes(n)) out.push(n);
    }
  }
  return out;
}

/** Scenario apps may list their configured permissions as `scopes` (full or Graph-short names). */
function declaredScopes(app: AppRecord): string[] | undefined {
  const value: unknown = (app as AppRecord & { scopes?: unknown }).scopes;
  if (!Array.isArray(value)) return undefined;
  return value.filter((v): v is string => typeof v === "string");
}

/** A token request may name one resource; the OpenID scopes alone mean a Graph token (as Entra does). */
export function singleResource(
  scopes: ParsedScopes,
): { ok: true; value: RequestedResource } | { ok: false; error: EntraError } {
  if (scopes.resources.length > 1) return { ok: false, error: entraErrors.multipleResources(scopes.raw) };
  const only = scopes.resources[0];
  if (only) return { ok: true, value: only };
  return {
    ok: true,
    value: {
      resource: graphResourceDefinition,
      audience: graphResourceDefinition.id,
      permissions: ["User.Read"],
      isDefault: false,
      qualified: false,
    },
  };
}

/** `scp` of an access token and `scope` of the token response for one resource. */
export function grantedScopes(
  requested: RequestedResource,
  oidc: readonly string[],
  app: AppRecord | undefined,
): { scp: string[]; responseScope: string } {
  const names = [...requested.permissions];
  if (requested.isDefault) {
    for (const n of configuredPermissions(app, requested.resource)) if (!names.includes(n)) names.push(n);
  }
  const withoutOffline = oidc.filter((s) => s !== "offline_access");
  // Graph answers with bare names; other resources with full names (pim-api.md §H.3).
  const isGraph = requested.resource.id === graphResourceDefinition.id;
  const prefix = requested.audience.endsWith("/") ? requested.audience : `${requested.audience}/`;
  const shown = isGraph ? names : names.map((n) => `${prefix}${n}`);
  // Graph tokens list the OpenID scopes in `scp` too; ARM tokens carry only `user_impersonation`.
  const scp = isGraph ? [...names, ...withoutOffline] : names;
  return { scp, responseScope: [...shown, ...withoutOffline].join(" ") };
}
