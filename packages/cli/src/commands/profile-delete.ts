import { openStores } from "../app/state";
import { defineCommand } from "../framework/command";
import { UsageError } from "../framework/errors";

export const profileDelete = defineCommand({
  path: ["profile", "delete"],
  summary: "Delete a saved profile",
  args: [{ name: "name", required: true, description: "Profile name." }],
  flags: {},
  examples: [{ command: "pimkit profile delete oncall", description: "Forget a profile" }],
  async run(ctx) {
    const name = ctx.args[0] ?? "";
    const removed = await openStores(ctx.io, ctx.deps).profiles.update((doc) => {
      if (!doc.profiles[name]) return { value: doc, result: false };
      const { [name]: _gone, ...rest } = doc.profiles;
      return { value: { profiles: rest }, result: true };
    });
    if (!removed) throw new UsageError(`No profile named "${name}".`, [], "unknown_profile");
    ctx.io.stderr.write(`pimkit: deleted profile ${name}.\n`);
    return { data: { name, deleted: true }, table: () => "" };
  },
});
