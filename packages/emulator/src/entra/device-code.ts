/**
 * Device code flow: `POST /{tenant}/oauth2/v2.0/devicecode` (answer shape from Microsoft's
 * v2-oauth2-device-code.md: user_code, device_code, verification_uri, expires_in, interval,
 * message; no verification_uri_complete) and the page where the user enters the code, then signs
 * in through the same sign-in page as /authorize. `interval` is 1 s so clients poll quickly.
 */
import { randomInt } from "node:crypto";
import type { EmuRequest, EmuResponse } from "../http/types";
import { json } from "../http/types";
import { csrfSecret, csrfValid, renderSignIn, sameOriginPost } from "./authorize";
import { parseClaims } from "./claims";
import { findClient, type TenantResolution } from "./directory";
import { entraErrors, tokenErrorResponse } from "./errors";
import type { DeviceGrant, PendingSignIn } from "./grants";
import { deviceCodeEntryPage, messagePage } from "./pages";
import { deviceCodeLifetimeSeconds, type EntraRuntime, idsFor, pendingSignInLifetimeMs } from "./runtime";
import { parseScopes } from "./scopes";
import { formParams, preflight, randomToken, withCors } from "./util";

const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ23456789";

function newUserCode(taken: (code: string) => boolean): string {
  for (;;) {
    let code = "";
    for (let i = 0; i < 9; i++) code += userCodeAlphabet[randomInt(userCodeAlphabet.length)];
    if (!taken(code)) return code;
  }
}

export function deviceVerificationUri(publicBase: string): string {
  return `${publicBase}/common/oauth2/deviceauth`;
}

export async function handleDeviceCode(
  rt: EntraRuntime,
  req: EmuRequest,
  tenant: TenantResolution,
): Promise<EmuResponse> {
  if (req.method === "OPTIONS") return preflight(req, "POST, OPTIONS");
  const ids = idsFor(rt, req);
  const fail = (e: Parameters<typeof tokenErrorResponse>[0]) => tokenErrorResponse(e, ids);
  if (req.method !== "POST") return fail(entraErrors.methodNotAllowed("POST, OPTIONS", req.method));
  if (tenant.kind === "unknown") return fail(entraErrors.tenantNotFound(tenant.segment));
  const c = rt.ctx();
  const params = formParams(req);
  const clientId = params.get("client_id");
  if (!clientId) return fail(entraErrors.missingParameter("client_id"));
  const client = findClient(c.state, clientId);
  if (!client) return fail(entraErrors.appNotFound(clientId, tenant.tenant.displayName));
  const scope = params.get("scope");
  if (!scope || scope.trim() === "") return fail(entraErrors.missingParameter("scope"));
  const scopes = parseScopes(scope, tenant.tenant.displayName);
  if (!scopes.ok) return fail(scopes.error);
  const claims = parseClaims(params.get("claims"));
  if (!claims) return fail(entraErrors.invalidClaims());
  const now = c.clock.nowMs();
  rt.store.prune(now);
  const live = new Set([...rt.store.devices.values()].filter((d) => d.expiresAtMs > now).map((d) => d.userCode));
  const userCode = newUserCode((code) => live.has(code));
  const grant: DeviceGrant = {
    deviceCode: `DAQAB${randomToken(48)}`,
    userCode,
    route: tenant.route,
    segment: req.path.split("/")[1] ?? tenant.route,
    tenantId: tenant.tenant.id,
    clientId: client.clientId,
    clientName: client.displayName,
    scopes: scopes.scopes,
    claims,
    expiresAtMs: now + deviceCodeLifetimeSeconds * 1000,
    status: "pending",
  };
  rt.store.devices.set(grant.deviceCode, grant);
  const uri = deviceVerificationUri(c.publicBase);
  return withCors(
    json(200, {
      user_code: userCode,
      device_code: grant.deviceCode,
      verification_uri: uri,
      expires_in: deviceCodeLifetimeSeconds,
      interval: 1,
      message: `To sign in, use a web browser to open the page ${uri} and enter the code ${userCode} to authenticate.`,
    }),
  );
}

/** GET: the code entry form; POST: the code → the sign-in page for that device's request. */
export async function handleDeviceAuth(
  rt: EntraRuntime,
  req: EmuRequest,
  tenant: TenantResolution,
): Promise<EmuResponse> {
  const c = rt.ctx();
  if (tenant.kind === "unknown")
    return messagePage("Unknown tenant", `The tenant '${tenant.segment}' does not exist here.`, 400);
  const action = `${c.publicBase}/${encodeURIComponent(tenant.route)}/oauth2/deviceauth`;
  const csrf = csrfSecret(req);
  const entry = (error?: string) => {
    const res = deviceCodeEntryPage({ action, csrf: csrf.value, ...(error ? { error } : {}) });
    if (csrf.setCookie) res.headers = { ...(res.headers ?? {}), "Set-Cookie": csrf.setCookie };
    return res;
  };
  if (req.method === "GET") return entry();
  if (req.method !== "POST") return messagePage("Not allowed", "Use the form on this page.", 405);
  if (!sameOriginPost(req, c.publicBase)) return messagePage("Refused", "The form was sent from another site.", 403);
  const form = formParams(req);
  if (!csrfValid(req, form.get("csrf"), csrf.value)) {
    return messagePage("Refused", "The form could not be verified. Open the page again.", 403);
  }
  const typed = (form.get("user_code") ?? "").toUpperCase().replace(/[^A-Z0-9]/g, "");
  const now = c.clock.nowMs();
  const grant = [...rt.store.devices.values()].find((d) => d.userCode === typed);
  if (!grant || grant.expiresAtMs <= now || grant.status !== "pending") {
    return entry("That code is not valid or has expired. Check the code and try again.");
  }
  const pending: PendingSignIn = {
    id: randomToken(24),
    csrf: csrf.value,
    expiresAtMs: Math.min(now + pendingSignInLifetimeMs, grant.expiresAtMs),
    kind: { type: "device", deviceCode: grant.deviceCode },
  };
  rt.store.pending.set(pending.id, pending);
  return renderSignIn(rt, pending, tenant);
}
