import { formatDuration, matchRoles } from "@pimkit/core";
import { reportProblems, signInCheck } from "../app/problems";
import { loadRuntime, openClient } from "../app/runtime";
import { defineCommand } from "../framework/command";
import { renderDetails } from "../output/table";
import { displayName, kindLabel, relativeTime, requirementSummary, roleJson } from "../roles/present";
import { resolveRoles } from "../roles/resolve";

export const roleShow = defineCommand({
  path: ["role", "show"],
  summary: "Show one role: scope, requirements, active window",
  description:
    "Show one role: its scope, what activating it requires (with the authentication context's display name), your eligibility window, and the active window or pending request.",
  args: [
    {
      name: "role",
      required: true,
      description: "Role id, or name with optional qualifiers (Name@scope, group:member|owner).",
    },
  ],
  flags: {},
  examples: [
    {
      command: 'pimkit role show "Global Administrator"',
      description: "What activating Global Administrator requires",
    },
    {
      command: 'pimkit role show "Contributor@Contoso Production" -o json',
      description: "One Azure role at a subscription, as JSON",
    },
  ],
  async run(ctx) {
    const rt = await loadRuntime(ctx);
    const h = await openClient(ctx, rt);
    try {
      const listing = await h.client.listRoles({ abortSignal: ctx.io.signal });
      signInCheck(h);
      reportProblems(ctx, listing.problems, 3);
      const [role] = resolveRoles(listing.roles, [ctx.args[0] ?? ""], matchRoles);
      if (!role) return {};
      const now = ctx.deps.now();
      const q = role.requirements;
      const data = {
        ...roleJson(role),
        eligibility: role.eligibility,
        assignment: role.assignment,
        pendingRequest: role.pendingRequest,
      };
      return {
        data,
        table: (style) => {
          const yes = (v: boolean | null) => (v === null ? "unknown" : v ? "required" : "not required");
          const pairs: [string, string][] = [
            ["Name", displayName(role)],
            ["Id", role.id],
            ["Kind", kindLabel[role.kind] ?? role.kind],
            ["Scope", `${role.scope.displayName} (${role.scope.type}: ${role.scope.id})`],
            ["State", role.state],
            ["Requires", requirementSummary(role)],
            ["Max duration", q.maxDuration ? `${formatDuration(q.maxDuration)} (${q.maxDuration})` : "unknown"],
            ["Justification", yes(q.justification)],
            ["Ticket", yes(q.ticket)],
            ["MFA", yes(q.mfa)],
            [
              "Auth context",
              q.authContext
                ? `${q.authContext.id}${q.authContext.name ? ` (${q.authContext.name})` : ""}`
                : q.known
                  ? "none"
                  : "unknown",
            ],
            ["Approval", yes(q.approval)],
            ["Eligible until", role.eligibility ? (role.eligibility.end ?? "permanent") : "-"],
          ];
          if (role.assignment) {
            pairs.push(["Active from", role.assignment.start ?? ""]);
            pairs.push([
              "Active until",
              role.assignment.end ? `${role.assignment.end} (${relativeTime(role.assignment.end, now)})` : "permanent",
            ]);
          }
          if (role.pendingRequest)
            pairs.push(["Pending request", `${role.pendingRequest.requestId} (${role.pendingRequest.status})`]);
          return renderDetails(pairs, { color: style.color });
        },
      };
    } finally {
      await h.finish();
    }
  },
});
