import * as core from "@pimkit/core";
import { reportProblems, signInCheck } from "../app/problems";
import { loadRuntime, openClient } from "../app/runtime";
import { defineCommand } from "../framework/command";
import { UsageError } from "../framework/errors";
import { resolveRoles } from "../roles/resolve";
import { profileNamePattern } from "../state/profiles";

export const profileSave = defineCommand({
  path: ["profile", "save"],
  summary: "Save a named set of roles with default duration, justification and ticket",
  description:
    "Save a named set of roles (checked against your roles now: unknown or ambiguous names are refused) with defaults for `pimkit role activate --profile NAME`. Saving an existing name replaces it.",
  args: [
    { name: "name", required: true, description: "Profile name (letters, digits, . _ -)." },
    {
      name: "role",
      required: true,
      variadic: true,
      description: "Role ids or names (Name@scope, group:member|owner).",
    },
  ],
  flags: {
    duration: { type: "string", valueName: "DURATION", description: "Default duration (2h, 90m, PT2H)." },
    justification: { type: "string", valueName: "TEXT", description: "Default justification." },
    "ticket-system": { type: "string", valueName: "SYSTEM", description: "Default ticket system." },
    "ticket-number": { type: "string", valueName: "NUMBER", description: "Default ticket number." },
  },
  examples: [
    {
      command:
        'pimkit profile save oncall "Security Administrator" "Contributor@Contoso Production" --duration 4h --justification "On-call"',
      description: "A set for on-call duty",
    },
  ],
  async run(ctx) {
    const [name, ...queries] = ctx.args;
    if (!name || !profileNamePattern.test(name)) {
      throw new UsageError(`"${name ?? ""}" is not a valid profile name (letters, digits, ".", "_", "-"; up to 64).`);
    }
    let duration: string | null = null;
    if (ctx.flags.duration !== undefined) {
      try {
        duration = core.parseDurationInput(ctx.flags.duration);
      } catch (e) {
        throw new UsageError(`--duration: ${(e as Error).message}`, [], "invalid_duration");
      }
    }
    if ((ctx.flags["ticket-system"] === undefined) !== (ctx.flags["ticket-number"] === undefined)) {
      throw new UsageError("--ticket-system and --ticket-number go together.");
    }
    const rt = await loadRuntime(ctx);
    const h = await openClient(ctx, rt);
    try {
      const listing = await h.client.listRoles({ abortSignal: ctx.io.signal, policies: false });
      signInCheck(h);
      reportProblems(ctx, listing.problems, 3);
      const roles = resolveRoles(listing.roles, queries, core.matchRoles);
      const now = ctx.deps.now().toISOString();
      const profile = await rt.stores.profiles.update((doc) => {
        const previous = doc.profiles[name];
        const p = {
          roles: roles.map((r, i) => ({ ref: queries[i] ?? r.name, id: r.id, name: r.name })),
          duration,
          justification: ctx.flags.justification ?? null,
          ticket:
            ctx.flags["ticket-system"] !== undefined && ctx.flags["ticket-number"] !== undefined
              ? { system: ctx.flags["ticket-system"], number: ctx.flags["ticket-number"] }
              : null,
          createdAt: previous?.createdAt ?? now,
          updatedAt: now,
        };
        return { value: { profiles: { ...doc.profiles, [name]: p } }, result: p };
      });
      ctx.io.stderr.write(
        `pimkit: saved profile ${name} (${profile.roles.length} role${profile.roles.length === 1 ? "" : "s"}).\n`,
      );
      return { data: { name, ...profile }, table: () => "" };
    } finally {
      await h.finish();
    }
  },
});
