import { openStores } from "../app/state";
import { defineCommand } from "../framework/command";
import { renderTable } from "../output/table";

export const profileList = defineCommand({
  path: ["profile", "list"],
  summary: "List saved profiles",
  args: [],
  flags: {},
  examples: [{ command: "pimkit profile list", description: "Your saved role sets" }],
  async run(ctx) {
    const doc = await openStores(ctx.io, ctx.deps).profiles.read();
    const rows = Object.entries(doc.profiles)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, p]) => ({ name, ...p }));
    return {
      data: rows,
      table: (style) =>
        rows.length === 0
          ? "No profiles. Save one with `pimkit profile save NAME ROLE...`.\n"
          : renderTable(
              rows,
              [
                { header: "Name", value: (r) => r.name },
                { header: "Roles", value: (r) => r.roles.map((x) => x.name ?? x.ref).join(", "), maxWidth: 80 },
                { header: "Duration", value: (r) => r.duration ?? "max" },
                { header: "Updated", value: (r) => r.updatedAt },
              ],
              { color: style.color },
            ),
    };
  },
});
