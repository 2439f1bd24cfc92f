import { recordHistory } from "../app/history";
import { loadRuntime } from "../app/runtime";
import { logout } from "../auth/logout";
import { defineCommand } from "../framework/command";

export const authLogout = defineCommand({
  path: ["auth", "logout"],
  summary: "Remove every cached token of the account (or of all accounts)",
  description:
    "Sign out: removes the signed-in account's tokens from every place pimkit may have kept them (OS secret store, encrypted cache, plain-text file), and forgets the session. --all removes every account's tokens.",
  args: [],
  flags: {
    all: { type: "boolean", description: "Remove the tokens of every account, not only the signed-in one." },
  },
  examples: [
    { command: "pimkit auth logout", description: "Sign out of the current account" },
    { command: "pimkit auth logout --all", description: "Remove every cached token" },
  ],
  async run(ctx) {
    const rt = await loadRuntime(ctx);
    const result = await logout(ctx, rt, ctx.flags.all);
    await recordHistory(ctx, rt, {
      command: ctx.flags.all ? "auth logout --all" : "auth logout",
      exitCode: 0,
      items: [],
    });
    ctx.io.stderr.write(
      result.accounts.length || ctx.flags.all
        ? `pimkit: signed out${result.accounts.length ? ` (${result.accounts.join(", ")})` : ""}; tokens removed from ${result.cleared.length ? result.cleared.join(", ") : "nowhere (none were cached)"}.\n`
        : "pimkit: not signed in; nothing to remove.\n",
    );
    return { data: result, table: () => "" };
  },
});
