/**
 * Bearer-token checks and the delegated permission each endpoint needs. Scope lists follow the
 * "least privileged / higher privileged" tables of each API page in the Graph v1.0 reference;
 * any listed scope is accepted.
 */
import type { AccessTokenClaims, TokenFailure, TokenVerifier } from "../entra/types";
import { GraphError, messages, wrapped } from "./errors";

export const graphAudience = "https://graph.microsoft.com";

/** The challenge header Graph sends with its 401s [REC: Microsoft365DSC #4427 response headers]. */
export const graphChallengeBase =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

const failureMessages: Record<TokenFailure, string> = {
  missing: messages.tokenMissing,
  malformed: messages.tokenMalformed,
  bad_signature: messages.tokenBadSignature,
  expired: messages.tokenExpired,
  not_yet_valid: messages.tokenNotYetValid,
  wrong_audience: messages.tokenAudience,
  wrong_issuer: messages.tokenIssuer,
  wrong_tenant: messages.tokenIssuer,
};

export async function authenticate(
  verifier: TokenVerifier,
  authorization: string | undefined,
): Promise<AccessTokenClaims> {
  const check = await verifier.verify(authorization, graphAudience);
  if (check.ok) return check.claims;
  throw new GraphError(401, "InvalidAuthenticationToken", failureMessages[check.failure], {
    "WWW-Authenticate": graphChallengeBase,
  });
}

/** How an endpoint family answers a token without the scope it needs. */
export type ScopeFamily = "pim" | "conditionalAccess" | "directory";

export interface ScopeRule {
  family: ScopeFamily;
  scopes: readonly string[];
}

export function requireScope(claims: AccessTokenClaims, rule: ScopeRule): void {
  const held = new Set(claims.scp.map((s) => s.toLowerCase()));
  if (rule.scopes.some((s) => held.has(s.toLowerCase()))) return;
  switch (rule.family) {
    case "pim":
      // [REC] graph-docs #22292 / terraform-provider-azuread #1407: 403 UnknownError wrapping
      // PermissionScopeNotGranted, naming the scopes that would have been accepted.
      throw wrapped(
        403,
        "PermissionScopeNotGranted",
        `Authorization failed due to missing permission scope ${rule.scopes.join(",")}.`,
      );
    case "conditionalAccess":
      throw new GraphError(403, "AccessDenied", messages.caScopesMissing);
    case "directory":
      throw new GraphError(403, "Authorization_RequestDenied", messages.insufficientPrivileges);
  }
}

const pim = (...scopes: string[]): ScopeRule => ({ family: "pim", scopes });

export const scopes = {
  directoryEligibility: pim(
    "RoleEligibilitySchedule.Read.Directory",
    "RoleEligibilitySchedule.ReadWrite.Directory",
    "RoleManagement.Read.All",
    "RoleManagement.Read.Directory",
    "RoleManagement.ReadWrite.Directory",
  ),
  directoryAssignment: pim(
    "RoleAssignmentSchedule.Read.Directory",
    "RoleAssignmentSchedule.ReadWrite.Directory",
    "RoleManagement.Read.All",
    "RoleManagement.Read.Directory",
    "RoleManagement.ReadWrite.Directory",
  ),
  // Reading requests needs the write scope: the v1.0/beta GET pages list only ReadWrite, and the
  // service answers Read-only tokens with PermissionScopeNotGranted [REC graph-docs-contrib #1632].
  directoryRequestRead: pim("RoleAssignmentSchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"),
  directoryRequestWrite: pim(
    "RoleAssignmentSchedule.ReadWrite.Directory",
    "RoleAssignmentSchedule.Remove.Directory",
    "RoleManagement.ReadWrite.Directory",
  ),
  directoryApprovalRead: pim(
    "RoleAssignmentSchedule.Read.Directory",
    "RoleAssignmentSchedule.ReadWrite.Directory",
    "RoleManagement.Read.All",
    "RoleManagement.Read.Directory",
    "RoleManagement.ReadWrite.Directory",
  ),
  directoryApprovalWrite: pim("RoleAssignmentSchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"),
  roleDefinitions: pim(
    "RoleManagement.Read.Directory",
    "Directory.Read.All",
    "RoleManagement.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.ReadWrite.All",
  ),
  groupEligibility: pim(
    "PrivilegedEligibilitySchedule.Read.AzureADGroup",
    "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
    "PrivilegedAccess.Read.AzureADGroup",
    "PrivilegedAccess.ReadWrite.AzureADGroup",
  ),
  groupAssignment: pim(
    "PrivilegedAssignmentSchedule.Read.AzureADGroup",
    "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "PrivilegedAccess.Read.AzureADGroup",
    "PrivilegedAccess.ReadWrite.AzureADGroup",
  ),
  groupRequestRead: pim(
    "PrivilegedAssignmentSchedule.Read.AzureADGroup",
    "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "PrivilegedAccess.Read.AzureADGroup",
    "PrivilegedAccess.ReadWrite.AzureADGroup",
  ),
  groupRequestWrite: pim(
    "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "PrivilegedAssignmentSchedule.Remove.AzureADGroup",
    "PrivilegedAccess.ReadWrite.AzureADGroup",
  ),
  groupApprovalRead: pim(
    "PrivilegedAssignmentSchedule.Read.AzureADGroup",
    "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "PrivilegedAccess.Read.AzureADGroup",
    "PrivilegedAccess.ReadWrite.AzureADGroup",
  ),
  groupApprovalWrite: pim(
    "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "PrivilegedAccess.ReadWrite.AzureADGroup",
  ),
  directoryPolicy: pim(
    "RoleManagementPolicy.Read.Directory",
    "RoleManagementPolicy.ReadWrite.Directory",
    "RoleManagement.Read.All",
    "RoleManagement.Read.Directory",
    "RoleManagement.ReadWrite.Directory",
  ),
  groupPolicy: pim("RoleManagementPolicy.Read.AzureADGroup", "RoleManagementPolicy.ReadWrite.AzureADGroup"),
  authContexts: {
    family: "conditionalAccess",
    scopes: [
      "AuthenticationContext.Read.All",
      "AuthenticationContext.ReadWrite.All",
      "Policy.Read.ConditionalAccess",
      "Policy.ReadWrite.ConditionalAccess",
    ],
  },
  caPolicies: {
    family: "conditionalAccess",
    scopes: ["Policy.Read.ConditionalAccess", "Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"],
  },
  me: {
    family: "directory",
    scopes: [
      "User.Read",
      "User.ReadWrite",
      "User.ReadBasic.All",
      "User.Read.All",
      "User.ReadWrite.All",
      "Directory.Read.All",
      "Directory.ReadWrite.All",
    ],
  },
  users: {
    family: "directory",
    scopes: [
      "User.ReadBasic.All",
      "User.Read.All",
      "User.ReadWrite.All",
      "Directory.Read.All",
      "Directory.ReadWrite.All",
    ],
  },
  groups: {
    family: "directory",
    scopes: [
      "GroupMember.Read.All",
      "Group.Read.All",
      "Group.ReadWrite.All",
      "Directory.Read.All",
      "Directory.ReadWrite.All",
    ],
  },
  administrativeUnits: {
    family: "directory",
    scopes: [
      "AdministrativeUnit.Read.All",
      "AdministrativeUnit.ReadWrite.All",
      "Directory.Read.All",
      "Directory.ReadWrite.All",
    ],
  },
  directoryObjects: {
    family: "directory",
    scopes: ["Directory.Read.All", "Directory.ReadWrite.All", "User.ReadBasic.All", "User.Read.All"],
  },
} satisfies Record<string, ScopeRule>;
