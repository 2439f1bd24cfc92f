#!/usr/bin/env node
// `npm start`: the one-command demo. Starts the local tenant with the `demo` scenario (and the
// portal on the same HTTPS origin once it is built) and prints how to reach it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

const root = resolve(new URL("..", import.meta.url).pathname);
const bin = resolve(root, "packages/emulator/bin/pimkit-emulator.js");
const bundle = resolve(root, "packages/emulator/dist/pimkit-emulator.js");
if (!existsSync(bundle)) {
  console.error("The emulator is not built yet: run `npm ci` (or `npm run build`) first.");
  process.exit(1);
}
const portalDir = resolve(root, "packages/portal/dist");
const args = ["--scenario", "demo", ...process.argv.slice(2)];
if (existsSync(resolve(portalDir, "index.html")) && !args.includes("--portal-dir"))
  args.push("--portal-dir", portalDir);

const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "inherit"] });
const lines = createInterface({ input: child.stdout });
let ready = false;
lines.on("line", (line) => {
  if (ready) {
    process.stdout.write(`${line}\n`);
    return;
  }
  ready = true;
  let info;
  try {
    info = JSON.parse(line);
  } catch {
    process.stdout.write(`${line}\n`);
    return;
  }
  const admin = info.users?.[0];
  const portal = existsSync(resolve(portalDir, "index.html"));
  const out = [
    "",
    "pimkit demo: the local tenant with the `demo` scenario",
    "",
    portal ? `  Portal       ${info.url}/` : "  Portal       not built (run `npm run build`, then `npm start` again)",
    `  Sign in as   ${admin ? `${admin.upn}  (the demo admin, eligible on all three planes)` : "(see the users list)"}`,
    `  CLI          PIMKIT_CLOUD=${info.cloudFile} npx pimkit auth login`,
    `  Tenant       ${info.tenantId}`,
    "",
    "  The HTTPS certificate is made at start and signed by a CA made on the spot, so the browser warns",
    "  once per run: that is expected for a local tenant. Press Ctrl-C to stop.",
    "",
  ];
  process.stdout.write(out.join("\n"));
});
const stop = (signal) => child.kill(signal);
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
