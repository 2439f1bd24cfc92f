/**
 * A TokenCredential (the @azure/core-auth shape) that gets its tokens from the local tenant the
 * way a public client does: authorization code + PKCE through `/authorize` (the sign-in page
 * completed over HTTP, or autoSignIn), then refresh tokens. It behaves like MSAL's silent flow: a
 * token request with `claims` first tries the refresh token with those claims, and signs in
 * interactively only when the tenant answers `interaction_required` — so a test can count the
 * interactive sign-ins ("exactly one step-up").
 */

import { createHash, randomBytes } from "node:crypto";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { completeSignInPage, type FetchLike } from "./sign-in-page";

/** What the credential needs of an emulator (`createEmulator` returns it). */
export interface EmulatorEndpoint {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly tenantId: string;
  /** The emulator's in-process fetch. */
  readonly fetch: FetchLike;
}

export interface EmulatorCredentialOptions {
  upn: string;
  /** Default: the default public client (Microsoft Graph Command Line Tools). */
  clientId?: string;
  /** How to reach the emulator. Default: its in-process fetch. */
  fetch?: FetchLike;
  /** Registered redirect URI of the client. Default `http://localhost` (any port). */
  redirectUri?: string;
  /** Tenant segment of the authority. Default: the emulator's tenant id. */
  tenant?: string;
  /** Approve MFA on the sign-in page (default true). */
  approveMfa?: boolean;
  /** Client capabilities declared on every request, as `clientCapabilities` does in MSAL. Default `["cp1"]`. */
  clientCapabilities?: readonly string[];
  /**
   * `silent-first` (default, MSAL's behaviour): claims go to the refresh token first.
   * `interactive`: every request with claims signs in again.
   */
  claimsMode?: "silent-first" | "interactive";
  /** Clock for cache decisions (ms since the epoch). Default `Date.now`. */
  now?: () => number;
}

/** The tenant refused a sign-in or a token request. */
export class EmulatorSignInError extends Error {
  override readonly name = "EmulatorSignInError";
  constructor(
    /** OAuth `error` (`invalid_grant`, `interaction_required`, `access_denied`, …). */
    readonly error: string,
    /** AADSTS numbers. */
    readonly errorCodes: readonly number[],
    readonly description: string,
    readonly suberror?: string,
    /** Claims the tenant asks for in the next interactive sign-in. */
    readonly claims?: string,
  ) {
    super(`${error}: ${description.split("\r\n")[0] ?? description}`);
  }
}

export interface EmulatorCredential extends TokenCredential {
  /** Sign-ins through `/authorize` so far. */
  readonly interactiveCount: number;
  /** acrs ids of every `getToken` that carried claims, in order. */
  readonly claimsSeen: readonly (readonly string[])[];
  /** acrs ids of the interactive sign-ins made because of claims (the step-ups). */
  readonly stepUps: readonly (readonly string[])[];
  /** Forgets every token (the next request signs in again). */
  signOut(): void;
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
}

const oidcScopes = ["openid", "profile", "offline_access"];
const renewMarginMs = 5 * 60 * 1000;

function b64url(bytes: Buffer): string {
  return bytes.toString("base64url");
}

/** acrs ids a claims request asks for (`value` or `values`). */
export function acrsOf(claims: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(claims);
  } catch {
    return [];
  }
  const acrs = (parsed as { access_token?: { acrs?: { value?: unknown; values?: unknown } } } | null)?.access_token
    ?.acrs;
  const out: string[] = [];
  if (typeof acrs?.value === "string") out.push(acrs.value);
  if (Array.isArray(acrs?.values)) for (const v of acrs.values) if (typeof v === "string") out.push(v);
  return out;
}

/** The claims JSON with the client capabilities merged in, as MSAL sends it. */
function withCapabilities(claims: string | undefined, capabilities: readonly string[]): string | undefined {
  if (capabilities.length === 0) return claims;
  let base: Record<string, unknown> = {};
  if (claims) {
    const parsed: unknown = JSON.parse(claims);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error("claims must be a JSON object");
    base = parsed as Record<string, unknown>;
  }
  const accessToken = (base.access_token ?? {}) as Record<string, unknown>;
  return JSON.stringify({ ...base, access_token: { ...accessToken, xms_cc: { values: [...capabilities] } } });
}

function toSignal(signal: GetTokenOptions["abortSignal"]): AbortSignal | undefined {
  if (!signal) return undefined;
  if (signal instanceof AbortSignal) return signal;
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener("abort", () => controller.abort());
  return controller.signal;
}

export function createEmulatorCredential(
  emu: EmulatorEndpoint,
  options: EmulatorCredentialOptions,
): EmulatorCredential {
  const doFetch = options.fetch ?? emu.fetch;
  const clientId = options.clientId ?? "14d82eec-204b-4c2f-b7e8-296a70dab67e";
  const redirectUri = options.redirectUri ?? "http://localhost";
  const authority = `${emu.url}/${options.tenant ?? emu.tenantId}`;
  const capabilities = options.clientCapabilities ?? ["cp1"];
  const now = options.now ?? Date.now;
  const cache = new Map<string, AccessToken>();
  let refreshToken: string | undefined;
  let interactiveCount = 0;
  const claimsSeen: string[][] = [];
  const stepUps: string[][] = [];
  // One request at a time: concurrent first calls must not each sign in.
  let queue: Promise<unknown> = Promise.resolve();

  const tokenRequest = async (body: URLSearchParams, signal: AbortSignal | undefined): Promise<TokenAnswer> => {
    const res = await doFetch(`${authority}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
      body: body.toString(),
      ...(signal ? { signal } : {}),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok || typeof json.access_token !== "string") {
      throw new EmulatorSignInError(
        String(json.error ?? `http_${res.status}`),
        Array.isArray(json.error_codes) ? json.error_codes.filter((c): c is number => typeof c === "number") : [],
        String(json.error_description ?? ""),
        typeof json.suberror === "string" ? json.suberror : undefined,
        typeof json.claims === "string" ? json.claims : undefined,
      );
    }
    return json as unknown as TokenAnswer;
  };

  const remember = (key: string, answer: TokenAnswer): AccessToken => {
    if (answer.refresh_token) refreshToken = answer.refresh_token;
    const token: AccessToken = {
      token: answer.access_token,
      expiresOnTimestamp: now() + answer.expires_in * 1000,
      tokenType: "Bearer",
    };
    cache.set(key, token);
    return token;
  };

  const interactive = async (
    scopes: readonly string[],
    claims: string | undefined,
    signal: AbortSignal | undefined,
  ) => {
    interactiveCount += 1;
    const verifier = b64url(randomBytes(32));
    const challenge = b64url(createHash("sha256").update(verifier).digest());
    const state = b64url(randomBytes(16));
    const nonce = b64url(randomBytes(16));
    const scope = [...scopes, ...oidcScopes].join(" ");
    const merged = withCapabilities(claims, capabilities);
    const query = new URLSearchParams({
      client_id: clientId,
      response_type: "code",
      redirect_uri: redirectUri,
      response_mode: "query",
      scope,
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: "S256",
      client_info: "1",
      login_hint: options.upn,
      ...(merged ? { claims: merged } : {}),
    });
    const answer = await completeSignInPage(`${authority}/oauth2/v2.0/authorize?${query.toString()}`, {
      upn: options.upn,
      fetch: doFetch,
      ...(options.approveMfa !== undefined ? { approveMfa: options.approveMfa } : {}),
      ...(signal ? { signal } : {}),
    });
    const error = answer.params.get("error");
    if (error) {
      const description = answer.params.get("error_description") ?? "";
      const codes = [...description.matchAll(/AADSTS(\d+)/g)].map((m) => Number(m[1]));
      throw new EmulatorSignInError(error, codes, description);
    }
    if (answer.params.get("state") !== state) throw new Error("the sign-in answered with another state");
    const code = answer.params.get("code");
    if (!code) throw new Error("the sign-in answered without a code");
    const body = new URLSearchParams({
      client_id: clientId,
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      scope,
      client_info: "1",
      ...(merged ? { claims: merged } : {}),
    });
    const tokens = await tokenRequest(body, signal);
    if (tokens.id_token) {
      const payload = JSON.parse(Buffer.from(tokens.id_token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
        nonce?: string;
      };
      if (payload.nonce !== nonce) throw new Error("the id_token does not carry the nonce of the sign-in");
    }
    return tokens;
  };

  const refresh = async (scopes: readonly string[], claims: string | undefined, signal: AbortSignal | undefined) => {
    if (!refreshToken) return undefined;
    const merged = withCapabilities(claims, capabilities);
    const body = new URLSearchParams({
      client_id: clientId,
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      scope: [...scopes, ...oidcScopes].join(" "),
      client_info: "1",
      ...(merged ? { claims: merged } : {}),
    });
    try {
      return await tokenRequest(body, signal);
    } catch (error) {
      if (
        error instanceof EmulatorSignInError &&
        (error.error === "interaction_required" || error.error === "invalid_grant")
      ) {
        return undefined;
      }
      throw error;
    }
  };

  const acquire = async (scopes: readonly string[], getOptions: GetTokenOptions | undefined): Promise<AccessToken> => {
    const signal = toSignal(getOptions?.abortSignal);
    const key = [...scopes]
      .map((s) => s.toLowerCase())
      .sort()
      .join(" ");
    const claims = getOptions?.claims;
    if (claims) {
      const acrs = acrsOf(claims);
      claimsSeen.push(acrs);
      const silent = options.claimsMode === "interactive" ? undefined : await refresh(scopes, claims, signal);
      if (silent) return remember(key, silent);
      stepUps.push(acrs);
      return remember(key, await interactive(scopes, claims, signal));
    }
    const cached = cache.get(key);
    if (cached && cached.expiresOnTimestamp - renewMarginMs > now()) return cached;
    const refreshed = await refresh(scopes, undefined, signal);
    if (refreshed) return remember(key, refreshed);
    return remember(key, await interactive(scopes, undefined, signal));
  };

  return {
    get interactiveCount() {
      return interactiveCount;
    },
    get claimsSeen() {
      return claimsSeen;
    },
    get stepUps() {
      return stepUps;
    },
    signOut() {
      cache.clear();
      refreshToken = undefined;
    },
    getToken(scopes, getOptions) {
      const list = Array.isArray(scopes) ? scopes : [scopes];
      const run = queue.then(() => acquire(list, getOptions));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
