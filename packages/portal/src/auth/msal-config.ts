import type { Configuration } from "@azure/msal-browser";
import { builtInClouds, type Cloud, graphScopes, qualifyGraphScopes, signInScopes } from "@pimkit/contracts";

/**
 * MSAL Browser configuration for a deployment. Tokens live in sessionStorage only (gone with the
 * tab); `cp1` tells Entra the app handles claims challenges (CAE, step-up); a custom cloud (such as
 * the local tenant) is declared a known authority so MSAL does not look it up on the internet.
 */
const builtInAuthorityHosts = new Set(Object.values(builtInClouds).map((c) => new URL(c.authorityHost).host));

export function authorityFor(cloud: Cloud, tenant: string): string {
  return `${cloud.authorityHost.replace(/\/+$/, "")}/${encodeURIComponent(tenant)}`;
}

export function knownAuthoritiesFor(cloud: Cloud): string[] {
  const host = new URL(cloud.authorityHost).host;
  return builtInAuthorityHosts.has(host) ? [] : [host];
}

export interface MsalConfigInput {
  clientId: string;
  tenant: string;
  cloud: Cloud;
  /** `location.origin` of the page. */
  origin: string;
}

export function msalConfiguration(input: MsalConfigInput): Configuration {
  const redirectUri = `${input.origin}/`;
  return {
    auth: {
      clientId: input.clientId,
      authority: authorityFor(input.cloud, input.tenant),
      knownAuthorities: knownAuthoritiesFor(input.cloud),
      redirectUri,
      postLogoutRedirectUri: redirectUri,
      clientCapabilities: ["cp1"],
    },
    cache: { cacheLocation: "sessionStorage" },
    system: {
      allowPlatformBroker: false,
      loggerOptions: { piiLoggingEnabled: false },
    },
  };
}

/**
 * Scopes asked for at sign-in: the Entra roles and Groups planes (what the first screen reads).
 * ARM and the optional Graph areas are asked for when first used, each by its own scopes.
 */
export function signInRequestScopes(cloud: Cloud): string[] {
  return [
    ...signInScopes,
    ...qualifyGraphScopes(cloud.graphResource, [...graphScopes.entraRoles, ...graphScopes.groups]),
  ];
}
