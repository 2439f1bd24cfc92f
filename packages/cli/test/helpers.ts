import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createEmulator, type Emulator, type EmulatorOptions } from "@pimkit/emulator";
import { type RunCliOptions, type RunCliResult, runCli } from "../src/run-cli";

export const admin = "alex.morgan@contoso.example.com";
export const approver = "priya.natarajan@contoso.example.com";
export const browserProgram = resolve(import.meta.dirname, "../../testkit/bin/pimkit-test-browser.js");

export interface Tenant {
  emu: Emulator;
  cloudFile: string;
  /** Scratch folder of this tenant (config folders go under it). */
  dir: string;
  /** A fresh config folder. */
  configDir(name?: string): string;
  /** The environment of a signed-in-able pimkit: cloud file, config folder, file token cache, BROWSER. */
  env(configDir: string, extra?: Record<string, string>): Record<string, string>;
  run(
    argv: string[],
    options: RunCliOptions & { configDir: string; extraEnv?: Record<string, string> },
  ): Promise<RunCliResult>;
  close(): Promise<void>;
}

/** The local tenant over HTTPS on 127.0.0.1:0, with its cloud file, as `pimkit` uses it. */
export async function startTenant(options: EmulatorOptions = {}): Promise<Tenant> {
  const emu = await createEmulator({ autoSignIn: admin, ...options });
  const dir = mkdtempSync(join(tmpdir(), "pimkit-cli-test-"));
  const cloudFile = join(dir, "cloud.json");
  writeFileSync(cloudFile, JSON.stringify(emu.cloud), { mode: 0o600 });
  let n = 0;
  const tenant: Tenant = {
    emu,
    cloudFile,
    dir,
    configDir: (name) => join(dir, name ?? `config-${++n}`),
    env: (configDir, extra = {}) => ({
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      PIMKIT_CLOUD: cloudFile,
      PIMKIT_CONFIG_DIR: configDir,
      PIMKIT_TOKEN_CACHE: "file",
      BROWSER: browserProgram,
      ...extra,
    }),
    run: (argv, o) => runCli(argv, { ...o, env: { ...tenant.env(o.configDir, o.extraEnv ?? {}), ...(o.env ?? {}) } }),
    async close() {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return tenant;
}

/** A config folder with a signed-in session (one browser sign-in through the BROWSER program). */
export async function signedIn(t: Tenant, name?: string): Promise<string> {
  const configDir = t.configDir(name);
  const r = await t.run(["auth", "login"], { configDir });
  if (r.exitCode !== 0) throw new Error(`auth login failed (${r.exitCode}): ${r.stderr}`);
  return configDir;
}

export function json<T = unknown>(r: RunCliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.exitCode}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** PIM requests (activation, deactivation, cancel) the emulator saw, `$batch` items included. */
export function writesSeen(emu: Emulator): number {
  return emu.admin
    .requests()
    .filter((r) => (r.method === "POST" || r.method === "PUT") && /schedulerequests/i.test(r.path)).length;
}

export function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing our own colour codes
  return s.replace(/\u001b\[[0-9;]*m/g, "");
}
