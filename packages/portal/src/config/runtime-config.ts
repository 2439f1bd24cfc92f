import type { Cloud, PortalRuntimeConfig } from "@pimkit/contracts";

/**
 * `/config.json` is read at start so one build serves any deployment (client id, tenant, cloud).
 * It comes from the server that serves the portal, so it is trusted for where to sign in, but it
 * is still checked: a typo must give a clear message, not a half-working app.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const guidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tenantRe =
  /^(?:organizations|common|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i;

function httpsBase(value: unknown, key: string, problems: string[]): string {
  if (typeof value !== "string" || value.length === 0) {
    problems.push(`cloud.${key} is required`);
    return "";
  }
  try {
    const u = new URL(value);
    if (u.protocol !== "https:") problems.push(`cloud.${key} must be an https URL`);
  } catch {
    problems.push(`cloud.${key} is not a URL`);
  }
  return value.replace(/\/+$/, "");
}

export function parseRuntimeConfig(value: unknown): PortalRuntimeConfig {
  const problems: string[] = [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError("config.json must hold a JSON object.");
  }
  const v = value as Record<string, unknown>;
  const clientId = typeof v.clientId === "string" ? v.clientId.trim() : "";
  if (!guidRe.test(clientId)) problems.push("clientId must be the application (client) id, a GUID");
  const tenant = typeof v.tenant === "string" && v.tenant.trim() !== "" ? v.tenant.trim() : "organizations";
  if (!tenantRe.test(tenant)) problems.push("tenant must be a tenant id, a domain, `organizations` or `common`");
  const c = typeof v.cloud === "object" && v.cloud !== null ? (v.cloud as Record<string, unknown>) : undefined;
  if (!c) problems.push("cloud is required");
  const cloud: Cloud = {
    name: typeof c?.name === "string" && c.name ? c.name : "custom",
    authorityHost: httpsBase(c?.authorityHost, "authorityHost", problems),
    graphEndpoint: httpsBase(c?.graphEndpoint, "graphEndpoint", problems),
    armEndpoint: httpsBase(c?.armEndpoint, "armEndpoint", problems),
    graphResource: typeof c?.graphResource === "string" ? c.graphResource : "https://graph.microsoft.com",
    armResource: typeof c?.armResource === "string" ? c.armResource : "https://management.azure.com",
  };
  const tenants: { id: string; displayName: string }[] = [];
  if (Array.isArray(v.tenants)) {
    for (const t of v.tenants) {
      if (typeof t !== "object" || t === null) continue;
      const r = t as Record<string, unknown>;
      if (typeof r.id === "string" && tenantRe.test(r.id)) {
        tenants.push({ id: r.id, displayName: typeof r.displayName === "string" ? r.displayName : r.id });
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(`config.json: ${problems.join("; ")}.`);
  return { clientId, tenant, cloud, ...(tenants.length > 0 ? { tenants } : {}) };
}

export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch): Promise<PortalRuntimeConfig> {
  let res: Response;
  try {
    res = await fetchImpl("/config.json", { cache: "no-store", credentials: "same-origin" });
  } catch {
    throw new ConfigError("config.json could not be fetched from this site.");
  }
  if (!res.ok) throw new ConfigError(`config.json answered HTTP ${res.status}; the server must provide it.`);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ConfigError("config.json is not valid JSON.");
  }
  return parseRuntimeConfig(body);
}
