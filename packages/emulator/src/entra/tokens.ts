/**
 * Minting and checking tokens.
 *
 * Access tokens for Graph and ARM are v1.0-format tokens whatever endpoint issued them (first-party
 * resources): `iss https://sts.windows.net/<tid>/`, `ver "1.0"`, `appid`, `upn`, `unique_name`,
 * `amr`, `acr "1"`, `scp`, `idtyp "user"`, plus `acrs` (satisfied authentication contexts) and
 * `xms_cc` (client capabilities) — pim-api.md §H.6 and Microsoft's access-token claims reference.
 * ID tokens are v2.0 (`iss <authority>/<tid>/v2.0`, `aud` = client id, `nonce` only when the
 * authorize request had one, since MSAL rejects an unexpected nonce).
 */
import { createHmac, randomBytes } from "node:crypto";
import { compactVerify, decodeProtectedHeader, type JWTPayload } from "jose";
import type { EmulatorContext } from "../context";
import type { UserRecord } from "../state/model";
import type { SigningKeys } from "./keys";
import { audienceMatches } from "./scopes";
import type { AccessTokenClaims, TokenCheck, TokenVerifier } from "./types";
import { base64url } from "./util";

/** Built-in "User" directory role template: every member's token lists it in `wids`. */
const memberRoleTemplateId = "b79fbf4d-3ef9-4689-8143-76b194e85509";
/** Clock skew accepted on `exp` / `nbf`, as Microsoft's token validation libraries default to. */
const skewSeconds = 300;
/** Tokens whose signature was checked, remembered so the same token is not RSA-verified on every request. */
const signatureCacheSize = 256;

export interface AccessTokenInput {
  tenantId: string;
  user: UserRecord;
  clientId: string;
  audience: string;
  scp: readonly string[];
  amr: readonly string[];
  acrs: readonly string[];
  xmsCc: readonly string[];
  /** Session id shared by the tokens of one sign-in. */
  sid?: string;
  issuedAtMs: number;
  lifetimeSeconds: number;
  forge?: boolean;
}

export interface IdTokenInput {
  tenantId: string;
  user: UserRecord;
  clientId: string;
  nonce?: string;
  sid: string;
  issuedAtMs: number;
  authTimeMs: number;
}

export interface TokenService {
  mintAccessToken(input: AccessTokenInput): Promise<string>;
  mintIdToken(input: IdTokenInput): Promise<string>;
  verifier: TokenVerifier;
  /** `sub`: pairwise per user and client, stable for the emulator's lifetime. */
  pairwiseSubject(oid: string, clientId: string): string;
  /** The opaque `login_hint` claim msal-browser sends back on later authorize requests. */
  loginHint(user: UserRecord, tenantId: string): string;
}

export function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export function v2Issuer(publicBase: string, tenantId: string): string {
  return `${publicBase}/${tenantId}/v2.0`;
}

function opaque(bytes: number): string {
  return base64url(randomBytes(bytes));
}

export function createTokenService(ctx: () => EmulatorContext, keys: SigningKeys): TokenService {
  // Salt for pairwise subjects; a new one per start is fine (accounts are keyed by client_info).
  const salt = randomBytes(32);
  const pairwiseSubject = (oid: string, clientId: string) =>
    createHmac("sha256", salt).update(`${oid}|${clientId.toLowerCase()}`).digest("base64url");

  const directoryRoleIds = (oid: string): string[] => {
    const ids = new Set<string>();
    for (const a of ctx().state.assignments({ plane: "directoryRole", principalId: oid })) {
      if (a.target.plane === "directoryRole" && a.target.directoryScopeId === "/") ids.add(a.target.roleDefinitionId);
    }
    ids.add(memberRoleTemplateId);
    return [...ids];
  };

  const loginHint = (user: UserRecord, tenantId: string) =>
    `O.${base64url(JSON.stringify({ oid: user.oid, tid: tenantId, upn: user.upn }))}`;

  const mintAccessToken = async (input: AccessTokenInput): Promise<string> => {
    const iat = Math.floor(input.issuedAtMs / 1000);
    const exp = iat + input.lifetimeSeconds;
    // An expired token must still look issued in the past, with a sane lifetime.
    const issued = input.lifetimeSeconds > 0 ? iat : exp - 3600;
    const payload: JWTPayload & Record<string, unknown> = {
      aud: input.audience,
      iss: v1Issuer(input.tenantId),
      iat: issued,
      nbf: issued,
      exp,
      acr: "1",
      ...(input.acrs.length > 0 ? { acrs: [...input.acrs] } : {}),
      aio: opaque(36),
      amr: [...input.amr],
      appid: input.clientId,
      appidacr: "0",
      idtyp: "user",
      ipaddr: "127.0.0.1",
      name: input.user.displayName,
      oid: input.user.oid,
      rh: `1.${opaque(40)}.`,
      scp: input.scp.join(" "),
      sid: input.sid ?? ctx().newId(),
      sub: pairwiseSubject(input.user.oid, input.clientId),
      tid: input.tenantId,
      unique_name: input.user.upn,
      upn: input.user.upn,
      uti: opaque(16),
      ver: "1.0",
      wids: directoryRoleIds(input.user.oid),
      ...(input.xmsCc.length > 0 ? { xms_cc: [...input.xmsCc] } : {}),
    };
    return keys.sign(payload, { forge: input.forge === true });
  };

  const mintIdToken = async (input: IdTokenInput): Promise<string> => {
    const iat = Math.floor(input.issuedAtMs / 1000);
    const payload: JWTPayload & Record<string, unknown> = {
      aud: input.clientId,
      iss: v2Issuer(ctx().publicBase, input.tenantId),
      iat,
      nbf: iat,
      exp: iat + 3600,
      aio: opaque(36),
      auth_time: Math.floor(input.authTimeMs / 1000),
      login_hint: loginHint(input.user, input.tenantId),
      name: input.user.displayName,
      ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
      oid: input.user.oid,
      preferred_username: input.user.upn,
      rh: `1.${opaque(40)}.`,
      sid: input.sid,
      sub: pairwiseSubject(input.user.oid, input.clientId),
      tid: input.tenantId,
      uti: opaque(16),
      ver: "2.0",
    };
    return keys.sign(payload);
  };

  const signatureChecked = new Map<string, Record<string, unknown>>();
  const verifier: TokenVerifier = {
    async verify(authorization, audience): Promise<TokenCheck> {
      if (!authorization) return fail("missing", "The request carries no Authorization header.");
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const jwt = match?.[1];
      if (!jwt) return fail("missing", "The Authorization header is not a Bearer token.");
      let header: ReturnType<typeof decodeProtectedHeader>;
      try {
        header = decodeProtectedHeader(jwt);
      } catch {
        return fail("malformed", "The bearer token is not a JWT.");
      }
      if (jwt.split(".").length !== 3) return fail("malformed", "The bearer token is not a JWT.");
      if (header.alg !== "RS256" || header.kid !== keys.kid) {
        return fail("bad_signature", "The token is not signed by a key of the local tenant.");
      }
      // The signature covers the whole compact string, so an identical string verified before needs
      // no second RSA check; every other check below still runs on each call.
      let payload = signatureChecked.get(jwt);
      if (!payload) {
        try {
          const verified = await compactVerify(jwt, keys.publicKey);
          const parsed: unknown = JSON.parse(new TextDecoder().decode(verified.payload));
          if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
            return fail("malformed", "The token payload is not a JSON object.");
          }
          payload = parsed as Record<string, unknown>;
        } catch {
          return fail("bad_signature", "The token signature is invalid.");
        }
        if (signatureChecked.size >= signatureCacheSize) {
          const oldest = signatureChecked.keys().next().value;
          if (oldest !== undefined) signatureChecked.delete(oldest);
        }
        signatureChecked.set(jwt, payload);
      }
      const claims = readClaims(payload);
      if (!claims) return fail("malformed", "The token lacks required claims.");
      const c = ctx();
      const tenants = [c.state.tenant.id, ...c.state.guestTenants.map((t) => t.id)].map((t) => t.toLowerCase());
      if (!tenants.includes(claims.tid.toLowerCase())) {
        return fail("wrong_tenant", `The token was issued for tenant '${claims.tid}', not this tenant.`);
      }
      if (claims.iss !== v1Issuer(claims.tid))
        return fail("wrong_issuer", `The token issuer '${claims.iss}' is not accepted.`);
      if (!audienceMatches(claims.aud, audience)) {
        return fail("wrong_audience", `The token audience '${claims.aud}' is not '${audience}'.`);
      }
      const now = Math.floor(c.clock.nowMs() / 1000);
      if (now >= claims.exp + skewSeconds) return fail("expired", "The token is expired.");
      if (now < claims.nbf - skewSeconds) return fail("not_yet_valid", "The token is not yet valid.");
      return { ok: true, claims };
    },
  };

  return { mintAccessToken, mintIdToken, verifier, pairwiseSubject, loginHint };
}

function fail(failure: Extract<TokenCheck, { ok: false }>["failure"], message: string): TokenCheck {
  return { ok: false, failure, message };
}

function str(payload: Record<string, unknown>, key: string): string | undefined {
  const v = payload[key];
  return typeof v === "string" ? v : undefined;
}

function num(payload: Record<string, unknown>, key: string): number | undefined {
  const v = payload[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function list(payload: Record<string, unknown>, key: string): string[] {
  const v = payload[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function readClaims(p: Record<string, unknown>): AccessTokenClaims | undefined {
  const aud = str(p, "aud");
  const iss = str(p, "iss");
  const tid = str(p, "tid");
  const oid = str(p, "oid");
  const sub = str(p, "sub");
  const appid = str(p, "appid") ?? str(p, "azp");
  const iat = num(p, "iat");
  const nbf = num(p, "nbf") ?? iat;
  const exp = num(p, "exp");
  if (!aud || !iss || !tid || !oid || !sub || !appid || iat === undefined || nbf === undefined || exp === undefined) {
    return undefined;
  }
  const scp = str(p, "scp");
  return {
    aud,
    iss,
    tid,
    oid,
    sub,
    upn: str(p, "upn") ?? str(p, "unique_name") ?? "",
    name: str(p, "name") ?? "",
    appid,
    scp: scp ? scp.split(" ").filter((s) => s.length > 0) : [],
    amr: list(p, "amr"),
    acrs: list(p, "acrs"),
    xmsCc: list(p, "xms_cc"),
    iat,
    nbf,
    exp,
  };
}
