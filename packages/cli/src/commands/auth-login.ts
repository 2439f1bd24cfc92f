import { recordHistory } from "../app/history";
import { loadRuntime, openAuthFor, signIn } from "../app/runtime";
import { canSignIn, signInHint } from "../auth/session";
import { defineCommand } from "../framework/command";
import { SignInRequiredError } from "../framework/errors";

export const authLogin = defineCommand({
  path: ["auth", "login"],
  summary: "Sign in (browser with PKCE on a loopback port, or device code)",
  description:
    "Sign in to Microsoft Entra. Opens the sign-in page in your browser (auth code + PKCE, answered on a loopback port), or shows a device code with --device-code. Use --client-id and --tenant for your own app registration.",
  args: [],
  flags: {
    "device-code": { type: "boolean", description: "Sign in with a device code instead of a browser on this machine." },
  },
  examples: [
    { command: "pimkit auth login", description: "Sign in with your browser" },
    {
      command: "pimkit auth login --tenant contoso.onmicrosoft.com --client-id 00000000-0000-0000-0000-000000000000",
      description: "Sign in with your organisation's app registration",
    },
    { command: "pimkit auth login --device-code", description: "Sign in from a machine without a browser" },
    { command: "pimkit auth login --cloud usgov", description: "Sign in to US Government cloud" },
  ],
  async run(ctx) {
    const rt = await loadRuntime(ctx);
    const deviceCode = ctx.flags["device-code"];
    if (!deviceCode && !canSignIn(ctx.io)) {
      throw new SignInRequiredError("Signing in needs a terminal, a BROWSER program, or --device-code.", [signInHint]);
    }
    const auth = await openAuthFor(ctx, rt);
    try {
      if (auth.store.info.plaintext) {
        ctx.io.stderr.write(
          `pimkit: tokens will be kept in a plain-text file protected only by its permissions: ${auth.store.info.location} (you chose --token-cache file).\n`,
        );
      }
      const { session } = await signIn(ctx, rt, auth, { deviceCode });
      ctx.io.stderr.write(`pimkit: signed in as ${session.username} (tenant ${session.tenantId}).\n`);
      await recordHistory(ctx, rt, { command: "auth login", exitCode: 0, items: [] });
      return {
        data: {
          account: session.username,
          tenantId: session.tenantId,
          clientId: session.clientId,
          cloud: auth.cloud.name,
          tokenStorage: auth.store.info,
        },
        table: () => "",
      };
    } finally {
      auth.close();
    }
  },
});
