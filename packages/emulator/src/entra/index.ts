/**
 * The sign-in surface of the local tenant: Entra's OpenID Connect / OAuth 2.0 endpoints as real
 * MSAL (Node and Browser) uses them, the sign-in page, token minting and the bearer-token check the
 * resource surfaces use.
 *
 * Routes (all under `/{tenant}` = tenant GUID, verified domain, `common` or `organizations`):
 *   GET  /v2.0/.well-known/openid-configuration      GET /discovery/v2.0/keys (and /discovery/keys)
 *   GET|POST /oauth2/v2.0/authorize                    POST /oauth2/v2.0/token
 *   POST /oauth2/v2.0/devicecode                       GET|POST /oauth2/deviceauth (code entry page)
 *   GET|POST /oauth2/v2.0/logout                       POST /login (the sign-in page's form)
 *   GET  /common/discovery/instance
 */
import { defaultClientId } from "@pimkit/contracts";
import type { EmulatorContext } from "../context";
import { type EmuRequest, type EmuResponse, json, type Surface } from "../http/types";
import { handleAuthorize, handleLogin, handleLogout } from "./authorize";
import { handleDeviceAuth, handleDeviceCode } from "./device-code";
import { resolveTenant } from "./directory";
import { instanceDiscovery, jwksResponse, openIdConfiguration } from "./discovery";
import { entraErrors, tokenErrorResponse } from "./errors";
import { createGrantStore } from "./grants";
import { createSigningKeys } from "./keys";
import { type EntraRuntime, idsFor } from "./runtime";
import { handleToken } from "./token-endpoint";
import { createTokenService } from "./tokens";
import type { TokenVerifier } from "./types";
import { preflight, withCors } from "./util";

export type { AccessTokenClaims, TokenCheck, TokenFailure, TokenVerifier } from "./types";

export interface IssueAccessTokenOptions {
  upn: string;
  /** Resource identifier: https://graph.microsoft.com or https://management.azure.com */
  audience: string;
  /** Scope names without the resource prefix (Graph) or `user_impersonation` (ARM). */
  scopes: string[];
  clientId?: string;
  /** Default: `["pwd","mfa"]` when the user can do MFA, else `["pwd"]` (what an ordinary sign-in gives). */
  amr?: string[];
  acrs?: string[];
  xmsCc?: string[];
  /** Seconds from the emulator clock's now; negative makes an expired token. */
  expiresInSeconds?: number;
  /** Sign with a key the emulator does not publish (forged token). */
  forge?: boolean;
  /** Override the tenant id (wrong tenant). */
  tenantId?: string;
}

export interface Entra {
  surface: Surface;
  verifier: TokenVerifier;
  /** Mints an access token directly (tests of the resource surfaces; never reachable over HTTP). */
  issueAccessToken(options: IssueAccessTokenOptions): Promise<string>;
  /** The JWKS document the emulator publishes. */
  jwks(): { keys: unknown[] };
  /** The upn that signs in without a page (undefined: the sign-in page is shown). */
  autoSignIn(): string | undefined;
  setAutoSignIn(upn: string | undefined): void;
  /** Forgets codes, refresh tokens, device codes and pending pages (`/_emulator/reset`). */
  reset(): void;
}

export interface EntraOptions {
  /** Complete /authorize at once for this user, and approve device codes at the first poll. */
  autoSignIn?: string;
}

export async function createEntra(ctx: () => EmulatorContext, options: EntraOptions): Promise<Entra> {
  const keys = await createSigningKeys();
  const tokens = createTokenService(ctx, keys);
  const store = createGrantStore();
  let auto = options.autoSignIn;
  const rt: EntraRuntime = { ctx, store, keys, tokens, autoSignIn: () => auto };

  const surface: Surface = (req) => route(rt, req);

  return {
    surface,
    verifier: tokens.verifier,
    async issueAccessToken(o) {
      const c = ctx();
      const user = c.state.userByUpn(o.upn);
      if (!user) throw new Error(`issueAccessToken: no user '${o.upn}' in the scenario`);
      return tokens.mintAccessToken({
        tenantId: o.tenantId ?? c.state.tenant.id,
        user,
        clientId: o.clientId ?? defaultClientId,
        audience: o.audience,
        scp: o.scopes,
        amr: o.amr ?? (user.canMfa ? ["pwd", "mfa"] : ["pwd"]),
        acrs: o.acrs ?? [],
        xmsCc: o.xmsCc ?? [],
        issuedAtMs: c.clock.nowMs(),
        lifetimeSeconds: o.expiresInSeconds ?? (c.state.settings.tokenLifetimeSeconds || 3600),
        forge: o.forge === true,
      });
    },
    jwks: () => ({ keys: [{ ...keys.publicJwk }] }),
    autoSignIn: () => auto,
    setAutoSignIn(upn) {
      auto = upn;
    },
    reset() {
      store.clear();
    },
  };
}

function segments(path: string): string[] {
  return path.split("/").slice(1);
}

async function route(rt: EntraRuntime, req: EmuRequest): Promise<EmuResponse | undefined> {
  const parts = segments(req.path);
  const [first, ...rest] = parts;
  if (!first) return undefined;
  const tail = rest.join("/");
  const c = rt.ctx();

  if (first.toLowerCase() === "common" && tail === "discovery/instance") {
    if (req.method === "OPTIONS") return preflight(req, "GET, OPTIONS");
    const endpoint = req.url.searchParams.get("authorization_endpoint");
    const doc = endpoint ? instanceDiscovery(c.publicBase, endpoint) : undefined;
    const ids = idsFor(rt, req);
    if (!endpoint) return tokenErrorResponse(entraErrors.missingParameter("authorization_endpoint"), ids);
    if (!doc || new URL(endpoint).host !== new URL(c.publicBase).host) {
      return tokenErrorResponse(entraErrors.invalidInstance(), ids);
    }
    return withCors(json(200, doc));
  }

  const known = [
    "v2.0/.well-known/openid-configuration",
    "discovery/v2.0/keys",
    "discovery/keys",
    "oauth2/v2.0/authorize",
    "oauth2/v2.0/token",
    "oauth2/v2.0/devicecode",
    "oauth2/v2.0/logout",
    "oauth2/deviceauth",
    "login",
  ];
  if (!known.includes(tail)) return undefined;
  const tenant = resolveTenant(c.state, first);
  // `/{x}/login` is ours only for a tenant we know: other first segments may be the portal's.
  if (tail === "login" && tenant.kind === "unknown") return undefined;

  switch (tail) {
    case "v2.0/.well-known/openid-configuration": {
      if (req.method === "OPTIONS") return preflight(req, "GET, OPTIONS");
      if (tenant.kind === "unknown")
        return tokenErrorResponse(entraErrors.tenantNotFound(tenant.segment), idsFor(rt, req));
      return withCors(
        json(200, openIdConfiguration(c.publicBase, tenant), { "Cache-Control": "max-age=86400, private" }),
      );
    }
    case "discovery/v2.0/keys":
    case "discovery/keys": {
      if (req.method === "OPTIONS") return preflight(req, "GET, OPTIONS");
      if (tenant.kind === "unknown")
        return tokenErrorResponse(entraErrors.tenantNotFound(tenant.segment), idsFor(rt, req));
      return jwksResponse([{ ...rt.keys.publicJwk }]);
    }
    case "oauth2/v2.0/authorize":
      return handleAuthorize(rt, req, tenant);
    case "oauth2/v2.0/token":
      return handleToken(rt, req, tenant);
    case "oauth2/v2.0/devicecode":
      return handleDeviceCode(rt, req, tenant);
    case "oauth2/v2.0/logout":
      return handleLogout(rt, req, tenant);
    case "oauth2/deviceauth":
      return handleDeviceAuth(rt, req, tenant);
    case "login":
      return tenant.kind === "unknown" ? undefined : handleLogin(rt, req, tenant);
    default:
      return undefined;
  }
}
