/**
 * Deciding how a sign-in ends. A scenario user can do MFA or not (`canMfa`) and can satisfy some
 * authentication contexts (`contexts`). A sign-in asks for contexts (claims `access_token.acrs`)
 * and perhaps MFA (`amr_values=mfa`, or an enabled Conditional Access policy on a requested
 * context whose grant controls include `mfa`). The person at the sign-in page approves MFA and
 * each context; autoSignIn approves whatever the user can do.
 *
 * Failures end as Entra ends them:
 *  - a context the user cannot (or did not) satisfy → AADSTS53003 BlockedByConditionalAccess;
 *  - MFA needed, the user has no method → AADSTS50079 UserStrongAuthEnrollmentRequired;
 *  - MFA needed, not approved → AADSTS50074 UserStrongAuthClientAuthNRequiredInterrupt.
 * (entra-docs identity-platform/reference-error-codes.md.)
 */
import type { TenantState } from "../state/api";
import type { UserRecord } from "../state/model";
import { type EntraError, entraErrors } from "./errors";

export interface SignInNeeds {
  acrs: readonly string[];
  mfa: boolean;
  /** Resource named in the MFA messages (app id of the first requested resource). */
  resourceAppId: string;
}

export interface Approval {
  mfa: boolean;
  contexts: readonly string[];
}

export type SignInOutcome = { ok: true; amr: string[]; acrs: string[] } | { ok: false; error: EntraError };

/** Does an enabled CA policy targeting this context (and this user) require MFA? */
export function contextRequiresMfa(state: TenantState, contextId: string, oid: string): boolean {
  return state.caPolicies.some(
    (p) =>
      p.state === "enabled" &&
      p.authContexts.includes(contextId) &&
      (p.includeUsers.includes("All") || p.includeUsers.includes(oid)) &&
      p.builtInControls.includes("mfa"),
  );
}

export function mfaNeeded(state: TenantState, user: UserRecord, needs: SignInNeeds): boolean {
  return needs.mfa || needs.acrs.some((c) => contextRequiresMfa(state, c, user.oid));
}

export function evaluateSignIn(
  state: TenantState,
  user: UserRecord,
  needs: SignInNeeds,
  approval: Approval,
): SignInOutcome {
  for (const c of needs.acrs) {
    if (!user.contexts.includes(c) || !approval.contexts.includes(c)) {
      return { ok: false, error: entraErrors.blockedByConditionalAccess() };
    }
  }
  const needMfa = mfaNeeded(state, user, needs);
  if (needMfa && !user.canMfa) return { ok: false, error: entraErrors.mfaEnrollmentRequired(needs.resourceAppId) };
  if (needMfa && !approval.mfa) return { ok: false, error: entraErrors.mfaNotPassed() };
  // A user without any MFA method is never prompted, so approving "the prompt" changes nothing.
  const amr = approval.mfa && user.canMfa ? ["pwd", "mfa"] : ["pwd"];
  return { ok: true, amr, acrs: [...needs.acrs] };
}

/** What autoSignIn approves: MFA when the user can, and every requested context the user can satisfy. */
export function autoApproval(user: UserRecord, needs: SignInNeeds): Approval {
  return { mfa: user.canMfa, contexts: needs.acrs.filter((c) => user.contexts.includes(c)) };
}
