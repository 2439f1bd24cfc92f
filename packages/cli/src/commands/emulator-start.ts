import { defineCommand } from "../framework/command";
import { version } from "../version";

export const emulatorStart = defineCommand({
  path: ["emulator", "start"],
  summary: "Run the local tenant (Entra sign-in, Graph PIM, ARM PIM) on one HTTPS origin",
  description:
    'Run pimkit\'s local tenant: an emulator of Entra sign-in, Microsoft Graph PIM and ARM PIM, listening on 127.0.0.1. When ready it prints one JSON line on stdout — {"url","tenantId","cloudFile","caCertFile","users"} — and runs until Ctrl-C. Point pimkit at it with PIMKIT_CLOUD=<cloudFile>.',
  args: [],
  output: false,
  flags: {
    port: { type: "string", valueName: "PORT", description: "Port to listen on (default 0: a free port)." },
    host: { type: "string", valueName: "ADDRESS", description: "Address to bind (default 127.0.0.1)." },
    scenario: {
      type: "string",
      valueName: "NAME|FILE",
      description: "demo (default), enterprise, or a scenario file (.json, .yaml).",
    },
    latency: { type: "string", valueName: "MS", description: "Delay added before every answer, in milliseconds." },
    "auto-sign-in": { type: "string", valueName: "UPN", description: "Complete every sign-in at once as this user." },
    "provisioning-delay": {
      type: "string",
      valueName: "SECONDS",
      description: "Delay before an activation takes effect.",
    },
    "portal-dir": { type: "string", valueName: "DIR", description: "Serve the built portal from this folder at /." },
    version: { type: "boolean", description: "Print the version (as `pimkit-emulator --version`).", hidden: true },
  },
  examples: [
    { command: "pimkit emulator start", description: "The demo tenant on a free port" },
    {
      command: "pimkit emulator start --scenario enterprise --latency 40",
      description: "A big tenant with realistic latency",
    },
  ],
  async run(ctx) {
    if (ctx.flags.version) {
      ctx.io.stdout.write(`${version}\n`);
      return {};
    }
    const { startEmulator } = await import("../app/emulator");
    return startEmulator(ctx);
  },
});
