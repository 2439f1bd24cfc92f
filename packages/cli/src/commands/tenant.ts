import { graphScopes, qualifyGraphScopes } from "@pimkit/contracts";
import { recordHistory } from "../app/history";
import { signInCheck } from "../app/problems";
import { loadRuntime, openClient } from "../app/runtime";
import { warn } from "../app/state";
import { listTenants } from "../app/tenants";
import { defineCommand } from "../framework/command";
import { UsageError } from "../framework/errors";
import { renderTable } from "../output/table";

export const tenantList = defineCommand({
  path: ["tenant", "list"],
  summary: "List your home and guest tenants",
  args: [],
  flags: {},
  examples: [{ command: "pimkit tenant list", description: "Tenants you can act in" }],
  async run(ctx) {
    const rt = await loadRuntime(ctx);
    const h = await openClient(ctx, rt);
    try {
      const rows = await listTenants(h, ctx.io.signal);
      signInCheck(h);
      return {
        data: rows,
        table: (style) =>
          renderTable(
            rows,
            [
              { header: "", value: (r) => (r.current ? "*" : "") },
              { header: "Tenant", value: (r) => r.tenantId },
              { header: "Name", value: (r) => r.displayName ?? "", maxWidth: 40 },
              { header: "Domain", value: (r) => r.defaultDomain ?? "" },
              { header: "Category", value: (r) => r.category ?? "" },
            ],
            { color: style.color },
          ),
      };
    } finally {
      await h.finish();
    }
  },
});

export const tenantSwitch = defineCommand({
  path: ["tenant", "switch"],
  summary: "Act in another tenant (home or guest)",
  description: "Make a tenant the one pimkit acts in, by id or domain; signs in to it when needed.",
  args: [{ name: "tenant", required: true, description: "Tenant id or domain." }],
  flags: {},
  examples: [
    { command: "pimkit tenant switch fabrikam.onmicrosoft.com", description: "Act in a tenant where you are a guest" },
  ],
  async run(ctx) {
    const rt = await loadRuntime(ctx);
    const h = await openClient(ctx, rt);
    try {
      const wanted = (ctx.args[0] ?? "").toLowerCase();
      const rows = await listTenants(h, ctx.io.signal);
      const match = rows.find(
        (r) =>
          r.tenantId.toLowerCase() === wanted ||
          r.defaultDomain?.toLowerCase() === wanted ||
          r.domains.some((d) => d.toLowerCase() === wanted),
      );
      if (!match) {
        throw new UsageError(
          `You have no access to a tenant "${ctx.args[0]}".`,
          rows.map((r) => `${r.tenantId}  ${r.defaultDomain ?? ""}  ${r.displayName ?? ""}`),
          "unknown_tenant",
        );
      }
      // Prove a token can be had there (signs in to that tenant when it asks for it).
      h.auth.credential.tenantId = match.tenantId;
      await h.auth.credential.getToken(qualifyGraphScopes(h.auth.cloud.graphResource, graphScopes.entraRoles), {
        abortSignal: ctx.io.signal,
      });
      const session = rt.session;
      if (session) {
        const next = { ...session, tenantId: match.tenantId };
        await rt.stores.session.write({ current: next });
        rt.session = next;
      }
      if (
        rt.settings.tenant.source === "env" ||
        rt.settings.tenant.source === "config" ||
        rt.settings.tenant.source === "flag"
      ) {
        warn(
          ctx.io,
          `the tenant is also set by ${rt.settings.tenant.source === "env" ? "PIMKIT_TENANT" : rt.settings.tenant.source === "config" ? "the config file" : "--tenant"}, which wins over \`tenant switch\`.`,
        );
      }
      await recordHistory(ctx, rt, { command: "tenant switch", exitCode: 0, items: [], tenantId: match.tenantId });
      ctx.io.stderr.write(`pimkit: now acting in ${match.displayName ?? match.tenantId} (${match.tenantId}).\n`);
      return { data: { ...match, current: true }, table: () => "" };
    } finally {
      await h.finish();
    }
  },
});
