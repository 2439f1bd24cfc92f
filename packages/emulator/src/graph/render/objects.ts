/**
 * Directory objects as Graph shows them (users, groups, administrative units), authentication
 * context class references and Conditional Access policies.
 */

import type { TenantState } from "../../state/api";
import type {
  AdministrativeUnitRecord,
  AuthContextRecord,
  CaPolicyRecord,
  GroupRecord,
  UserRecord,
} from "../../state/model";
import { graphDateTime } from "../format";

export function renderUser(u: UserRecord): Record<string, unknown> {
  const [givenName, ...rest] = u.displayName.split(" ");
  return {
    id: u.oid,
    businessPhones: [],
    displayName: u.displayName,
    givenName: givenName ?? null,
    jobTitle: null,
    mail: u.mail ?? null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: rest.length > 0 ? rest.join(" ") : null,
    userPrincipalName: u.upn,
  };
}

export function renderGroup(g: GroupRecord): Record<string, unknown> {
  return {
    id: g.id,
    displayName: g.displayName,
    description: g.description,
    groupTypes: [],
    isAssignableToRole: null,
    mail: null,
    mailEnabled: false,
    mailNickname: g.displayName.replace(/[^A-Za-z0-9]/g, "").slice(0, 64) || g.id,
    securityEnabled: true,
  };
}

export function renderAdministrativeUnit(au: AdministrativeUnitRecord): Record<string, unknown> {
  return { id: au.id, displayName: au.displayName, description: au.description, visibility: null };
}

/** A directory object of any kind, as `principal` / `directoryScope` expand it (typed by `@odata.type`). */
export function renderDirectoryObject(state: TenantState, id: string): Record<string, unknown> | null {
  const user = state.user(id);
  if (user) return { "@odata.type": "#microsoft.graph.user", ...renderUser(user) };
  const group = state.groups.find((g) => g.id.toLowerCase() === id.toLowerCase());
  if (group) return { "@odata.type": "#microsoft.graph.group", ...renderGroup(group) };
  const au = state.administrativeUnits.find((a) => a.id.toLowerCase() === id.toLowerCase());
  if (au) return { "@odata.type": "#microsoft.graph.administrativeUnit", ...renderAdministrativeUnit(au) };
  return null;
}

/**
 * `directoryScope` of a role schedule: null at the tenant (`/`), the administrative unit for
 * `/administrativeUnits/{id}`, the object itself for `/{objectId}`.
 */
export function renderDirectoryScope(state: TenantState, directoryScopeId: string): Record<string, unknown> | null {
  if (directoryScopeId === "/") return null;
  const au = /^\/administrativeUnits\/([^/]+)$/i.exec(directoryScopeId);
  const id = au?.[1] ?? directoryScopeId.replace(/^\//, "");
  return renderDirectoryObject(state, id);
}

export function renderAuthContext(c: AuthContextRecord): Record<string, unknown> {
  return { id: c.id, displayName: c.displayName, description: c.description, isAvailable: c.isAvailable };
}

export function renderCaPolicy(p: CaPolicyRecord): Record<string, unknown> {
  return {
    id: p.id,
    displayName: p.displayName,
    state: p.state,
    createdDateTime: graphDateTime(p.createdDateTime),
    modifiedDateTime: null,
    conditions: {
      clientAppTypes: ["all"],
      users: {
        includeUsers: p.includeUsers,
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
      },
      applications: {
        includeApplications: [],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: p.authContexts,
      },
    },
    grantControls: {
      operator: "OR",
      builtInControls: p.builtInControls,
      customAuthenticationFactors: [],
      termsOfUse: [],
    },
    sessionControls: null,
  };
}
