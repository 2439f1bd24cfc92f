/**
 * What the resource surfaces (Graph, ARM) need from the sign-in surface: verify a bearer token
 * and read the claims PIM evaluates. Implemented in `entra/tokens.ts`.
 */
export interface AccessTokenClaims {
  /** Audience: the resource identifier, e.g. `https://graph.microsoft.com`. */
  aud: string;
  iss: string;
  tid: string;
  oid: string;
  sub: string;
  upn: string;
  name: string;
  /** Client id the token was issued to. */
  appid: string;
  /** Delegated scopes, split from the space-separated `scp`. */
  scp: string[];
  /** Authentication methods: `pwd`, plus `mfa` when MFA was done. */
  amr: string[];
  /** Authentication contexts satisfied in the sign-in that produced the token. */
  acrs: string[];
  /** Client capabilities (`cp1`) the client declared. */
  xmsCc: string[];
  iat: number;
  nbf: number;
  exp: number;
}

export type TokenFailure =
  | "missing" // no Authorization header or not Bearer
  | "malformed" // not a JWT
  | "bad_signature" // not signed by this emulator's key
  | "expired"
  | "not_yet_valid"
  | "wrong_audience"
  | "wrong_issuer"
  | "wrong_tenant";

export type TokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; failure: TokenFailure; message: string };

export interface TokenVerifier {
  /**
   * Verifies `Authorization: Bearer <jwt>` for a resource (`https://graph.microsoft.com` or
   * `https://management.azure.com`): signature against the emulator's key, issuer, audience,
   * exp/nbf against the emulator clock (5 minutes skew), tenant.
   */
  verify(authorization: string | undefined, audience: string): Promise<TokenCheck>;
}
