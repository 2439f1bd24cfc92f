import type { Cloud } from "./clouds";

/**
 * The security headers every file of the portal is served with, for one cloud. One pure function
 * so the emulator, `pimkit portal` and the tests agree byte for byte:
 * - scripts and styles from the portal's own origin only (the build has no inline script or style);
 * - `connect-src` names only the cloud's sign-in, Graph and ARM origins;
 * - no frames at all, in either direction: token renewal never falls back to a hidden iframe
 *   (the portal redirects instead), and nobody may frame the portal (`frame-ancestors 'none'`);
 * - no forms are posted anywhere (sign-in is a top-level navigation, not a form);
 * - Trusted Types: no string may reach a script sink, so a tenant-supplied name can never run.
 */
export interface PortalHeaderOptions {
  /** Send Strict-Transport-Security (only when the portal is served over https). */
  hsts?: boolean;
}

/** `https://host:port` of a URL; the URL itself when it does not parse (a cloud file is validated earlier). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export function portalConnectSources(cloud: Cloud): string[] {
  const sources = [cloud.authorityHost, cloud.graphEndpoint, cloud.armEndpoint].map(originOf);
  return [...new Set(sources)];
}

export function portalContentSecurityPolicy(cloud: Cloud): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${portalConnectSources(cloud).join(" ")}`,
    "manifest-src 'self'",
    "frame-src 'none'",
    "worker-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join("; ");
}

export function portalSecurityHeaders(cloud: Cloud, options: PortalHeaderOptions = {}): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": portalContentSecurityPolicy(cloud),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  };
  if (options.hsts) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

/** What `/config.json` of a portal deployment holds: one build serves any tenant and cloud. */
export interface PortalRuntimeConfig {
  clientId: string;
  /** A tenant id or domain, or `organizations` (any work account) / `common`. */
  tenant: string;
  cloud: Cloud;
  /** Tenants to offer in the tenant switcher (guest tenants), besides the user's own. */
  tenants?: { id: string; displayName: string }[];
}

/**
 * The `/config.json` body for a deployment. The cloud is reduced to what the browser needs: the
 * CA certificate and the portal URL stay on the server side.
 */
export function portalRuntimeConfig(input: PortalRuntimeConfig): PortalRuntimeConfig {
  const { name, authorityHost, graphEndpoint, armEndpoint, graphResource, armResource } = input.cloud;
  return {
    clientId: input.clientId,
    tenant: input.tenant,
    cloud: { name, authorityHost, graphEndpoint, armEndpoint, graphResource, armResource },
    ...(input.tenants && input.tenants.length > 0 ? { tenants: input.tenants.map((t) => ({ ...t })) } : {}),
  };
}
