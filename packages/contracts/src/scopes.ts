/**
 * Least-privilege delegated scopes, per plane. The CLI and portal ask for a plane's scopes only
 * when they touch that plane, so a tenant that has not consented to one area still works for
 * the others. Graph scope names are relative to the cloud's `graphResource`.
 */
export const signInScopes = ["openid", "profile", "offline_access"] as const;

export const graphScopes = {
  /** Entra directory roles: list eligibilities, activate/deactivate and read own requests, read policies. */
  entraRoles: [
    "RoleEligibilitySchedule.Read.Directory",
    "RoleAssignmentSchedule.ReadWrite.Directory",
    "RoleManagementPolicy.Read.Directory",
  ],
  /** PIM for Groups: list eligibilities, activate/deactivate membership and ownership, read policies. */
  groups: [
    "PrivilegedEligibilitySchedule.Read.AzureADGroup",
    "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "RoleManagementPolicy.Read.AzureADGroup",
  ],
  /** Names of authentication contexts (optional: the context id itself comes from the PIM policy). */
  authContexts: ["AuthenticationContext.Read.All"],
  /** Conditional Access policies that reference a context (only `pimkit context list`). */
  conditionalAccess: ["Policy.Read.ConditionalAccess"],
  /** Administrative unit names for AU-scoped roles (optional; a 403 leaves the id shown). */
  administrativeUnits: ["AdministrativeUnit.Read.All"],
} as const;

/** ARM has a single delegated scope. */
export const armScopeName = "user_impersonation" as const;

export type GraphScopeArea = keyof typeof graphScopes;

/** Fully-qualified Graph scopes for a cloud (`https://graph.microsoft.com/RoleEligibilitySchedule.Read.Directory`). */
export function qualifyGraphScopes(graphResource: string, names: readonly string[]): string[] {
  return names.map((n) => `${graphResource}/${n}`);
}

export function armScope(armResource: string): string {
  return `${armResource}/${armScopeName}`;
}

/** The Microsoft Graph PowerShell public client: pimkit's default client id. */
export const defaultClientId = "14d82eec-204b-4c2f-b7e8-296a70dab67e" as const;
