import { reportProblems, signInCheck } from "../app/problems";
import { loadRuntime, openClient } from "../app/runtime";
import { defineCommand } from "../framework/command";
import { renderTable } from "../output/table";

export const contextList = defineCommand({
  path: ["context", "list"],
  summary: "Authentication contexts and the Conditional Access policies that use them",
  description:
    "List the tenant's authentication contexts (c1…c99) with their names, and the Conditional Access policies that reference each one (what a step-up will ask of you).",
  args: [],
  flags: {},
  examples: [{ command: "pimkit context list", description: "What c1, c2… mean in this tenant" }],
  async run(ctx) {
    const rt = await loadRuntime(ctx);
    const h = await openClient(ctx, rt);
    try {
      const listing = await h.client.listAuthContexts({ abortSignal: ctx.io.signal });
      signInCheck(h);
      const failed = reportProblems(ctx, listing.problems, 1) && listing.contexts.length === 0;
      const contexts = listing.contexts;
      return {
        data: contexts,
        table: (style) =>
          contexts.length === 0
            ? "No authentication contexts.\n"
            : renderTable(
                contexts,
                [
                  { header: "Id", value: (c) => c.id },
                  { header: "Name", value: (c) => c.name ?? "", maxWidth: 40 },
                  { header: "Available", value: (c) => (c.isAvailable === null ? "?" : c.isAvailable ? "yes" : "no") },
                  {
                    header: "Policies",
                    value: (c) =>
                      c.policies
                        .map(
                          (p) =>
                            `${p.displayName} (${p.state}${p.builtInControls.length ? `: ${p.builtInControls.join(", ")}` : ""})`,
                        )
                        .join("; ") || "-",
                    maxWidth: 100,
                  },
                ],
                { color: style.color },
              ),
        ...(failed ? { exitCode: 1 as const } : {}),
      };
    } finally {
      await h.finish();
    }
  },
});
