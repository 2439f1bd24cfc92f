/**
 * Entra answers a token request for `https://graph.microsoft.com/X` with the scope `X` (Graph
 * scopes come back without their resource), and MSAL files the access token under the scopes of
 * the answer. MSAL's cache lookup compares scope strings literally, so asking again with the
 * qualified form never finds that token and every run spends a refresh-token round trip per
 * scope set. This finds a live cached token that covers the request once both sides are read as
 * fully qualified, and returns the request in the spelling that token was filed under, so MSAL's
 * own silent lookup hits it.
 */

const oidcScopes = new Set(["openid", "profile", "offline_access", "email"]);

/** MSAL treats a token as expired this long before it is (msal-common's renewal offset). */
const msalRenewalOffsetSec = 300;
/** Extra room so the token is still live when MSAL looks a moment later. */
const marginSec = 30;

export interface CachedScopeQuery {
  homeAccountId: string;
  environment: string;
  clientId: string;
  /** Tenant the token is asked for; MSAL files tokens under this realm. */
  realm: string;
  graphResource: string;
  scopes: readonly string[];
  nowSec: number;
}

interface SerializedAccessToken {
  home_account_id?: unknown;
  environment?: unknown;
  client_id?: unknown;
  realm?: unknown;
  target?: unknown;
  expires_on?: unknown;
  token_type?: unknown;
  credential_type?: unknown;
  secret?: unknown;
  cached_at?: unknown;
  refresh_on?: unknown;
}

function qualify(scope: string, graphResource: string): string {
  const s = scope.trim().toLowerCase();
  if (oidcScopes.has(s) || s.includes("/") || s.includes(":")) return s;
  return `${graphResource.replace(/\/+$/, "").toLowerCase()}/${s}`;
}

export interface CachedAccessToken {
  /** The request spelled as the token's `target` spells it. */
  scopes: string[];
  secret: string;
  /** Seconds since the epoch. */
  expiresOn: number;
}

function parseCache(serializedCache: string): Record<string, unknown> | undefined {
  if (!serializedCache) return undefined;
  try {
    const parsed: unknown = JSON.parse(serializedCache);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A live access token in a serialized MSAL cache that MSAL itself would return for this request
 * without a round trip: same account, environment, client and realm, a Bearer token covering the
 * scopes, not within MSAL's renewal window, not due for proactive refresh, not from the future.
 */
export function findCachedAccessToken(serializedCache: string, q: CachedScopeQuery): CachedAccessToken | undefined {
  const wanted = q.scopes.filter((s) => !oidcScopes.has(s.trim().toLowerCase()));
  if (wanted.length === 0) return undefined;
  const tokens = parseCache(serializedCache)?.AccessToken;
  if (!tokens || typeof tokens !== "object") return undefined;
  const realm = q.realm.toLowerCase();
  for (const value of Object.values(tokens as Record<string, SerializedAccessToken>)) {
    if (
      typeof value?.target !== "string" ||
      typeof value.secret !== "string" ||
      value.home_account_id !== q.homeAccountId ||
      value.environment !== q.environment ||
      value.client_id !== q.clientId ||
      String(value.realm ?? "").toLowerCase() !== realm ||
      (value.credential_type !== undefined && value.credential_type !== "AccessToken") ||
      (typeof value.token_type === "string" && value.token_type.toLowerCase() !== "bearer")
    ) {
      continue;
    }
    const expiresOn = Number(value.expires_on);
    if (!Number.isFinite(expiresOn) || expiresOn - msalRenewalOffsetSec - marginSec <= q.nowSec) continue;
    const cachedAt = Number(value.cached_at);
    if (Number.isFinite(cachedAt) && cachedAt > q.nowSec) continue;
    const refreshOn = Number(value.refresh_on);
    if (value.refresh_on !== undefined && Number.isFinite(refreshOn) && refreshOn <= q.nowSec) continue;
    const spelled = new Map<string, string>();
    for (const t of value.target.split(" ")) {
      if (t) spelled.set(qualify(t, q.graphResource), t);
    }
    const mapped = wanted.map((s) => spelled.get(qualify(s, q.graphResource)));
    if (mapped.every((m): m is string => m !== undefined)) return { scopes: mapped, secret: value.secret, expiresOn };
  }
  return undefined;
}

/**
 * The scopes to hand MSAL for a silent call: the request unchanged when no live cached token
 * covers it (MSAL then refreshes with the scopes as asked), or each scope spelled as the covering
 * token's `target` spells it.
 */
export function scopesAsCached(serializedCache: string, q: CachedScopeQuery): string[] {
  return findCachedAccessToken(serializedCache, q)?.scopes ?? [...q.scopes];
}

export interface CachedAccount {
  homeAccountId: string;
  environment: string;
  tenantId: string;
  username: string;
  localAccountId: string;
  name?: string;
}

/** The accounts of a serialized MSAL cache, read without MSAL. */
export function accountsInCache(serializedCache: string): CachedAccount[] {
  const accounts = parseCache(serializedCache)?.Account;
  if (!accounts || typeof accounts !== "object") return [];
  const out: CachedAccount[] = [];
  for (const a of Object.values(accounts as Record<string, Record<string, unknown>>)) {
    if (typeof a?.home_account_id !== "string" || typeof a.environment !== "string") continue;
    out.push({
      homeAccountId: a.home_account_id,
      environment: a.environment,
      tenantId: typeof a.realm === "string" ? a.realm : "",
      username: typeof a.username === "string" ? a.username : "",
      localAccountId: typeof a.local_account_id === "string" ? a.local_account_id : "",
      ...(typeof a.name === "string" ? { name: a.name } : {}),
    });
  }
  return out;
}
