import { armApiVersions, armScope } from "@pimkit/contracts";
import { CliError } from "../framework/errors";
import type { ClientHandle } from "./runtime";

export interface TenantRow {
  tenantId: string;
  displayName: string | null;
  defaultDomain: string | null;
  domains: string[];
  /** Home, or how the user reaches it (ProjectedBy / ManagedBy are ARM's words for guest access). */
  category: string | null;
  current: boolean;
}

interface ArmTenant {
  tenantId?: unknown;
  displayName?: unknown;
  defaultDomain?: unknown;
  domains?: unknown;
  tenantCategory?: unknown;
}

/**
 * The tenants the signed-in user can act in: ARM's `GET /tenants` (home and guest tenants, as
 * `az account tenant list` shows them).
 */
export async function listTenants(h: ClientHandle, signal: AbortSignal): Promise<TenantRow[]> {
  const cloud = h.auth.cloud;
  const token = await h.auth.credential.getToken(armScope(cloud.armResource), { abortSignal: signal });
  if (!token) throw new CliError("token_unavailable", "No token for Azure Resource Manager.");
  const rows: TenantRow[] = [];
  let url: string | undefined =
    `${cloud.armEndpoint.replace(/\/+$/, "")}/tenants?api-version=${armApiVersions.tenants}`;
  const seen = new Set<string>();
  const armOrigin = new URL(cloud.armEndpoint).origin;
  while (url) {
    if (seen.has(url) || seen.size > 50) throw new CliError("paging_loop", "The tenant list did not end.");
    seen.add(url);
    if (new URL(url).origin !== armOrigin)
      throw new CliError("untrusted_host", "The tenant list pointed to another host.");
    const res = await h.auth.transport.fetch(url, {
      headers: { authorization: `Bearer ${token.token}`, accept: "application/json" },
      signal,
    });
    const body = (await res.json().catch(() => null)) as {
      value?: ArmTenant[];
      nextLink?: unknown;
      error?: { code?: string; message?: string };
    } | null;
    if (!res.ok || !body) {
      throw new CliError(
        "tenant_list_failed",
        `Listing tenants failed: ${res.status}${body?.error?.code ? ` ${body.error.code}` : ""}.`,
      );
    }
    for (const t of body.value ?? []) {
      if (typeof t.tenantId !== "string") continue;
      rows.push({
        tenantId: t.tenantId,
        displayName: typeof t.displayName === "string" ? t.displayName : null,
        defaultDomain: typeof t.defaultDomain === "string" ? t.defaultDomain : null,
        domains: Array.isArray(t.domains) ? t.domains.filter((d): d is string => typeof d === "string") : [],
        category: typeof t.tenantCategory === "string" ? t.tenantCategory : null,
        current: t.tenantId.toLowerCase() === h.tenantId.toLowerCase(),
      });
    }
    url = typeof body.nextLink === "string" && body.nextLink ? body.nextLink : undefined;
  }
  return rows;
}
