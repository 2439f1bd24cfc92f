import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { CommandContext, CommandResult, FlagSpecs } from "../framework/command";
import { CliError, UsageError } from "../framework/errors";
import { exitCodes } from "../framework/exit-codes";

type Flags = Record<string, string | boolean | string[] | undefined>;

function number(flag: string, value: string | undefined, max = Number.POSITIVE_INFINITY): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > max) {
    throw new UsageError(
      `--${flag} must be a non-negative number${max < Number.POSITIVE_INFINITY ? ` up to ${max}` : ""}, got "${value}".`,
    );
  }
  return n;
}

/**
 * `pimkit emulator start`: the same flags and the same ready line as `pimkit-emulator`, on the
 * emulator's public library entry. Runs until the command is interrupted.
 */
export async function startEmulator(ctx: CommandContext<FlagSpecs>): Promise<CommandResult> {
  const f = ctx.flags as Flags;
  const str = (k: string) => (typeof f[k] === "string" ? (f[k] as string) : undefined);
  const port = str("port");
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) > 65535)) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${port}".`);
  }
  const scenarioFlag = str("scenario");
  const scenario =
    scenarioFlag === undefined
      ? undefined
      : /[/\\]/.test(scenarioFlag) || /\.(json|ya?ml)$/i.test(scenarioFlag)
        ? isAbsolute(scenarioFlag)
          ? scenarioFlag
          : resolve(ctx.io.cwd, scenarioFlag)
        : scenarioFlag;
  const autoSignIn = str("auto-sign-in");
  if (autoSignIn !== undefined && !autoSignIn.includes("@")) {
    throw new UsageError(`--auto-sign-in takes a user principal name (name@domain), got "${autoSignIn}".`);
  }
  const latencyMs = number("latency", str("latency"));
  const provisioningDelaySeconds = number("provisioning-delay", str("provisioning-delay"));
  const portalDir = str("portal-dir");
  const host = str("host");

  const { createEmulator } = await import("@pimkit/emulator");
  let emulator: Awaited<ReturnType<typeof createEmulator>>;
  try {
    emulator = await createEmulator({
      ...(port !== undefined ? { port: Number(port) } : {}),
      ...(host !== undefined ? { host } : {}),
      ...(scenario !== undefined ? { scenario } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(provisioningDelaySeconds !== undefined ? { provisioningDelaySeconds } : {}),
      ...(autoSignIn !== undefined ? { autoSignIn } : {}),
      ...(portalDir !== undefined ? { portalDir: resolve(ctx.io.cwd, portalDir) } : {}),
    });
  } catch (e) {
    const err = e as Error & { path?: unknown };
    if (err.name === "ScenarioError") {
      throw new UsageError(
        `scenario ${scenarioFlag ?? "demo"}: ${err.message}${typeof err.path === "string" && !err.message.includes(err.path) ? ` (at ${err.path})` : ""}`,
      );
    }
    throw new CliError("emulator_failed", `The local tenant could not start: ${err.message}`);
  }
  if (autoSignIn !== undefined && !emulator.users.some((u) => u.upn === autoSignIn)) {
    await emulator.close();
    throw new UsageError(
      `--auto-sign-in ${autoSignIn} is not a user of the scenario (users: ${emulator.users.map((u) => u.upn).join(", ")}).`,
    );
  }
  // Private folder (0700) and files (0600), removed when the tenant stops.
  const dir = mkdtempSync(join(tmpdir(), "pimkit-emulator-"));
  const cloudFile = join(dir, "cloud.json");
  const caCertFile = join(dir, "ca.pem");
  writeFileSync(cloudFile, `${JSON.stringify(emulator.cloud, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  writeFileSync(caCertFile, emulator.caCertPem, { mode: 0o600, flag: "wx" });
  const ready = {
    url: emulator.url,
    tenantId: emulator.tenantId,
    cloudFile,
    caCertFile,
    users: emulator.users.map((u) => ({ upn: u.upn, oid: u.oid })),
  };
  ctx.io.stdout.write(`${JSON.stringify(ready)}\n`);
  const first = emulator.users[0];
  ctx.io.stderr.write(
    [
      `pimkit local tenant ready at ${emulator.url} (scenario ${scenarioFlag ?? "demo"}, tenant ${emulator.tenantId})`,
      `  Point pimkit at it:  PIMKIT_CLOUD=${cloudFile} pimkit auth login   (or: pimkit --cloud ${cloudFile} ...)`,
      ...(portalDir ? [`  Portal:              ${emulator.url}/`] : []),
      ...(first ? [`  First user:          ${first.upn}`] : []),
      ...(autoSignIn ? [`  Auto sign-in as:     ${autoSignIn}`] : []),
      "  The certificate is signed by a CA generated at start (the cloud file carries it). Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  const stopped = new Promise<void>((done) => {
    if (ctx.io.signal.aborted) done();
    ctx.io.signal.addEventListener("abort", () => done(), { once: true });
    process.once("SIGTERM", () => done());
  });
  await stopped;
  await emulator.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  // Stopping the tenant is its normal end.
  return { exitCode: exitCodes.ok };
}
