import { formatDuration } from "@pimkit/core";
import { reportProblems, signInCheck } from "../app/problems";
import { loadRuntime, openClient } from "../app/runtime";
import { defineCommand } from "../framework/command";
import { UsageError } from "../framework/errors";
import { roleJson, roleTable } from "../roles/present";

export const kindFlagValues = { entra: "entraRole", group: "group", azure: "azureRole" } as const;

export const roleList = defineCommand({
  path: ["role", "list"],
  summary: "List your roles with state, scope, expiry and policy matrix",
  description:
    "List your PIM roles on every plane (Entra roles, PIM for Groups, Azure resources) with their state, scope, expiry and what activating each one requires (maximum duration, justification, ticket, MFA, authentication context, approval).",
  args: [],
  flags: {
    eligible: { type: "boolean", description: "Only roles you can activate." },
    active: { type: "boolean", description: "Only active roles." },
    pending: { type: "boolean", description: "Only roles with a request awaiting approval." },
    all: { type: "boolean", description: "Every state (the default)." },
    kind: {
      type: "string",
      valueName: "KIND",
      choices: ["entra", "group", "azure"],
      multiple: true,
      description: "Only this plane: entra, group or azure.",
    },
    filter: { type: "string", valueName: "TEXT", description: "Only roles whose name, scope or id contains TEXT." },
    refresh: { type: "boolean", description: "Read policies and names again instead of using the cached ones." },
  },
  examples: [
    { command: "pimkit role list", description: "Everything you hold or can activate" },
    { command: "pimkit role list --eligible --kind azure", description: "Azure roles you can activate" },
    {
      command: 'pimkit role list -o json --query "[?requirements.authContext].name"',
      description: "Names of roles that need an authentication context",
    },
  ],
  async run(ctx) {
    const states = [
      ctx.flags.eligible && "eligible",
      ctx.flags.active && "active",
      ctx.flags.pending && "pending",
    ].filter((s): s is string => typeof s === "string");
    if (ctx.flags.all && states.length)
      throw new UsageError("--all cannot be combined with --eligible, --active or --pending.");
    const kinds = ctx.flags.kind.map((k) => kindFlagValues[k as keyof typeof kindFlagValues]);
    const rt = await loadRuntime(ctx);
    const h = await openClient(ctx, rt);
    try {
      const listing = await h.client.listRoles({
        ...(kinds.length ? { kinds } : {}),
        ...(ctx.flags.refresh ? { refresh: true } : {}),
        abortSignal: ctx.io.signal,
      });
      signInCheck(h);
      const failedAll = reportProblems(ctx, listing.problems, kinds.length || 3);
      const filter = ctx.flags.filter?.toLowerCase();
      const roles = listing.roles.filter(
        (r) =>
          (states.length === 0 || states.includes(r.state)) &&
          (!filter || [r.name, r.id, r.scope.displayName, r.scope.id].some((t) => t.toLowerCase().includes(filter))),
      );
      const now = ctx.deps.now();
      return {
        data: roles.map(roleJson),
        table: (style) => roleTable(roles, style, now, formatDuration),
        ...(failedAll ? { exitCode: 1 as const } : {}),
      };
    } finally {
      await h.finish();
    }
  },
});
