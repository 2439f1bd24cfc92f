/**
 * Discovery documents: the v2.0 OpenID Connect configuration per tenant (field set as the live
 * document has it — pim-api.md §H.5, recorded in Azure CLI issue #30769), instance discovery
 * (MSAL's `CloudInstanceDiscoveryResponse`) and the JWKS.
 */
import { type EmuResponse, json } from "../http/types";
import type { TenantResolution } from "./directory";
import { withCors } from "./util";

export function openIdConfiguration(
  publicBase: string,
  tenant: Exclude<TenantResolution, { kind: "unknown" }>,
): unknown {
  // Tenant-independent authorities publish a `{tenantid}` placeholder that MSAL substitutes.
  const pathTenant = tenant.kind === "multi" ? tenant.alias : tenant.tenant.id;
  const issuerTenant = tenant.kind === "multi" ? "{tenantid}" : tenant.tenant.id;
  const base = `${publicBase}/${pathTenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${publicBase}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${publicBase}/graph/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: "EU",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  };
}

/** `/common/discovery/instance`: only reached when a client routes the public host here. */
export function instanceDiscovery(publicBase: string, authorizationEndpoint: string): unknown | undefined {
  let url: URL;
  try {
    url = new URL(authorizationEndpoint);
  } catch {
    return undefined;
  }
  const tenant = url.pathname.split("/")[1] || "common";
  const host = new URL(publicBase).host;
  return {
    tenant_discovery_endpoint: `${publicBase}/${tenant}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

export function jwksResponse(keys: unknown[]): EmuResponse {
  return withCors(json(200, { keys }, { "Cache-Control": "max-age=86400, private" }));
}
