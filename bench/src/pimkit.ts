/**
 * Runs pimkit the way the benchmarks measure it. Two paths:
 * - `cli`: the built binary (`packages/cli/dist/pimkit.cjs`) as its own process, pointed at the
 *   local tenant by its cloud file, with a file token cache signed in beforehand (every run gets
 *   a fresh copy of that signed-in folder: warm tokens, cold policy cache).
 * - `core`: `createPimClient` in the bench's process over the same HTTPS transport, with a
 *   credential signed in before the clock starts (used while the CLI cannot do what is measured).
 * Results always say which path produced them.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Cloud } from "@pimkit/contracts";
import { armScope, graphScopes, qualifyGraphScopes } from "@pimkit/contracts";
import { type ActivationResult, createPimClient, type PimClient, type RoleListing } from "@pimkit/core";
import { createEmulatorCredential, type EmulatorCredential } from "@pimkit/testkit";
import type { EmulatorProcess } from "./emulator-process";
import { repoPath } from "./paths";

export type PimkitPath = "cli" | "core";

export const cliBin = repoPath("packages/cli/dist/pimkit.cjs");
const openUrl = repoPath("bench/lib/open-url.mjs");
const rssProbe = repoPath("bench/lib/rss-probe.mjs");

export function cliAvailable(): boolean {
  return existsSync(cliBin);
}

let snapshot: string | undefined;

/** Removes this process's copy of the CLI build (the next run takes a new one). */
export function releaseCliSnapshot(): void {
  if (!snapshot) return;
  rmSync(dirname(snapshot), { recursive: true, force: true });
  snapshot = undefined;
}

/**
 * The binary every run of this process uses: a copy of the build taken on first use (inside the
 * repository, so its external packages still resolve), so that a rebuild during a long run can
 * neither break it nor mix two builds in one set of figures.
 */
function cliEntry(): string {
  if (snapshot) return snapshot;
  const dir = repoPath(".tmp", "bench", `cli-${process.pid}`);
  const entry = join(dir, basename(cliBin));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  // A copy taken while a build is writing can be incomplete: check that it starts, else retake it.
  for (let attempt = 1; ; attempt++) {
    rmSync(dir, { recursive: true, force: true });
    cpSync(dirname(cliBin), dir, { recursive: true });
    const check = spawnSync(process.execPath, [entry, "--version"], { encoding: "utf8", timeout: 30_000 });
    if (check.status === 0) break;
    if (attempt >= 10) throw new Error(`the built CLI does not start: ${check.stderr.slice(0, 800)}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3_000);
  }
  snapshot = entry;
  return snapshot;
}

export interface ProcessRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak RSS in MiB, when the run was probed. */
  peakRssMb: number | null;
}

export interface CliHome {
  /** A fresh copy of the signed-in folder (warm tokens, nothing else cached). */
  fresh(): string;
  /** Runs the binary with the bench's environment in `dir` (default: a fresh copy). */
  run(args: string[], options?: { dir?: string; probeRss?: boolean }): Promise<ProcessRun>;
  close(): void;
}

function runProcess(args: string[], env: NodeJS.ProcessEnv, rssFile?: string): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      let peakRssMb: number | null = null;
      if (rssFile && existsSync(rssFile)) {
        const kib = Number(readFileSync(rssFile, "utf8"));
        if (Number.isFinite(kib) && kib > 0) peakRssMb = kib / 1024;
      }
      resolve({
        exitCode: code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        wallMs,
        peakRssMb,
      });
    });
  });
}

/**
 * Signs the CLI in once (`pimkit auth login`, completed by the bench's BROWSER helper against a
 * tenant started with --auto-sign-in) and keeps that folder as the template of every run.
 */
export async function prepareCliHome(emu: EmulatorProcess): Promise<CliHome> {
  if (!cliAvailable()) throw new Error(`${cliBin} is missing: run \`npm run build\``);
  const template = mkdtempSync(join(tmpdir(), "pimkit-bench-home-"));
  const scratch: string[] = [template];
  const envFor = (dir: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: dir,
    PIMKIT_CLOUD: emu.cloudFile,
    PIMKIT_TOKEN_CACHE: "file",
    PIMKIT_CONFIG_DIR: dir,
    BROWSER: `"${process.execPath}" "${openUrl}"`,
    PIMKIT_BENCH_CA_FILE: emu.caCertFile,
    NO_COLOR: "1",
  });
  const login = await runProcess([cliEntry(), "auth", "login"], envFor(template));
  if (login.exitCode !== 0) {
    rmSync(template, { recursive: true, force: true });
    throw new Error(`pimkit auth login failed (exit ${login.exitCode}): ${login.stderr.trim().slice(0, 800)}`);
  }
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), "pimkit-bench-run-"));
    cpSync(template, dir, { recursive: true });
    scratch.push(dir);
    return dir;
  };
  return {
    fresh,
    async run(args, options = {}) {
      const dir = options.dir ?? fresh();
      const rssFile = options.probeRss ? join(dir, ".bench-rss") : undefined;
      if (rssFile) rmSync(rssFile, { force: true });
      const env = { ...envFor(dir), ...(rssFile ? { PIMKIT_BENCH_RSS_FILE: rssFile } : {}) };
      const bin = cliEntry();
      const nodeArgs = rssFile ? ["--import", `file://${rssProbe}`, bin, ...args] : [bin, ...args];
      return runProcess(nodeArgs, env, rssFile);
    },
    close() {
      for (const d of scratch) rmSync(d, { recursive: true, force: true });
    },
  };
}

export function readCloud(emu: EmulatorProcess): Cloud {
  return JSON.parse(readFileSync(emu.cloudFile, "utf8")) as Cloud;
}

/** A credential of the local tenant over the pinned transport, signed in to Graph and ARM already. */
export async function signedInCredential(emu: EmulatorProcess, upn: string): Promise<EmulatorCredential> {
  const credential = createEmulatorCredential(
    { url: emu.url, tenantId: emu.tenantId, fetch: emu.fetch },
    { upn, fetch: emu.fetch },
  );
  const cloud = readCloud(emu);
  await credential.getToken(
    qualifyGraphScopes(cloud.graphResource, [...graphScopes.entraRoles, ...graphScopes.groups]),
    {},
  );
  await credential.getToken([armScope(cloud.armResource)], {});
  return credential;
}

/** pimkit's core in this process: a new client (cold policy cache) on a signed-in credential. */
export function coreClient(emu: EmulatorProcess, credential: EmulatorCredential): PimClient {
  return createPimClient({ cloud: readCloud(emu), credential, fetch: emu.fetch });
}

/** Outcome tally of activation results (CLI JSON or core results share the `outcome` field). */
export function tallyOutcomes(results: ReadonlyArray<{ outcome: string; error?: { code?: string } | null }>) {
  const tally: Record<string, number> = {};
  for (const r of results) {
    const key = r.outcome === "failed" ? `failed:${r.error?.code ?? "?"}` : r.outcome;
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
}

export type { ActivationResult, RoleListing };
