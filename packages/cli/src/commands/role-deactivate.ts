import { defineCommand } from "../framework/command";
import { deactivateRoles } from "../roles/deactivate";

export const roleDeactivate = defineCommand({
  path: ["role", "deactivate"],
  summary: "Deactivate one, many or all active roles",
  description:
    "Deactivate activated roles before they expire. PIM refuses a deactivation within 5 minutes of the activation; pimkit says when it becomes possible.",
  args: [{ name: "role", variadic: true, description: "Role ids or names (Name@scope, group:member|owner)." }],
  flags: {
    all: { type: "boolean", description: "Deactivate every role you activated." },
  },
  examples: [
    { command: 'pimkit role deactivate "Global Reader"', description: "Deactivate one role" },
    { command: "pimkit role deactivate --all", description: "Deactivate everything you activated" },
  ],
  async run(ctx) {
    return deactivateRoles(ctx);
  },
});
