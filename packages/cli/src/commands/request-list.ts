import { formatDuration } from "@pimkit/core";
import { reportProblems, signInCheck } from "../app/problems";
import { loadRuntime, openClient } from "../app/runtime";
import { defineCommand } from "../framework/command";
import { renderTable } from "../output/table";
import { kindLabel, relativeTime, requestJson } from "../roles/present";

export const requestList = defineCommand({
  path: ["request", "list"],
  summary: "List your activation requests",
  description:
    "List your own PIM requests on every plane (activations, deactivations), newest first; --pending shows only those waiting for approval or a scheduled start.",
  args: [],
  flags: {
    pending: { type: "boolean", description: "Only requests still pending (approval, or a scheduled start)." },
  },
  examples: [
    { command: "pimkit request list --pending", description: "What is waiting for approval" },
    { command: 'pimkit request list -o json --query "[?pending].requestId"', description: "Ids of pending requests" },
    {
      command: "pimkit request list -o json --query \"[?pendingReason=='scheduled'].requestId\"",
      description: "Ids of activations scheduled to start later",
    },
  ],
  async run(ctx) {
    const rt = await loadRuntime(ctx);
    const h = await openClient(ctx, rt);
    try {
      const listing = await h.client.listRequests({ pendingOnly: ctx.flags.pending, abortSignal: ctx.io.signal });
      signInCheck(h);
      reportProblems(ctx, listing.problems, 3);
      const requests = [...listing.requests].sort((a, b) => newestFirst(a.createdAt, b.createdAt));
      const now = ctx.deps.now();
      return {
        data: requests.map(requestJson),
        table: (style) =>
          requests.length === 0
            ? "No requests.\n"
            : renderTable(
                requests,
                [
                  { header: "Request", value: (r) => r.requestId },
                  { header: "Name", value: (r) => (r.accessId ? `${r.name} (${r.accessId})` : r.name), maxWidth: 40 },
                  { header: "Kind", value: (r) => kindLabel[r.kind] ?? r.kind },
                  { header: "Scope", value: (r) => r.scope.displayName || r.scope.id, maxWidth: 36 },
                  { header: "Action", value: (r) => r.action },
                  { header: "Status", value: (r) => r.status },
                  { header: "Pending", value: (r) => r.pendingReason ?? "" },
                  {
                    header: "Start",
                    value: (r) => (r.pendingReason === "scheduled" ? relativeTime(r.start, now) : ""),
                  },
                  { header: "Created", value: (r) => relativeTime(r.createdAt, now) },
                  { header: "Duration", value: (r) => (r.duration ? formatDuration(r.duration) : "") },
                ],
                { color: style.color },
              ),
      };
    } finally {
      await h.finish();
    }
  },
});

/** The newest request first (a missing or unreadable time last). */
function newestFirst(a: string | null | undefined, b: string | null | undefined): number {
  const x = a ? Date.parse(a) : Number.NaN;
  const y = b ? Date.parse(b) : Number.NaN;
  return (Number.isNaN(y) ? Number.NEGATIVE_INFINITY : y) - (Number.isNaN(x) ? Number.NEGATIVE_INFINITY : x) || 0;
}
