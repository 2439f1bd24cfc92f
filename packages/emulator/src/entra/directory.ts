/**
 * Who the sign-in surface talks about: the tenant a path names, the client application a request
 * names, and whether a redirect URI is registered for it.
 */
import { defaultClientId } from "@pimkit/contracts";
import type { TenantState } from "../state/api";
import type { AppRecord, TenantInfo } from "../state/model";

export type TenantResolution =
  | { kind: "tenant"; tenant: TenantInfo; route: string }
  /** `common` / `organizations`: the user's home tenant (the scenario's) issues the tokens. */
  | { kind: "multi"; alias: "common" | "organizations"; tenant: TenantInfo; route: string }
  | { kind: "unknown"; segment: string };

export function resolveTenant(state: TenantState, rawSegment: string): TenantResolution {
  let segment: string;
  try {
    segment = decodeURIComponent(rawSegment);
  } catch {
    return { kind: "unknown", segment: rawSegment };
  }
  const lower = segment.toLowerCase();
  if (lower === "common" || lower === "organizations") {
    return { kind: "multi", alias: lower, tenant: state.tenant, route: lower };
  }
  for (const tenant of [state.tenant, ...state.guestTenants]) {
    if (tenant.id.toLowerCase() === lower || tenant.domain.toLowerCase() === lower) {
      return { kind: "tenant", tenant, route: tenant.id.toLowerCase() };
    }
  }
  return { kind: "unknown", segment };
}

export interface ClientApplication {
  clientId: string;
  displayName: string;
  redirectUris: readonly string[];
  spa: boolean;
  /** The scenario's record (absent for the built-in default public client). */
  record?: AppRecord;
}

/** The default public client (pimkit's default client id) always exists, as it does in every real tenant. */
const defaultClient: ClientApplication = {
  clientId: defaultClientId,
  displayName: "Microsoft Graph Command Line Tools",
  redirectUris: ["http://localhost", "https://login.microsoftonline.com/common/oauth2/nativeclient"],
  spa: false,
};

export function findClient(state: TenantState, clientId: string): ClientApplication | undefined {
  const want = clientId.toLowerCase();
  const app = state.apps.find((a) => a.clientId.toLowerCase() === want);
  if (app) {
    return {
      clientId: app.clientId,
      displayName: app.displayName,
      redirectUris: app.redirectUris,
      spa: app.spa,
      record: app,
    };
  }
  return want === defaultClientId ? defaultClient : undefined;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === "http:" && loopbackHosts.has(url.hostname);
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * Exact match, except that a registered `http://localhost` or `http://127.0.0.1` URI matches any
 * port (public clients; Entra's "redirect URI restrictions": the port is ignored for loopback).
 * Registered entries starting with `/` are relative to the emulator's own origin (the portal).
 */
export function redirectUriAllowed(app: ClientApplication, redirectUri: string, publicBase: string): boolean {
  const requested = parseUrl(redirectUri);
  for (const entry of app.redirectUris) {
    const registered = entry.startsWith("/") ? `${publicBase}${entry}` : entry;
    if (registered === redirectUri) return true;
    const reg = parseUrl(registered);
    if (!reg || !requested) continue;
    if (isLoopbackHttp(reg) && isLoopbackHttp(requested)) {
      if (reg.hostname === requested.hostname && samePath(reg, requested)) return true;
    } else if (reg.href === requested.href) {
      return true;
    }
  }
  return false;
}

function samePath(a: URL, b: URL): boolean {
  return a.pathname === b.pathname && a.search === b.search;
}
