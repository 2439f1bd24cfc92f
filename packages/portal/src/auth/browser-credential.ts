import {
  type AccountInfo,
  AuthError,
  type AuthenticationResult,
  CacheLookupPolicy,
  InteractionRequiredAuthError,
  type IPublicClientApplication,
} from "@azure/msal-browser";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@pimkit/core";
import { type InteractionGuard, interactionKey } from "./interaction-guard";

/**
 * The core's only way to a token. Silent first (cached access token, then the refresh token —
 * never a hidden iframe, which the portal's CSP forbids); when Entra wants the user (a step-up
 * for an authentication context, a claims challenge, consent), the operation in flight is saved
 * and the page redirects to sign-in, requesting exactly the claims asked for. After the redirect
 * the token obtained is handed to the first request for the same scopes and claims, so resuming
 * costs no extra sign-in round trip.
 */
export interface RedirectIntent {
  scopes: string[];
  claims: string | undefined;
}

export interface BrowserCredentialOptions {
  pca: IPublicClientApplication;
  /** The signed-in account of the tenant in use. */
  account: () => AccountInfo | null;
  /** Authority of the tenant in use. */
  authority: () => string;
  guard: InteractionGuard;
  /** Called just before the page leaves for sign-in: save what must resume afterwards. */
  beforeRedirect: (intent: RedirectIntent, state: string) => void;
  newId?: () => string;
}

export class InteractionBlockedError extends Error {
  override readonly name = "InteractionBlockedError";
}

export class BrowserCredential implements TokenCredential {
  private readonly seeded = new Map<string, AuthenticationResult>();
  private redirecting = false;

  constructor(private readonly options: BrowserCredentialOptions) {}

  /** Hands a token from a completed redirect to the first request for the same scopes and claims. */
  seed(intent: RedirectIntent, result: AuthenticationResult): void {
    this.seeded.set(interactionKey(intent.scopes, intent.claims), result);
  }

  /** True once the page is leaving for an interactive sign-in. */
  get isRedirecting(): boolean {
    return this.redirecting;
  }

  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken | null> {
    const list = Array.isArray(scopes) ? [...scopes] : [scopes];
    const claims = options.claims;
    // Once a redirect has started nothing else may start one (MSAL allows one interaction) and
    // nothing should be sent with a token about to be replaced: everything waits for the unload.
    if (this.redirecting) return never();

    const key = interactionKey(list, claims);
    const seeded = this.seeded.get(key);
    if (seeded) {
      this.seeded.delete(key);
      if (seeded.expiresOn && seeded.expiresOn.getTime() > Date.now() + 60_000) return toAccessToken(seeded);
    }

    const account = this.options.account();
    if (!account) return null;
    try {
      const result = await this.options.pca.acquireTokenSilent({
        scopes: list,
        account,
        authority: this.options.authority(),
        ...(claims ? { claims } : {}),
        cacheLookupPolicy: CacheLookupPolicy.AccessTokenAndRefreshToken,
      });
      return toAccessToken(result);
    } catch (e) {
      if (!needsInteraction(e)) throw e;
      if (!this.options.guard.allow(key)) {
        throw new InteractionBlockedError(
          claims
            ? "The additional sign-in did not satisfy what the service asks for; nothing more was sent."
            : "Sign-in is still required after signing in; nothing more was sent.",
        );
      }
      return this.redirect(list, claims, account);
    }
  }

  private async redirect(scopes: string[], claims: string | undefined, account: AccountInfo): Promise<never> {
    this.redirecting = true;
    const state = (this.options.newId ?? (() => crypto.randomUUID()))();
    this.options.beforeRedirect({ scopes, claims }, state);
    await this.options.pca.acquireTokenRedirect({
      scopes,
      account,
      authority: this.options.authority(),
      ...(claims ? { claims } : {}),
      state,
    });
    return never();
  }
}

function needsInteraction(e: unknown): boolean {
  if (e instanceof InteractionRequiredAuthError) return true;
  // A refresh token the service no longer accepts surfaces as a server error with these codes.
  return e instanceof AuthError && ["invalid_grant", "no_tokens_found", "refresh_token_expired"].includes(e.errorCode);
}

function toAccessToken(r: AuthenticationResult): AccessToken {
  return { token: r.accessToken, expiresOnTimestamp: r.expiresOn?.getTime() ?? Date.now() + 5 * 60_000 };
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
