import { durationToSeconds, parseDurationInput } from "@pimkit/core";
import { openStores } from "../app/state";
import { defineCommand } from "../framework/command";
import { isRealIsoDate } from "../framework/dates";
import { UsageError } from "../framework/errors";
import { renderTable } from "../output/table";

export const history = defineCommand({
  path: ["history"],
  summary: "What this CLI did, per role outcome",
  description:
    "The local record of what pimkit did on this machine (sign-ins, activations, deactivations, cancellations) with each role's outcome and request id. Never holds tokens, justifications or ticket numbers.",
  args: [],
  flags: {
    since: {
      type: "string",
      valueName: "WHEN",
      description: "Only entries after a date-time (2026-05-01, 2026-05-01T08:00Z) or this long ago (24h, 7d, PT1H).",
    },
  },
  examples: [
    { command: "pimkit history --since 24h", description: "What you did in the last day" },
    {
      command: "pimkit history -o json --query \"[?command=='role activate'].items[].requestId\"",
      description: "Request ids of your activations",
    },
  ],
  async run(ctx) {
    let since: number | undefined;
    const raw = ctx.flags.since;
    if (raw !== undefined) {
      if (isRealIsoDate(raw)) since = Date.parse(raw);
      else {
        try {
          since = ctx.deps.now().getTime() - durationToSeconds(parseDurationInput(raw)) * 1000;
        } catch {
          throw new UsageError(
            `--since takes a date-time (2026-05-01T08:00:00Z) or a duration (24h, 7d), not "${raw}".`,
          );
        }
      }
    }
    const doc = await openStores(ctx.io, ctx.deps).history.read();
    const entries = doc.entries.filter((e) => since === undefined || Date.parse(e.at) >= since);
    const rows = entries.flatMap((e) =>
      e.items.length
        ? e.items.map((i) => ({
            at: e.at,
            command: e.command + (e.dryRun ? " (dry run)" : ""),
            name: i.name,
            outcome: i.outcome,
            requestId: i.requestId ?? "",
            error: i.errorCode ?? "",
          }))
        : [
            {
              at: e.at,
              command: e.command,
              name: "",
              outcome: e.exitCode === 0 ? "ok" : `exit ${e.exitCode}`,
              requestId: "",
              error: "",
            },
          ],
    );
    return {
      data: entries,
      table: (style) =>
        rows.length === 0
          ? "No history.\n"
          : renderTable(
              rows,
              [
                { header: "Time", value: (r) => r.at },
                { header: "Command", value: (r) => r.command },
                { header: "Role", value: (r) => r.name, maxWidth: 40 },
                { header: "Outcome", value: (r) => r.outcome },
                { header: "Request", value: (r) => r.requestId },
                { header: "Error", value: (r) => r.error },
              ],
              { color: style.color },
            ),
    };
  },
});
