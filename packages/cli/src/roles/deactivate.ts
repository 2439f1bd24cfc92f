import type { PimRole } from "@pimkit/core";
import * as core from "@pimkit/core";
import { recordHistory } from "../app/history";
import { reportProblems } from "../app/problems";
import { loadRuntime, openClient } from "../app/runtime";
import type { CommandContext, CommandResult, FlagSpecs } from "../framework/command";
import { UsageError } from "../framework/errors";
import { exitCodes } from "../framework/exit-codes";
import { renderTable } from "../output/table";
import { deactivationJson, displayName, kindLabel, outcomeColor } from "./present";
import { resolveRoles } from "./resolve";

type Ctx = CommandContext<FlagSpecs> & { flags: { all: boolean } };

export async function deactivateRoles(ctx: Ctx): Promise<CommandResult> {
  if (ctx.flags.all && ctx.args.length) throw new UsageError("--all cannot be combined with role names.");
  if (!ctx.flags.all && ctx.args.length === 0) {
    throw new UsageError("Name at least one role, or use --all.", [], "missing_input");
  }
  const rt = await loadRuntime(ctx);
  const h = await openClient(ctx, rt);
  try {
    const listing = await h.client.listRoles({ abortSignal: ctx.io.signal, policies: false });
    reportProblems(ctx, listing.problems, 3);
    let roles: PimRole[];
    if (ctx.flags.all) {
      roles = listing.roles.filter((r) => r.state === "active" && r.assignmentType === "activated");
      if (roles.length === 0) {
        ctx.io.stderr.write("pimkit: no activated roles to deactivate.\n");
        return { data: [], exitCode: exitCodes.ok };
      }
    } else {
      roles = resolveRoles(listing.roles, ctx.args, core.matchRoles);
    }
    const results = await h.client.deactivate(roles, { abortSignal: ctx.io.signal });
    const failed = results.some((r) => r.outcome === "failed");
    const exitCode = ctx.io.signal.aborted
      ? exitCodes.interrupted
      : failed && h.auth.credential.signInWasNeeded
        ? exitCodes.signInRequired
        : failed
          ? exitCodes.failed
          : exitCodes.ok;
    await recordHistory(ctx, rt, {
      command: "role deactivate",
      exitCode,
      tenantId: h.tenantId,
      items: results.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        outcome: r.outcome,
        requestId: r.requestId,
        errorCode: r.error?.code ?? null,
      })),
    });
    return {
      data: results.map(deactivationJson),
      table: (style) => {
        const color = outcomeColor(style);
        return renderTable(
          results,
          [
            { header: "Name", value: (r) => displayName({ name: r.name, accessId: null }) },
            { header: "Kind", value: (r) => kindLabel[r.kind] ?? r.kind },
            { header: "Outcome", value: (r) => r.outcome, color: (t) => color(t) },
            { header: "Request", value: (r) => r.requestId ?? "" },
            {
              header: "Detail",
              value: (r) =>
                r.error
                  ? `${r.error.code}: ${r.error.message}${r.earliestDeactivation ? ` (possible from ${r.earliestDeactivation})` : ""}`
                  : (r.advice ?? ""),
              maxWidth: 100,
            },
          ],
          { color: style.color },
        );
      },
      exitCode,
    };
  } finally {
    await h.finish();
  }
}
