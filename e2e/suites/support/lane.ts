/**
 * One local tenant and a signed-in `pimkit` for a suite: the emulator over HTTPS on 127.0.0.1:0,
 * its cloud file, and a config folder signed in once that every case copies, so cases never share
 * a policy cache, history or session, and never pay for another sign-in.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type RunCliResult, runCli } from "@pimkit/cli";
import { createEmulator, type Emulator, type EmulatorOptions } from "@pimkit/emulator";

const repoRoot = resolve(import.meta.dirname, "../../..");
/** The headless browser that completes the local tenant's sign-in page (approving MFA and any context). */
export const testBrowser = join(repoRoot, "packages/testkit/bin/pimkit-test-browser.js");

export interface RunResult extends RunCliResult {
  ms: number;
}

export interface Lane {
  emu: Emulator;
  dir: string;
  cloudFile: string;
  /** A new config folder holding a copy of the signed-in session and token cache. */
  signedInCopy(name: string): string;
  /** An empty config folder (not signed in). */
  emptyConfig(name: string): string;
  /**
   * Puts the tenant back as it was opened — scenario, settings, clock; no faults, empty log — but
   * keeps the sign-in surface's refresh tokens (unlike `admin.reset()`), so the signed-in copies
   * stay signed in.
   */
  restore(): void;
  env(configDir: string, extra?: Record<string, string>): Record<string, string>;
  run(
    argv: string[],
    configDir: string,
    options?: { extraEnv?: Record<string, string>; tty?: boolean },
  ): Promise<RunResult>;
  close(): Promise<void>;
}

export interface LaneOptions {
  /** The cloud pimkit is pointed at (default: the tenant's own cloud definition). */
  cloud?: (emu: Emulator) => Promise<{ cloud: unknown; close?: () => Promise<void> }>;
}

export async function openLane(
  name: string,
  options: EmulatorOptions & { autoSignIn: string },
  laneOptions: LaneOptions = {},
): Promise<Lane> {
  const emu = await createEmulator(options);
  const dir = mkdtempSync(join(tmpdir(), `pimkit-suite-${name}-`));
  const cloudFile = join(dir, "cloud.json");
  const custom = laneOptions.cloud ? await laneOptions.cloud(emu) : undefined;
  writeFileSync(cloudFile, JSON.stringify(custom?.cloud ?? emu.cloud), { mode: 0o600 });
  const template = join(dir, "template");
  const env = (configDir: string, extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    PIMKIT_CLOUD: cloudFile,
    PIMKIT_CONFIG_DIR: configDir,
    PIMKIT_TOKEN_CACHE: "file",
    BROWSER: testBrowser,
    ...extra,
  });
  const run = async (
    argv: string[],
    configDir: string,
    o: { extraEnv?: Record<string, string>; tty?: boolean } = {},
  ): Promise<RunResult> => {
    const started = performance.now();
    const r = await runCli(argv, { env: env(configDir, o.extraEnv), tty: o.tty ?? false, cwd: dir });
    return { ...r, ms: Math.round(performance.now() - started) };
  };
  const initialSettings = emu.admin.settings();
  const login = await run(["auth", "login"], template);
  if (login.exitCode !== 0) {
    await custom?.close?.();
    await emu.close();
    throw new Error(`auth login for the ${name} lane failed (${login.exitCode}): ${login.stderr}`);
  }
  return {
    emu,
    dir,
    cloudFile,
    env,
    run,
    signedInCopy(caseName) {
      const target = join(dir, caseName);
      mkdirSync(target, { mode: 0o700 });
      chmodSync(target, 0o700);
      for (const f of readdirSync(template)) {
        const from = join(template, f);
        if (!statSync(from).isFile()) continue;
        copyFileSync(from, join(target, f));
        chmodSync(join(target, f), 0o600);
      }
      return target;
    },
    emptyConfig(caseName) {
      return join(dir, caseName);
    },
    restore() {
      emu.admin.clearFaults();
      emu.admin.clock.set(new Date());
      emu.admin.settings(initialSettings);
      emu.admin.loadScenario(options.scenario ?? "demo");
      emu.admin.clearRequests();
    },
    async close() {
      await custom?.close?.();
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function parseJson<T>(r: RunCliResult): T | undefined {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    return undefined;
  }
}
