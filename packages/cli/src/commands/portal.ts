import { defineCommand } from "../framework/command";

export const portal = defineCommand({
  path: ["portal"],
  summary: "Serve the portal for the current cloud and tenant",
  description:
    "Serve the built pimkit portal (the browser app) on 127.0.0.1 for the current cloud and tenant, and print its address. Runs until Ctrl-C.",
  args: [],
  output: false,
  flags: {
    port: { type: "string", valueName: "PORT", description: "Port to listen on (default 0: a free port)." },
    open: { type: "boolean", description: "Open the portal in your browser." },
  },
  examples: [
    { command: "pimkit portal", description: "Serve the portal on a free port" },
    { command: "pimkit portal --port 8443 --open", description: "On a fixed port, and open it" },
  ],
  async run(ctx) {
    const { servePortalCommand } = await import("../app/portal");
    return servePortalCommand(ctx);
  },
});
