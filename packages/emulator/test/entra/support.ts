/**
 * Raw-HTTP helpers for the sign-in surface tests: PKCE, authorize URLs, token requests, reading
 * answers. Kept independent of the testkit so these tests pin the wire, not a client.
 */
import { createHash, randomBytes } from "node:crypto";
import { createEmulator, type Emulator, type EmulatorOptions } from "../../src/index";
import { demoScenario } from "../../src/scenario/demo";

export const defaultClient = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
export const admin = "alex.morgan@contoso.example.com";
export const limited = "sam.lindqvist@contoso.example.com";
export const noMfa = "noel.plain@contoso.example.com";
export const hostile = "mallory@contoso.example.com";
export const spaClient = "5b0c3a4e-0f36-4f11-9c57-2f1f6b0a9e21";
export const webClient = "8d4c2a91-6a7e-4b7b-8e59-3a0f3c1f7d10";
export const graphRead = "https://graph.microsoft.com/RoleEligibilitySchedule.Read.Directory";
export const armScope = "https://management.azure.com/user_impersonation";

/** The demo tenant plus a user without MFA, a user with a hostile display name, and two apps. */
export function testScenario(): object {
  const base = demoScenario();
  return {
    ...base,
    users: [
      ...base.users,
      { upn: noMfa, displayName: "Noel Plain", canMfa: false, contexts: [] },
      { upn: hostile, displayName: `<script>alert("x")</script> & "Mallory"`, canMfa: true, contexts: ["c1"] },
    ],
    apps: [
      { clientId: spaClient, displayName: "Portal <SPA>", redirectUris: ["https://app.example.com/"], spa: true },
      {
        clientId: webClient,
        displayName: "Tool",
        redirectUris: ["https://tool.example.com/cb", "http://localhost"],
        spa: false,
      },
    ],
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return createEmulator({ listen: false, scenario: testScenario(), ...options });
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export interface AuthorizeParams {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  responseMode?: string;
  state?: string;
  nonce?: string;
  challenge?: string;
  method?: string | null;
  claims?: string;
  prompt?: string;
  extra?: Record<string, string>;
  tenant?: string;
}

export function authorizeUrl(emu: Emulator, p: AuthorizeParams = {}): string {
  const q = new URLSearchParams({
    client_id: p.clientId ?? defaultClient,
    response_type: "code",
    redirect_uri: p.redirectUri ?? "http://localhost:53123",
    scope: p.scope ?? `${graphRead} openid profile offline_access`,
    response_mode: p.responseMode ?? "query",
    state: p.state ?? "st-1",
    code_challenge: p.challenge ?? pkce().challenge,
    client_info: "1",
  });
  if (p.method !== null) q.set("code_challenge_method", p.method ?? "S256");
  if (p.nonce) q.set("nonce", p.nonce);
  if (p.claims) q.set("claims", p.claims);
  if (p.prompt) q.set("prompt", p.prompt);
  for (const [k, v] of Object.entries(p.extra ?? {})) q.set(k, v);
  return `${emu.url}/${p.tenant ?? emu.tenantId}/oauth2/v2.0/authorize?${q.toString()}`;
}

/** Params of a 302 answer (query or fragment). */
export function redirectParams(res: Response): URLSearchParams {
  const location = res.headers.get("location");
  if (!location) throw new Error(`no Location (status ${res.status})`);
  const hash = location.indexOf("#");
  return hash >= 0 ? new URLSearchParams(location.slice(hash + 1)) : new URL(location).searchParams;
}

export async function token(
  emu: Emulator,
  body: Record<string, string>,
  headers: Record<string, string> = {},
  tenant?: string,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await emu.fetch(`${emu.url}/${tenant ?? emu.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(body).toString(),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** Runs authorize (autoSignIn must be on) and returns the code with the PKCE verifier. */
export async function codeFor(
  emu: Emulator,
  p: AuthorizeParams = {},
): Promise<{ code: string; verifier: string; redirectUri: string; params: URLSearchParams }> {
  const { verifier, challenge } = pkce();
  const redirectUri = p.redirectUri ?? "http://localhost:53123";
  const res = await emu.fetch(authorizeUrl(emu, { ...p, challenge, redirectUri }), { redirect: "manual" });
  const params = redirectParams(res);
  const code = params.get("code");
  if (!code) throw new Error(`no code: ${params.get("error")} ${params.get("error_description")}`);
  return { code, verifier, redirectUri, params };
}

export function redeemBody(
  c: { code: string; verifier: string; redirectUri: string },
  scope = `${graphRead} openid profile offline_access`,
  clientId = defaultClient,
): Record<string, string> {
  return {
    client_id: clientId,
    grant_type: "authorization_code",
    code: c.code,
    redirect_uri: c.redirectUri,
    code_verifier: c.verifier,
    scope,
    client_info: "1",
  };
}

export function claimsOf(jwt: unknown): Record<string, unknown> {
  if (typeof jwt !== "string") throw new Error("not a token");
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

export function acrsClaims(ids: string[], cp1 = true): string {
  const acrs = ids.length === 1 ? { essential: true, value: ids[0] } : { essential: true, values: ids };
  return JSON.stringify({
    access_token: { acrs, ...(cp1 ? { xms_cc: { values: ["cp1"] } } : {}) },
    id_token: { login_hint: { essential: false } },
  });
}

/** The claims MSAL sends on every request when the app declares cp1 (not a step-up). */
export const msalDefaultClaims = JSON.stringify({
  id_token: {
    signin_state: { essential: false },
    login_hint: { essential: false },
    tenant_region_sub_scope: { essential: false },
  },
  access_token: { xms_cc: { values: ["cp1"] } },
});

export function cookieOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m?.[1]) throw new Error(`no ${name} field`);
  return m[1];
}
