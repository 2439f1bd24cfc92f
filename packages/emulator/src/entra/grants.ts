/**
 * What the sign-in surface remembers between requests: pending sign-in pages, authorization
 * codes, refresh tokens and device codes. In memory only, keyed by unguessable random strings,
 * each with an expiry checked against the emulator clock.
 */
import type { ClaimsRequest } from "./claims";
import type { EntraError } from "./errors";
import type { ParsedScopes } from "./scopes";

/** One completed sign-in: who, how (amr) and which authentication contexts were satisfied. */
export interface SignInSession {
  sid: string;
  oid: string;
  /** The tenant the tokens are for. */
  tenantId: string;
  amr: string[];
  acrs: string[];
  authTimeMs: number;
}

/** `common`, `organizations`, or the tenant id: a code must be redeemed where it was obtained. */
export type TenantRoute = string;

export interface AuthorizeRequest {
  route: TenantRoute;
  /** The path segment as the client wrote it (pages post back to the same one). */
  segment: string;
  tenantId: string;
  clientId: string;
  clientName: string;
  spa: boolean;
  redirectUri: string;
  responseMode: "query" | "fragment" | "form_post";
  state?: string;
  nonce?: string;
  scopes: ParsedScopes;
  codeChallenge: string;
  claims: ClaimsRequest;
  /** `client_info=1`: the client wants `client_info` back (MSAL always asks). */
  clientInfo: boolean;
  mfaRequested: boolean;
  loginHint?: string;
  correlationId?: string;
}

export interface PendingSignIn {
  id: string;
  csrf: string;
  expiresAtMs: number;
  kind: { type: "authorize"; request: AuthorizeRequest } | { type: "device"; deviceCode: string };
}

export interface AuthorizationCode {
  code: string;
  request: AuthorizeRequest;
  session: SignInSession;
  expiresAtMs: number;
  redeemed: boolean;
}

export interface RefreshGrant {
  token: string;
  clientId: string;
  spa: boolean;
  session: SignInSession;
  /** The refresh token's lifetime starts at the sign-in (SPA) or at its last use (others). */
  issuedAtMs: number;
  expiresAtMs: number;
}

export interface DeviceGrant {
  deviceCode: string;
  userCode: string;
  route: TenantRoute;
  segment: string;
  tenantId: string;
  clientId: string;
  clientName: string;
  scopes: ParsedScopes;
  claims: ClaimsRequest;
  expiresAtMs: number;
  status: "pending" | "approved" | "failed" | "declined" | "redeemed";
  session?: SignInSession;
  failure?: EntraError;
}

export interface GrantStore {
  pending: Map<string, PendingSignIn>;
  codes: Map<string, AuthorizationCode>;
  refresh: Map<string, RefreshGrant>;
  devices: Map<string, DeviceGrant>;
  /** Drops what expired long ago (codes stay a while so reuse is told apart from garbage). */
  prune(nowMs: number): void;
  clear(): void;
}

const keepExpiredMs = 60 * 60 * 1000;

export function createGrantStore(): GrantStore {
  const pending = new Map<string, PendingSignIn>();
  const codes = new Map<string, AuthorizationCode>();
  const refresh = new Map<string, RefreshGrant>();
  const devices = new Map<string, DeviceGrant>();
  const sweep = <T>(map: Map<string, T>, expiry: (v: T) => number, nowMs: number) => {
    for (const [k, v] of map) if (expiry(v) + keepExpiredMs < nowMs) map.delete(k);
  };
  return {
    pending,
    codes,
    refresh,
    devices,
    prune(nowMs) {
      sweep(pending, (v) => v.expiresAtMs, nowMs);
      sweep(codes, (v) => v.expiresAtMs, nowMs);
      sweep(refresh, (v) => v.expiresAtMs, nowMs);
      sweep(devices, (v) => v.expiresAtMs, nowMs);
    },
    clear() {
      pending.clear();
      codes.clear();
      refresh.clear();
      devices.clear();
    },
  };
}
