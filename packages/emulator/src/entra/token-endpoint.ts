/**
 * `POST /{tenant}/oauth2/v2.0/token`: authorization_code (single use, PKCE S256, redirect URI and
 * client bound), refresh_token (rotates; multi-resource as Entra's are; a claims request for
 * contexts the sign-in did not satisfy → interaction_required), device_code (MSAL sends the short
 * `device_code`; the protocol's URN is accepted too).
 */
import type { EmuRequest, EmuResponse } from "../http/types";
import { json } from "../http/types";
import type { UserRecord } from "../state/model";
import { clientInfo } from "./authorize";
import { type ClaimsRequest, mergeCapabilities, parseClaims } from "./claims";
import { type ClientApplication, findClient, type TenantResolution } from "./directory";
import { type EntraError, type ErrorIds, entraErrors, tokenErrorResponse } from "./errors";
import type { SignInSession } from "./grants";
import { type EntraRuntime, idsFor, refreshLifetimeMs, spaRefreshLifetimeMs } from "./runtime";
import { grantedScopes, type ParsedScopes, parseScopes, singleResource } from "./scopes";
import { autoApproval, evaluateSignIn } from "./sign-in";
import { entraTimestamp, formParams, preflight, randomToken, safeEqual, sha256Base64url, withCors } from "./util";

type Fail = { ok: false; error: EntraError };

interface IssueInput {
  tenantId: string;
  user: UserRecord;
  client: ClientApplication;
  session: SignInSession;
  scopes: ParsedScopes;
  claims: ClaimsRequest;
  /** Capabilities declared at authorize (code redemption) on top of this request's. */
  earlierCapabilities?: readonly string[];
  nonce?: string;
  clientInfo: boolean;
}

/** Tokens for one resource, the refresh token that keeps the session going, and the JSON answer. */
async function issue(rt: EntraRuntime, input: IssueInput, ids: ErrorIds): Promise<EmuResponse> {
  const c = rt.ctx();
  const resource = singleResource(input.scopes);
  if (!resource.ok) return tokenErrorResponse(resource.error, ids);
  const missing = input.claims.acrs.filter((a) => !input.session.acrs.includes(a));
  if (missing.length > 0 && input.claims.raw !== undefined) {
    return tokenErrorResponse(entraErrors.stepUpRequired(resource.value.resource.appId, input.claims.raw), ids);
  }
  const settings = c.state.settings;
  const lifetime = settings.tokenLifetimeSeconds > 0 ? settings.tokenLifetimeSeconds : 3600;
  const capabilities = mergeCapabilities(input.claims.capabilities, input.earlierCapabilities ?? []);
  const cp1 = capabilities.includes("cp1");
  const acrs = settings.requireCp1ForAcrs && !cp1 ? [] : input.session.acrs;
  const { scp, responseScope } = grantedScopes(resource.value, input.scopes.oidc, input.client.record);
  const now = c.clock.nowMs();
  const accessToken = await rt.tokens.mintAccessToken({
    tenantId: input.tenantId,
    user: input.user,
    clientId: input.client.clientId,
    audience: resource.value.audience,
    scp,
    amr: input.session.amr,
    acrs,
    xmsCc: capabilities,
    sid: input.session.sid,
    issuedAtMs: now,
    lifetimeSeconds: lifetime,
  });
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: responseScope,
    expires_in: lifetime,
    ext_expires_in: lifetime,
  };
  // Entra adds refresh_in to long-lived tokens only: the client renews at half-life.
  if (lifetime >= 7200) body.refresh_in = Math.floor(lifetime / 2);
  body.access_token = accessToken;
  if (input.scopes.oidc.includes("offline_access")) {
    const token = `1.${randomToken(64)}`;
    rt.store.refresh.set(token, {
      token,
      clientId: input.client.clientId,
      spa: input.client.spa,
      session: input.session,
      issuedAtMs: now,
      expiresAtMs: input.client.spa ? input.session.authTimeMs + spaRefreshLifetimeMs : now + refreshLifetimeMs,
    });
    body.refresh_token = token;
  }
  if (input.scopes.oidc.includes("openid")) {
    body.id_token = await rt.tokens.mintIdToken({
      tenantId: input.tenantId,
      user: input.user,
      clientId: input.client.clientId,
      ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
      sid: input.session.sid,
      issuedAtMs: now,
      authTimeMs: input.session.authTimeMs,
    });
  }
  if (input.clientInfo) body.client_info = clientInfo(input.user.oid, input.tenantId);
  return withCors(json(200, body, { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" }));
}

function scopesOf(params: URLSearchParams, tenantName: string): { ok: true; value: ParsedScopes } | Fail {
  const raw = params.get("scope");
  if (raw === null || raw.trim() === "") return { ok: false, error: entraErrors.missingParameter("scope") };
  const parsed = parseScopes(raw, tenantName);
  return parsed.ok ? { ok: true, value: parsed.scopes } : parsed;
}

export async function handleToken(rt: EntraRuntime, req: EmuRequest, tenant: TenantResolution): Promise<EmuResponse> {
  if (req.method === "OPTIONS") return preflight(req, "POST, OPTIONS");
  const ids = idsFor(rt, req);
  const fail = (e: EntraError) => tokenErrorResponse(e, ids);
  if (req.method !== "POST") return fail(entraErrors.methodNotAllowed("POST, OPTIONS", req.method));
  if (tenant.kind === "unknown") return fail(entraErrors.tenantNotFound(tenant.segment));
  const c = rt.ctx();
  const params = formParams(req);
  const grantType = params.get("grant_type");
  if (!grantType) return fail(entraErrors.missingParameter("grant_type"));
  const clientId = params.get("client_id");
  if (!clientId) return fail(entraErrors.missingParameter("client_id"));
  const client = findClient(c.state, clientId);
  if (!client) return fail(entraErrors.appNotFound(clientId, tenant.tenant.displayName));
  if (params.has("client_secret") || params.has("client_assertion")) return fail(entraErrors.publicClientWithSecret());
  const claims = parseClaims(params.get("claims"));
  if (!claims) return fail(entraErrors.invalidClaims());
  const wantsClientInfo = params.get("client_info") === "1";
  const now = c.clock.nowMs();

  const userOf = (session: SignInSession) => c.state.user(session.oid);

  if (grantType === "authorization_code") {
    const code = params.get("code");
    if (!code) return fail(entraErrors.missingParameter("code"));
    const redirectUri = params.get("redirect_uri");
    if (!redirectUri) return fail(entraErrors.missingParameter("redirect_uri"));
    const grant = rt.store.codes.get(code);
    if (!grant) return fail(entraErrors.invalidCode());
    if (grant.redeemed) return fail(entraErrors.codeRedeemed());
    // Any redemption attempt uses the code up, as a failed one may be an attacker's.
    grant.redeemed = true;
    if (grant.expiresAtMs <= now) return fail(entraErrors.codeExpired());
    const r = grant.request;
    if (r.clientId.toLowerCase() !== client.clientId.toLowerCase()) return fail(entraErrors.codeOtherClient());
    if (r.route !== tenant.route) return fail(entraErrors.codeOtherTenant());
    if (r.redirectUri !== redirectUri) return fail(entraErrors.replyMismatch(redirectUri, r.redirectUri));
    if (r.spa && !req.headers.origin) return fail(entraErrors.spaRequiresOrigin());
    const verifier = params.get("code_verifier");
    if (!verifier || !safeEqual(sha256Base64url(verifier), r.codeChallenge)) return fail(entraErrors.pkceMismatch());
    const user = userOf(grant.session);
    if (!user) return fail(entraErrors.unknownUser(tenant.tenant.displayName));
    const scopes = scopesOf(params, tenant.tenant.displayName);
    if (!scopes.ok) return fail(scopes.error.code === 900144 ? entraErrors.emptyScope() : scopes.error);
    return issue(
      rt,
      {
        tenantId: grant.session.tenantId,
        user,
        client,
        session: grant.session,
        scopes: scopes.value,
        claims,
        earlierCapabilities: r.claims.capabilities,
        ...(r.nonce !== undefined ? { nonce: r.nonce } : {}),
        clientInfo: wantsClientInfo,
      },
      ids,
    );
  }

  if (grantType === "refresh_token") {
    const token = params.get("refresh_token");
    if (!token) return fail(entraErrors.missingParameter("refresh_token"));
    const grant = rt.store.refresh.get(token);
    if (!grant) return fail(entraErrors.invalidRefreshToken());
    if (grant.clientId.toLowerCase() !== client.clientId.toLowerCase())
      return fail(entraErrors.refreshTokenOtherClient());
    if (grant.spa && !req.headers.origin) return fail(entraErrors.spaRequiresOrigin());
    if (grant.expiresAtMs <= now) {
      const issued = entraTimestamp(new Date(grant.issuedAtMs));
      return fail(grant.spa ? entraErrors.spaRefreshTokenExpired(issued) : entraErrors.refreshTokenExpired(issued));
    }
    const user = userOf(grant.session);
    if (!user) return fail(entraErrors.unknownUser(tenant.tenant.displayName));
    const scopes = scopesOf(params, tenant.tenant.displayName);
    if (!scopes.ok) return fail(scopes.error);
    return issue(
      rt,
      {
        tenantId: grant.session.tenantId,
        user,
        client,
        session: grant.session,
        scopes: scopes.value,
        claims,
        clientInfo: wantsClientInfo,
      },
      ids,
    );
  }

  if (grantType === "device_code" || grantType === "urn:ietf:params:oauth:grant-type:device_code") {
    const deviceCode = params.get("device_code");
    if (!deviceCode) return fail(entraErrors.missingParameter("device_code"));
    const grant = rt.store.devices.get(deviceCode);
    if (!grant || grant.clientId.toLowerCase() !== client.clientId.toLowerCase())
      return fail(entraErrors.badDeviceCode());
    if (grant.status === "redeemed") return fail(entraErrors.deviceCodeUsed());
    if (grant.expiresAtMs <= now) return fail(entraErrors.deviceCodeExpired());
    const auto = rt.autoSignIn();
    if (grant.status === "pending" && auto !== undefined) {
      const user = c.state.userByUpn(auto);
      if (!user) return fail(entraErrors.unknownUser(tenant.tenant.displayName));
      const needs = {
        acrs: grant.claims.acrs,
        mfa: false,
        resourceAppId: grant.scopes.resources[0]?.resource.appId ?? "",
      };
      const outcome = evaluateSignIn(c.state, user, needs, autoApproval(user, needs));
      if (outcome.ok) {
        grant.status = "approved";
        grant.session = {
          sid: c.newId(),
          oid: user.oid,
          tenantId: grant.tenantId,
          amr: outcome.amr,
          acrs: outcome.acrs,
          authTimeMs: now,
        };
      } else {
        grant.status = "failed";
        grant.failure = outcome.error;
      }
    }
    if (grant.status === "pending") return fail(entraErrors.authorizationPending());
    if (grant.status === "declined") return fail(entraErrors.deviceCodeDeclined());
    if (grant.status === "failed" || !grant.session) {
      grant.status = "redeemed";
      return fail(asTokenEndpointError(grant.failure ?? entraErrors.deviceCodeDeclined()));
    }
    grant.status = "redeemed";
    const user = userOf(grant.session);
    if (!user) return fail(entraErrors.unknownUser(tenant.tenant.displayName));
    const scopeParam = params.get("scope");
    let scopes = grant.scopes;
    if (scopeParam && scopeParam.trim() !== "") {
      const parsed = parseScopes(scopeParam, tenant.tenant.displayName);
      if (!parsed.ok) return fail(parsed.error);
      scopes = parsed.scopes;
    }
    return issue(
      rt,
      {
        tenantId: grant.session.tenantId,
        user,
        client,
        session: grant.session,
        scopes,
        claims,
        earlierCapabilities: grant.claims.capabilities,
        clientInfo: wantsClientInfo,
      },
      ids,
    );
  }

  return fail(entraErrors.unsupportedGrantType(grantType));
}

/**
 * A Conditional Access failure seen at the token endpoint (device code polls): Entra answers
 * `interaction_required`, with `suberror: message_only` for a block (recorded AADSTS53003 body,
 * dafthack/MSOLSpray issue #5).
 */
function asTokenEndpointError(e: EntraError): EntraError {
  if (e.code === 53003) return { ...e, error: "interaction_required", suberror: "message_only" };
  if (e.code === 50079 || e.code === 50074) return { ...e, error: "interaction_required" };
  return e;
}
