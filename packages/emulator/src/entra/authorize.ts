/**
 * `/authorize`, the sign-in page it shows, the page's POST back (`/{tenant}/login`) and `/logout`.
 *
 * Errors about the client or its redirect URI are shown on a page (Entra never redirects to an
 * address it cannot trust); every other error goes back to the redirect URI in the requested
 * response mode with `error`, `error_description` and `error_uri`, and `state` echoed.
 */
import { defaultClientId } from "@pimkit/contracts";
import { decodeJwt } from "jose";
import type { EmuRequest, EmuResponse } from "../http/types";
import type { UserRecord } from "../state/model";
import { parseClaims } from "./claims";
import { type ClientApplication, findClient, redirectUriAllowed, type TenantResolution } from "./directory";
import { type EntraError, type ErrorIds, entraErrors, redirectErrorParams } from "./errors";
import type { AuthorizeRequest, PendingSignIn, SignInSession } from "./grants";
import { errorPage, formPostPage, messagePage, signInPage } from "./pages";
import { codeLifetimeMs, csrfCookie, type EntraRuntime, idsFor, pendingSignInLifetimeMs } from "./runtime";
import { parseScopes } from "./scopes";
import { type Approval, autoApproval, evaluateSignIn, mfaNeeded, type SignInNeeds } from "./sign-in";
import { base64url, formParams, parseCookies, randomToken, requestParams, safeEqual } from "./util";

type KnownTenant = Exclude<TenantResolution, { kind: "unknown" }>;

const promptValues = new Set(["login", "none", "consent", "select_account", "create"]);
const responseModes = new Set(["query", "fragment", "form_post"]);

/** The CSRF secret of this browser: reused when the cookie is there, else a new one to set. */
export function csrfSecret(req: EmuRequest): { value: string; setCookie?: string } {
  const existing = parseCookies(req.headers.cookie).get(csrfCookie);
  if (existing && /^[A-Za-z0-9_-]{32,}$/.test(existing)) return { value: existing };
  const value = randomToken(24);
  // Lax: sent on the top-level navigation that opens the page, never on a cross-site POST.
  return { value, setCookie: `${csrfCookie}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax` };
}

export function csrfValid(req: EmuRequest, field: string | null, expected: string): boolean {
  const cookie = parseCookies(req.headers.cookie).get(csrfCookie);
  return field !== null && cookie !== undefined && safeEqual(field, expected) && safeEqual(cookie, expected);
}

/** A browser POST must come from our own pages (or carry no Origin at all, as non-browser clients do). */
export function sameOriginPost(req: EmuRequest, publicBase: string): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === new URL(publicBase).origin;
}

export function clientInfo(oid: string, tid: string): string {
  return base64url(JSON.stringify({ uid: oid, utid: tid }));
}

function withHeader(res: EmuResponse, name: string, value: string | undefined): EmuResponse {
  if (value !== undefined) res.headers = { ...(res.headers ?? {}), [name]: value };
  return res;
}

/** Sends parameters to the app's redirect URI in its response mode. */
export function answerToRedirect(
  redirectUri: string,
  mode: AuthorizeRequest["responseMode"],
  params: ReadonlyArray<readonly [string, string]>,
): EmuResponse {
  if (mode === "form_post") return formPostPage(redirectUri, params);
  const encoded = new URLSearchParams(params.map(([k, v]) => [k, v])).toString();
  let location: string;
  if (mode === "fragment") {
    location = `${redirectUri.split("#")[0]}#${encoded}`;
  } else {
    const [beforeHash] = redirectUri.split("#");
    const base = beforeHash ?? redirectUri;
    location = `${base}${base.includes("?") ? "&" : "?"}${encoded}`;
  }
  return { status: 302, headers: { Location: location, "Cache-Control": "no-store, no-cache", Pragma: "no-cache" } };
}

function redirectError(
  request: { redirectUri: string; responseMode: AuthorizeRequest["responseMode"]; state?: string },
  e: EntraError,
  ids: ErrorIds,
): EmuResponse {
  const params = redirectErrorParams(e, ids);
  if (request.state !== undefined) params.push(["state", request.state]);
  return answerToRedirect(request.redirectUri, request.responseMode, params);
}

function needsOf(request: {
  claims: { acrs: string[] };
  mfaRequested: boolean;
  scopes: AuthorizeRequest["scopes"];
}): SignInNeeds {
  const first = request.scopes.resources[0];
  return {
    acrs: request.claims.acrs,
    mfa: request.mfaRequested,
    resourceAppId: first ? first.resource.appId : "00000003-0000-0000-c000-000000000000",
  };
}

/** Resolves `login_hint` (a upn, or the opaque hint our id_tokens carry) to a user. */
function hintedUser(rt: EntraRuntime, hint: string | undefined): UserRecord | undefined {
  if (!hint) return undefined;
  const state = rt.ctx().state;
  if (hint.startsWith("O.")) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(hint.slice(2), "base64url").toString("utf8"));
      const oid = parsed !== null && typeof parsed === "object" ? (parsed as { oid?: unknown }).oid : undefined;
      if (typeof oid === "string") return state.user(oid);
    } catch {
      return undefined;
    }
  }
  return state.userByUpn(hint);
}

export async function handleAuthorize(
  rt: EntraRuntime,
  req: EmuRequest,
  tenant: TenantResolution,
): Promise<EmuResponse> {
  const c = rt.ctx();
  const ids = idsFor(rt, req);
  if (tenant.kind === "unknown") {
    const e = entraErrors.tenantNotFound(tenant.segment);
    return errorPage(e.code, e.message, [["Trace ID", ids.traceId]]);
  }
  if (req.method !== "GET" && req.method !== "POST") {
    const e = entraErrors.methodNotAllowed("GET, POST", req.method);
    return errorPage(e.code, e.message, []);
  }
  const params = requestParams(req);
  const pageError = (e: EntraError, extra: Array<[string, string]> = []) =>
    errorPage(e.code, e.message, [...extra, ["Trace ID", ids.traceId], ["Correlation ID", ids.correlationId]]);

  const clientId = params.get("client_id");
  if (!clientId) return pageError(entraErrors.missingParameter("client_id"));
  const client = findClient(c.state, clientId);
  if (!client) return pageError(entraErrors.appNotFound(clientId, tenant.tenant.displayName), [["App", clientId]]);
  const redirectUri = params.get("redirect_uri");
  if (!redirectUri) return pageError(entraErrors.missingParameter("redirect_uri"));
  if (!redirectUriAllowed(client, redirectUri, c.publicBase)) {
    return pageError(entraErrors.redirectMismatch(redirectUri, client.clientId), [["Redirect URI", redirectUri]]);
  }

  const state = params.get("state") ?? undefined;
  const modeParam = params.get("response_mode") ?? "query";
  const back = {
    redirectUri,
    responseMode: "query" as AuthorizeRequest["responseMode"],
    ...(state !== undefined ? { state } : {}),
  };
  if (!responseModes.has(modeParam)) return redirectError(back, entraErrors.unsupportedResponseMode(modeParam), ids);
  back.responseMode = modeParam as AuthorizeRequest["responseMode"];

  const responseType = params.get("response_type");
  if (!responseType) return redirectError(back, entraErrors.missingParameter("response_type"), ids);
  if (responseType !== "code") return redirectError(back, entraErrors.unsupportedResponseType(responseType), ids);

  const scopeParam = params.get("scope");
  if (!scopeParam || scopeParam.trim() === "") return redirectError(back, entraErrors.missingParameter("scope"), ids);
  const scopes = parseScopes(scopeParam, tenant.tenant.displayName);
  if (!scopes.ok) return redirectError(back, scopes.error, ids);

  const challenge = params.get("code_challenge");
  if (!challenge) return redirectError(back, entraErrors.pkceRequired(), ids);
  const method = params.get("code_challenge_method") ?? "plain";
  if (method !== "S256") return redirectError(back, entraErrors.pkceMethodNotSupported(method), ids);
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return redirectError(back, entraErrors.pkceChallengeSize(), ids);

  const claims = parseClaims(params.get("claims"));
  if (!claims) return redirectError(back, entraErrors.invalidClaims(), ids);

  const prompt = params.get("prompt") ?? undefined;
  if (prompt !== undefined && !promptValues.has(prompt))
    return redirectError(back, entraErrors.invalidPrompt(prompt), ids);

  const amrValues = (params.get("amr_values") ?? "").toLowerCase().split(/[\s,]+/);
  const nonce = params.get("nonce") ?? undefined;
  const loginHint = params.get("login_hint") ?? undefined;
  const correlationId = params.get("client-request-id") ?? undefined;
  const request: AuthorizeRequest = {
    route: tenant.route,
    segment: req.path.split("/")[1] ?? tenant.route,
    tenantId: tenant.tenant.id,
    clientId: client.clientId,
    clientName: client.displayName,
    spa: client.spa,
    redirectUri,
    responseMode: back.responseMode,
    ...(state !== undefined ? { state } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
    scopes: scopes.scopes,
    codeChallenge: challenge,
    claims,
    clientInfo: params.get("client_info") === "1",
    mfaRequested: amrValues.includes("mfa") || amrValues.includes("ngcmfa"),
    ...(loginHint !== undefined ? { loginHint } : {}),
    ...(correlationId !== undefined ? { correlationId } : {}),
  };

  const auto = rt.autoSignIn();
  if (auto !== undefined) {
    const user = c.state.userByUpn(auto);
    if (!user) return pageError(entraErrors.unknownUser(tenant.tenant.displayName), [["autoSignIn", auto]]);
    return finishAuthorize(rt, request, user, autoApproval(user, needsOf(request)), ids);
  }
  if (prompt === "none") return redirectError(request, entraErrors.loginRequired(), ids);

  const csrf = csrfSecret(req);
  const pending: PendingSignIn = {
    id: randomToken(24),
    csrf: csrf.value,
    expiresAtMs: c.clock.nowMs() + pendingSignInLifetimeMs,
    kind: { type: "authorize", request },
  };
  rt.store.prune(c.clock.nowMs());
  rt.store.pending.set(pending.id, pending);
  return withHeader(renderSignIn(rt, pending, tenant), "Set-Cookie", csrf.setCookie);
}

/** The sign-in page for a pending authorize or device sign-in. */
export function renderSignIn(
  rt: EntraRuntime,
  pending: PendingSignIn,
  tenant: KnownTenant,
  error?: string,
): EmuResponse {
  const c = rt.ctx();
  const state = c.state;
  let appName: string;
  let acrs: readonly string[];
  let scopes: readonly string[];
  let needs: SignInNeeds;
  let selected: UserRecord | undefined;
  let redirectTarget: string | undefined;
  if (pending.kind.type === "authorize") {
    const r = pending.kind.request;
    appName = r.clientName;
    acrs = r.claims.acrs;
    scopes = r.scopes.raw.split(" ");
    needs = needsOf(r);
    selected = hintedUser(rt, r.loginHint);
    redirectTarget = r.redirectUri;
  } else {
    const grant = rt.store.devices.get(pending.kind.deviceCode);
    appName = grant?.clientName ?? "An application";
    acrs = grant?.claims.acrs ?? [];
    scopes = grant ? grant.scopes.raw.split(" ") : [];
    needs = { acrs, mfa: false, resourceAppId: grant?.scopes.resources[0]?.resource.appId ?? "" };
  }
  const contexts = acrs.map((id) => {
    const known = state.authContexts.find((a) => a.id === id);
    return { id, displayName: known?.displayName ?? id, description: known?.description ?? "" };
  });
  const mfaRequired = state.users.some((u) => mfaNeeded(state, u, needs));
  return signInPage({
    action: `${c.publicBase}/${encodeURIComponent(tenant.route)}/login`,
    transactionId: pending.id,
    csrf: pending.csrf,
    tenantName: tenant.tenant.displayName,
    appName,
    users: state.users,
    ...(selected ? { selectedOid: selected.oid } : {}),
    scopes,
    contexts,
    mfaRequired: needs.mfa || mfaRequired,
    ...(redirectTarget ? { redirectTarget } : {}),
    device: pending.kind.type === "device",
    ...(error ? { error } : {}),
  });
}

/** Ends an authorize request for a user: a code to the redirect URI, or the sign-in's error. */
export function finishAuthorize(
  rt: EntraRuntime,
  request: AuthorizeRequest,
  user: UserRecord,
  approval: Approval,
  ids: ErrorIds,
): EmuResponse {
  const c = rt.ctx();
  const outcome = evaluateSignIn(c.state, user, needsOf(request), approval);
  if (!outcome.ok) return redirectError(request, outcome.error, ids);
  const now = c.clock.nowMs();
  const session: SignInSession = {
    sid: c.newId(),
    oid: user.oid,
    tenantId: request.tenantId,
    amr: outcome.amr,
    acrs: outcome.acrs,
    authTimeMs: now,
  };
  const code = `1.${randomToken(48)}`;
  rt.store.prune(now);
  rt.store.codes.set(code, { code, request, session, expiresAtMs: now + codeLifetimeMs, redeemed: false });
  const params: Array<[string, string]> = [["code", code]];
  if (request.clientInfo) params.push(["client_info", clientInfo(user.oid, request.tenantId)]);
  if (request.state !== undefined) params.push(["state", request.state]);
  params.push(["session_state", session.sid]);
  return answerToRedirect(request.redirectUri, request.responseMode, params);
}

/** POST `/{tenant}/login`: the sign-in page's form. */
export async function handleLogin(rt: EntraRuntime, req: EmuRequest, tenant: KnownTenant): Promise<EmuResponse> {
  const c = rt.ctx();
  if (req.method !== "POST") return messagePage("Nothing to see here", "Start the sign-in from the application.", 405);
  if (!sameOriginPost(req, c.publicBase)) {
    return messagePage("Sign-in refused", "The sign-in form was sent from another site.", 403);
  }
  const form = formParams(req);
  const id = form.get("transaction") ?? "";
  const pending = rt.store.pending.get(id);
  if (!pending || pending.expiresAtMs <= c.clock.nowMs()) {
    return messagePage("This sign-in has expired", "Start the sign-in again from the application.", 400);
  }
  if (!csrfValid(req, form.get("csrf"), pending.csrf)) {
    return messagePage("Sign-in refused", "The sign-in form could not be verified. Start the sign-in again.", 403);
  }
  const cancelled = form.get("action") === "cancel";
  const user = cancelled ? undefined : c.state.user(form.get("user") ?? "");
  if (!cancelled && !user) return renderSignIn(rt, pending, tenant, "Choose an account.");
  rt.store.pending.delete(id);
  const approval: Approval = { mfa: form.get("mfa") === "approve", contexts: form.getAll("context") };
  const ids = idsFor(rt, req);

  if (pending.kind.type === "authorize") {
    const request = pending.kind.request;
    if (cancelled || !user) return redirectError(request, entraErrors.userCancelled(), ids);
    return finishAuthorize(rt, request, user, approval, ids);
  }

  const grant = rt.store.devices.get(pending.kind.deviceCode);
  if (grant?.status !== "pending" || grant.expiresAtMs <= c.clock.nowMs()) {
    return messagePage("This code has expired", "Start the sign-in again on your other device.", 400);
  }
  if (cancelled || !user) {
    grant.status = "declined";
    return messagePage("Sign-in cancelled", "You cancelled the sign-in. You can close this window.");
  }
  const outcome = evaluateSignIn(
    c.state,
    user,
    { acrs: grant.claims.acrs, mfa: false, resourceAppId: grant.scopes.resources[0]?.resource.appId ?? "" },
    approval,
  );
  if (!outcome.ok) {
    grant.status = "failed";
    grant.failure = outcome.error;
    return messagePage("Sign-in failed", `AADSTS${outcome.error.code}: ${outcome.error.message}`, 400);
  }
  grant.status = "approved";
  grant.session = {
    sid: c.newId(),
    oid: user.oid,
    tenantId: grant.tenantId,
    amr: outcome.amr,
    acrs: outcome.acrs,
    authTimeMs: c.clock.nowMs(),
  };
  return messagePage(
    "You are signed in",
    `You have signed in to ${grant.clientName} on your other device as ${user.upn}. You can close this window.`,
  );
}

/** `/logout`: back to a registered post-logout URI, else a page. */
export function handleLogout(rt: EntraRuntime, req: EmuRequest, tenant: TenantResolution): EmuResponse {
  const c = rt.ctx();
  const params = requestParams(req);
  const target = params.get("post_logout_redirect_uri");
  const signedOut = messagePage(
    "You are signed out",
    "You have signed out of the local tenant. You can close this window.",
  );
  if (!target || tenant.kind === "unknown") return signedOut;
  const clients: ClientApplication[] = [];
  let clientId = params.get("client_id") ?? undefined;
  const hint = params.get("id_token_hint");
  if (!clientId && hint) {
    try {
      const aud = decodeJwt(hint).aud;
      clientId = typeof aud === "string" ? aud : undefined;
    } catch {
      clientId = undefined;
    }
  }
  if (clientId) {
    const one = findClient(c.state, clientId);
    if (one) clients.push(one);
  } else {
    for (const app of c.state.apps) {
      const one = findClient(c.state, app.clientId);
      if (one) clients.push(one);
    }
    const fallback = findClient(c.state, defaultClientId);
    if (fallback) clients.push(fallback);
  }
  if (!clients.some((app) => redirectUriAllowed(app, target, c.publicBase))) {
    return messagePage(
      "You are signed out",
      "You have signed out of the local tenant. The address to return to is not registered for the application, so you stay here.",
    );
  }
  const state = params.get("state");
  const location =
    state !== null ? `${target}${target.includes("?") ? "&" : "?"}state=${encodeURIComponent(state)}` : target;
  return { status: 302, headers: { Location: location, "Cache-Control": "no-store, no-cache" } };
}
