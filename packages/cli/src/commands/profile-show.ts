import { openStores } from "../app/state";
import { defineCommand } from "../framework/command";
import { UsageError } from "../framework/errors";
import { renderDetails } from "../output/table";

export const profileShow = defineCommand({
  path: ["profile", "show"],
  summary: "Show a saved profile",
  args: [{ name: "name", required: true, description: "Profile name." }],
  flags: {},
  examples: [{ command: "pimkit profile show oncall", description: "Roles and defaults of a profile" }],
  async run(ctx) {
    const doc = await openStores(ctx.io, ctx.deps).profiles.read();
    const name = ctx.args[0] ?? "";
    const p = doc.profiles[name];
    if (!p)
      throw new UsageError(
        `No profile named "${name}".`,
        [`Profiles: ${Object.keys(doc.profiles).join(", ") || "none"}`],
        "unknown_profile",
      );
    return {
      data: { name, ...p },
      table: (style) =>
        renderDetails(
          [
            ["Name", name],
            ["Roles", p.roles.map((r) => `${r.name ?? r.ref}${r.id ? ` (${r.id})` : ""}`).join(`\n${" ".repeat(15)}`)],
            ["Duration", p.duration ?? "each role's maximum"],
            ["Justification", p.justification ?? "-"],
            ["Ticket", p.ticket ? `${p.ticket.system} ${p.ticket.number}` : "-"],
            ["Created", p.createdAt],
            ["Updated", p.updatedAt],
          ],
          { color: style.color },
        ),
    };
  },
});
