import { loadRuntime } from "../app/runtime";
import { describeStatus } from "../auth/status";
import { defineCommand } from "../framework/command";
import { exitCodes } from "../framework/exit-codes";
import { renderDetails } from "../output/table";

export const authStatus = defineCommand({
  path: ["auth", "status"],
  summary: "Show who is signed in, where, and where the tokens are kept",
  description:
    "Show the signed-in account, tenant, client id, cloud, the scopes and authentication contexts (acrs) held by cached tokens, and where tokens are stored and how they are protected. Sends no request. Exits 1 when not signed in.",
  args: [],
  flags: {},
  examples: [
    { command: "pimkit auth status", description: "See how you are signed in" },
    {
      command: "pimkit auth status --query tokenStorage.storage -o tsv",
      description: "Print only where tokens are kept",
    },
  ],
  async run(ctx) {
    const rt = await loadRuntime(ctx);
    const status = await describeStatus(ctx, rt);
    if (!status.signedIn) ctx.io.stderr.write("pimkit: not signed in. Run `pimkit auth login`.\n");
    if (status.tokenStorage.plaintext) {
      ctx.io.stderr.write("pimkit: warning: tokens are kept in a plain-text file protected only by its permissions.\n");
    }
    return {
      data: status,
      table: (style) => {
        const pairs: [string, string][] = [
          ["Signed in", status.signedIn ? "yes" : "no"],
          ["Account", status.account ?? ""],
          ["Tenant", status.tenantId ?? ""],
          ["Home tenant", status.homeTenantId ?? ""],
          ["Client id", status.clientId],
          ["Cloud", `${status.cloud.name} (${status.cloud.authorityHost})`],
          ["Scopes held", status.scopes.join(" ") || "none"],
          ["acrs held", status.acrs.join(", ") || "none"],
          [
            "Token storage",
            status.tokenStorage.storage + (status.tokenStorage.available === false ? " (unavailable)" : ""),
          ],
          ["Stored at", status.tokenStorage.location],
          ["Protection", status.tokenStorage.protection],
        ];
        return renderDetails(pairs, { color: style.color });
      },
      exitCode: status.signedIn ? exitCodes.ok : exitCodes.failed,
    };
  },
});
