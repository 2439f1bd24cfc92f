import { mergeClaims } from "../claims";
import type { Clock } from "../clock";
import type { TokenCredential } from "../credential";
import { isAbortError, PimError } from "../errors";
import { redactClaimsText } from "./upstream";

export type TokenPlane = "graph" | "arm";

interface CachedToken {
  token: string;
  expiresAt: number;
  scopes: ReadonlySet<string>;
  claims: string | undefined;
}

/** Refresh this long before expiry so a long batch never starts with a token about to lapse. */
const refreshMarginMs = 2 * 60 * 1000;

/**
 * Tokens per (scopes, claims). The credential stays the only source; this only avoids asking it
 * for every request, and drops a token the service refused so the next ask goes to the credential.
 */
export class TokenProvider {
  /** Keys whose token the service refused: the next acquisition asks the credential for a new one. */
  private readonly refused = new Set<string>();
  private readonly cache = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();
  private lastIdentity: { oid?: string; tid?: string } = {};

  constructor(
    private readonly credential: TokenCredential,
    private readonly clock: Clock,
  ) {}

  async get(
    scopes: readonly string[],
    claims: string | undefined,
    signal?: AbortSignal,
    fresh = false,
  ): Promise<string> {
    const key = cacheKey(scopes, claims);
    if (!fresh) {
      const hit = this.cache.get(key) ?? this.covering(scopes, claims);
      if (hit && hit.expiresAt - refreshMarginMs > this.clock.now()) return hit.token;
      const pending = this.inflight.get(key);
      if (pending) return pending;
    }
    // After a refusal the credential must issue a new token, not hand back the refused one.
    const p = this.acquire(scopes, claims, signal, key, fresh || this.refused.has(key));
    this.inflight.set(key, p);
    try {
      return await p;
    } finally {
      if (this.inflight.get(key) === p) this.inflight.delete(key);
    }
  }

  private async acquire(
    scopes: readonly string[],
    claims: string | undefined,
    signal: AbortSignal | undefined,
    key: string,
    fresh = false,
  ) {
    let result: Awaited<ReturnType<TokenCredential["getToken"]>>;
    try {
      result = await this.credential.getToken([...scopes], {
        ...(claims ? { claims } : {}),
        ...(signal ? { abortSignal: signal } : {}),
        ...(fresh ? { forceRefresh: true } : {}),
        enableCae: true,
      });
    } catch (e) {
      if (isAbortError(e) || signal?.aborted)
        throw new PimError("aborted", "The operation was cancelled.", { cause: e });
      const code = claims ? "step_up_failed" : "token_unavailable";
      const what = claims ? "The additional sign-in (step-up) did not complete" : "Could not get a sign-in token";
      // The credential's message can name the account but never carries the token.
      const detail = redactClaimsText(e instanceof Error ? e.message : "unknown error");
      throw new PimError(code, `${what}: ${detail}`, { cause: e });
    }
    if (!result?.token) {
      throw new PimError(
        claims ? "step_up_failed" : "sign_in_required",
        "No sign-in token is available; sign in first.",
      );
    }
    this.refused.delete(key);
    this.cache.set(key, {
      token: result.token,
      expiresAt: result.expiresOnTimestamp,
      scopes: new Set(scopes),
      claims,
    });
    this.lastIdentity = { ...this.lastIdentity, ...decodeIdentity(result.token) };
    return result.token;
  }

  /**
   * A live token acquired for more scopes of the same resource and the same claims: it is good
   * for any subset (scopes carry their resource), so asking the credential again would only cost
   * a round trip.
   */
  private covering(scopes: readonly string[], claims: string | undefined): CachedToken | undefined {
    const now = this.clock.now();
    for (const t of this.cache.values()) {
      if (t.claims !== claims || t.expiresAt - refreshMarginMs <= now) continue;
      if (scopes.every((s) => t.scopes.has(s))) return t;
    }
    return undefined;
  }

  /** Forgets a token the service refused (expired mid-batch, revoked), and any that covered these scopes with it. */
  invalidate(scopes: readonly string[], claims: string | undefined): void {
    const refused = this.cache.get(cacheKey(scopes, claims)) ?? this.covering(scopes, claims);
    this.cache.delete(cacheKey(scopes, claims));
    this.refused.add(cacheKey(scopes, claims));
    if (!refused) return;
    for (const [k, t] of this.cache) {
      if (t.token !== refused.token) continue;
      this.cache.delete(k);
      this.refused.add(k);
    }
  }

  identity(): { oid?: string; tid?: string } {
    return this.lastIdentity;
  }
}

function cacheKey(scopes: readonly string[], claims: string | undefined): string {
  return `${[...scopes].sort().join(" ")}\n${claims ?? ""}`;
}

/** `oid` / `tid` of a JWT access token; empty when the token is opaque. Never validates or logs it. */
export function decodeIdentity(token: string): { oid?: string; tid?: string } {
  const part = token.split(".")[1];
  if (!part) return {};
  try {
    let b64 = part.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof payload !== "object" || payload === null) return {};
    const p = payload as Record<string, unknown>;
    const out: { oid?: string; tid?: string } = {};
    if (typeof p.oid === "string") out.oid = p.oid;
    if (typeof p.tid === "string") out.tid = p.tid;
    return out;
  } catch {
    return {};
  }
}

/**
 * The claims an operation threads into every token request, and the single reactive step-up it
 * may perform per distinct claims request. Concurrent challenges for the same contexts share one
 * acquisition; a request resends at most once after a step-up (the pipeline enforces that).
 */
export class AuthSession {
  private current: string | undefined;
  private readonly stepUps = new Map<string, Promise<void>>();
  private proactiveStepUp: Promise<void> | undefined;
  /** Interactive-capable acquisitions made by this session (proactive + reactive). */
  stepUpCount = 0;

  constructor(
    private readonly tokens: TokenProvider,
    initialClaims?: string,
  ) {
    this.current = initialClaims;
  }

  get claims(): string | undefined {
    return this.current;
  }

  /**
   * Proactive step-up: one acquisition carrying every context, for the plane first used. The
   * session's claims change only once it has succeeded, so requests already under way (roles
   * that need no context) keep their tokens and are not held up by the sign-in.
   */
  proactive(claims: string, scopes: readonly string[], signal?: AbortSignal): Promise<void> {
    const target = mergeClaims(this.current, claims) ?? claims;
    const p = (async () => {
      this.stepUpCount++;
      await this.tokens.get(scopes, target, signal, true);
      this.current = target;
    })();
    this.proactiveStepUp = p;
    return p;
  }

  /**
   * Reactive step-up for a challenge; resolves once a token with the merged claims is held.
   * `sentWith` is the claims the refused request carried: a challenge that a step-up made in the
   * meantime already covers costs no new sign-in, only the resend.
   */
  async react(
    challengeClaims: string,
    scopes: readonly string[],
    signal?: AbortSignal,
    sentWith?: string,
  ): Promise<void> {
    if (this.proactiveStepUp) await this.proactiveStepUp.catch(() => undefined);
    const merged = mergeClaims(this.current, challengeClaims) ?? challengeClaims;
    if (this.current !== undefined && merged === this.current && sentWith !== this.current) return;
    const existing = this.stepUps.get(merged);
    if (existing) return existing;
    const p = (async () => {
      this.stepUpCount++;
      await this.tokens.get(scopes, merged, signal, true);
      this.current = merged;
    })();
    this.stepUps.set(merged, p);
    return p;
  }
}
