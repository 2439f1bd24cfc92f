import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultClientId } from "@pimkit/contracts";
import { resolveCloud } from "../auth/cloud";
import type { CommandContext, CommandResult, FlagSpecs } from "../framework/command";
import { CliError, UsageError } from "../framework/errors";
import { exitCodes } from "../framework/exit-codes";
import { loadRuntime } from "./runtime";

/** The built portal next to this installation (a checkout, or an install with @pimkit/portal beside it). */
function findPortalDist(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    for (const candidate of [
      join(dir, "packages", "portal", "dist"),
      join(dir, "portal", "dist"),
      join(dir, "node_modules", "@pimkit", "portal", "dist"),
    ]) {
      if (existsSync(join(candidate, "index.html"))) return candidate;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** `pimkit portal`: the portal package's own server, for the current cloud, tenant and app. */
export async function servePortalCommand(ctx: CommandContext<FlagSpecs>): Promise<CommandResult> {
  const flags = ctx.flags as Record<string, unknown>;
  const portRaw = typeof flags.port === "string" ? flags.port : undefined;
  if (portRaw !== undefined && (!/^\d+$/.test(portRaw) || Number(portRaw) > 65535)) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${portRaw}".`);
  }
  const rt = await loadRuntime(ctx);
  const { cloud } = await resolveCloud(rt.settings.cloud.value, ctx.io.cwd);
  const { servePortal } = await import("@pimkit/portal/server");
  const distDir = findPortalDist();
  let server: Awaited<ReturnType<typeof servePortal>>;
  try {
    server = await servePortal({
      cloud,
      clientId: rt.settings.clientId.value ?? defaultClientId,
      tenant: rt.settings.tenant.value ?? cloud.tenantId ?? "organizations",
      ...(portRaw !== undefined ? { port: Number(portRaw) } : {}),
      ...(distDir ? { distDir } : {}),
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.name === "PortalNotBuiltError") throw new CliError("portal_not_built", err.message);
    if (err.code === "EADDRINUSE") throw new CliError("port_in_use", `Port ${portRaw} is in use.`);
    throw e;
  }
  ctx.io.stdout.write(`${server.url}/\n`);
  ctx.io.stderr.write(
    `pimkit: portal for ${cloud.name} at ${server.url}/ (register it as a single-page application redirect URI of your app). Press Ctrl-C to stop.\n`,
  );
  if (flags.open === true) {
    const { launchBrowser } = await import("../auth/browser");
    launchBrowser(ctx.io, `${server.url}/`);
  }
  await new Promise<void>((done) => {
    if (ctx.io.signal.aborted) done();
    ctx.io.signal.addEventListener("abort", () => done(), { once: true });
    process.once("SIGTERM", () => done());
  });
  await server.close();
  return { exitCode: exitCodes.ok };
}
