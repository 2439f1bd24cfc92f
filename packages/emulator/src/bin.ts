/**
 * `pimkit-emulator`: the local tenant as a process. Stdout carries exactly one JSON line when the
 * tenant is ready (tools parse it); everything for humans goes to stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import packageJson from "../package.json";
import type { Emulator, EmulatorOptions } from "./emulator";

const usage = `Usage: pimkit-emulator [options]

Runs pimkit's local tenant: Entra sign-in, Microsoft Graph PIM and ARM PIM on one HTTPS origin.
When ready, prints one JSON line on stdout:
  {"url","tenantId","cloudFile","caCertFile","users":[{"upn","oid"}]}

Options:
  --port <n>                    port to listen on (default 0: a free port)
  --host <address>              address to bind (default 127.0.0.1)
  --scenario <demo|enterprise|FILE>
                                the tenant to serve (default demo)
  --latency <ms>                delay added before every answer (default 0)
  --auto-sign-in <upn>          complete every sign-in at once as this user
  --provisioning-delay <seconds>
                                delay before an activation takes effect
  --portal-dir <dir>            serve the built portal from this folder at /
  --help                        show this help
  --version                     show the version

Exit codes: 0 stopped by SIGINT/SIGTERM, 1 failed to start, 2 bad flags or scenario.
`;

class UsageError extends Error {}

function nonNegativeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`${flag} must be a non-negative number, got "${value}"`);
  }
  return n;
}

function parseFlags(argv: string[]): { options: EmulatorOptions; help: boolean; version: boolean } {
  const parse = () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        scenario: { type: "string" },
        latency: { type: "string" },
        "auto-sign-in": { type: "string" },
        "provisioning-delay": { type: "string" },
        "portal-dir": { type: "string" },
        help: { type: "boolean" },
        version: { type: "boolean" },
      },
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  const options: EmulatorOptions = {};
  if (v.port !== undefined) {
    if (!/^\d+$/.test(v.port) || Number(v.port) > 65535) {
      throw new UsageError(`--port must be an integer from 0 to 65535, got "${v.port}"`);
    }
    options.port = Number(v.port);
  }
  if (v.host !== undefined) {
    if (v.host.trim() === "") throw new UsageError("--host must not be empty");
    options.host = v.host;
  }
  if (v.scenario !== undefined) {
    if (v.scenario.trim() === "") throw new UsageError("--scenario must not be empty");
    const looksLikeFile = /[/\\]/.test(v.scenario) || /\.(json|ya?ml)$/i.test(v.scenario);
    options.scenario = looksLikeFile ? resolve(v.scenario) : v.scenario;
  }
  const latency = nonNegativeNumber("--latency", v.latency);
  if (latency !== undefined) options.latencyMs = latency;
  const delay = nonNegativeNumber("--provisioning-delay", v["provisioning-delay"]);
  if (delay !== undefined) options.provisioningDelaySeconds = delay;
  if (v["auto-sign-in"] !== undefined) {
    if (!v["auto-sign-in"].includes("@")) {
      throw new UsageError(`--auto-sign-in takes a user principal name (name@domain), got "${v["auto-sign-in"]}"`);
    }
    options.autoSignIn = v["auto-sign-in"];
  }
  if (v["portal-dir"] !== undefined) options.portalDir = resolve(v["portal-dir"]);
  return { options, help: v.help === true, version: v.version === true };
}

function isScenarioError(error: unknown): error is Error & { path: string } {
  return (
    error instanceof Error && error.name === "ScenarioError" && typeof (error as { path?: unknown }).path === "string"
  );
}

async function main(argv: string[]): Promise<void> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`pimkit-emulator: ${(error as Error).message}\nRun pimkit-emulator --help for usage.\n`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(usage);
    return;
  }
  if (flags.version) {
    process.stdout.write(`${packageJson.version}\n`);
    return;
  }

  const scenarioName = typeof flags.options.scenario === "string" ? flags.options.scenario : "demo";
  let emulator: Emulator;
  try {
    // Loaded only now, so --help, --version and flag errors answer without evaluating the tenant.
    const { createEmulator } = await import("./emulator");
    emulator = await createEmulator(flags.options);
  } catch (error) {
    if (isScenarioError(error)) {
      const where = error.message.includes(error.path) ? "" : ` (at ${error.path})`;
      process.stderr.write(`pimkit-emulator: scenario ${scenarioName}: ${error.message}${where}\n`);
      process.exit(2);
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`pimkit-emulator: could not start: ${message}\n`);
    process.exit(1);
  }

  if (flags.options.autoSignIn !== undefined && !emulator.users.some((u) => u.upn === flags.options.autoSignIn)) {
    process.stderr.write(
      `pimkit-emulator: --auto-sign-in ${flags.options.autoSignIn} is not a user of the scenario (users: ${emulator.users.map((u) => u.upn).join(", ")})\n`,
    );
    await emulator.close();
    process.exit(2);
  }

  // mkdtemp creates the folder 0700; the files are 0600: the CA is harmless without its key, but
  // nothing we write should be readable by other users.
  const dir = mkdtempSync(join(tmpdir(), "pimkit-emulator-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.on("exit", cleanup);
  const cloudFile = join(dir, "cloud.json");
  const caCertFile = join(dir, "ca.pem");
  writeFileSync(cloudFile, `${JSON.stringify(emulator.cloud, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  writeFileSync(caCertFile, emulator.caCertPem, { mode: 0o600, flag: "wx" });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulator
      .close()
      .catch(() => undefined)
      .finally(() => {
        cleanup();
        process.exit(0);
      });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const ready = {
    url: emulator.url,
    tenantId: emulator.tenantId,
    cloudFile,
    caCertFile,
    users: emulator.users.map((u) => ({ upn: u.upn, oid: u.oid })),
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  const first = emulator.users[0];
  const hint = [
    `pimkit local tenant ready at ${emulator.url} (scenario ${scenarioName}, tenant ${emulator.tenantId})`,
    `  Point pimkit at it:  PIMKIT_CLOUD=${cloudFile} pimkit auth login   (or: pimkit --cloud ${cloudFile} ...)`,
    `  Sign-in page:        ${emulator.url}/${emulator.tenantId}/oauth2/v2.0/authorize (pimkit opens it during login)`,
    ...(flags.options.portalDir ? [`  Portal:              ${emulator.url}/`] : []),
    ...(first ? [`  First user:          ${first.upn}`] : []),
    ...(flags.options.autoSignIn ? [`  Auto sign-in as:     ${flags.options.autoSignIn}`] : []),
    `  Admin API:           ${emulator.url}/_emulator/state  (loopback only)`,
    "  The certificate is signed by a CA generated at start (the cloud file carries it). Press Ctrl-C to stop.",
  ];
  process.stderr.write(`${hint.join("\n")}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`pimkit-emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
