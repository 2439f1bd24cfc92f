import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCodeCache } from "../../packages/cli/src/code-cache";
import {
  admin,
  browserProgram,
  builtOrFail,
  median,
  pimkit,
  type RunningEmulator,
  scratch,
  startEmulatorProcess,
} from "./harness";

/**
 * Start-up figures of the built binary (B3). Printed, not asserted against a time: the machine
 * running the suite sets the numbers; the test asserts the work was done.
 */
let emu: RunningEmulator;
let work: ReturnType<typeof scratch>;
beforeAll(async () => {
  builtOrFail();
  emu = await startEmulatorProcess(["--auto-sign-in", admin, "--scenario", "demo"]);
  work = scratch("pimkit-startup-");
});
afterAll(async () => {
  await emu?.stop();
  work?.cleanup();
});

describe("start-up", () => {
  it("median of 10 cold runs: --version, help, and role list -o json with a warm token cache", async () => {
    const env = {
      HOME: work.dir,
      PIMKIT_CLOUD: emu.ready.cloudFile,
      PIMKIT_CONFIG_DIR: join(work.dir, "config"),
      PIMKIT_TOKEN_CACHE: "file",
      BROWSER: browserProgram,
    };
    const version: number[] = [];
    const help: number[] = [];
    for (let i = 0; i < 10; i++) {
      const v = await pimkit(["--version"], env);
      expect(v.exitCode).toBe(0);
      version.push(v.ms);
      const h = await pimkit(["role", "activate", "--help"], env);
      expect(h.exitCode).toBe(0);
      help.push(h.ms);
    }
    expect((await pimkit(["auth", "login"], env)).exitCode).toBe(0);
    // One run fills the policy cache; the next ten are what a user sees every day.
    expect((await pimkit(["role", "list", "-o", "json"], env)).exitCode).toBe(0);
    const list: number[] = [];
    expect((await emu.admin("DELETE", "requests")).status).toBeLessThan(300);
    for (let i = 0; i < 10; i++) {
      const r = await pimkit(["role", "list", "-o", "json"], env);
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout).length).toBeGreaterThan(10);
      list.push(r.ms);
    }
    // Valid cached tokens are used as they are: no discovery, no refresh, no sign-in of any kind.
    const log = (await emu.admin("GET", "requests")).body as { value: Array<{ surface: string; path: string }> };
    expect(log.value.length).toBeGreaterThan(0);
    expect(log.value.filter((e) => e.surface === "entra").map((e) => e.path)).toEqual([]);
    const bare: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const { spawnSync } = await import("node:child_process");
      spawnSync(process.execPath, ["-e", "0"]);
      bare.push(performance.now() - started);
    }
    console.log(
      `STARTUP median of 10 cold runs: node -e 0 ${median(bare).toFixed(0)} ms; pimkit --version ${median(version).toFixed(0)} ms; ` +
        `pimkit role activate --help ${median(help).toFixed(0)} ms; pimkit role list -o json (demo, warm token cache) ${median(list).toFixed(0)} ms`,
    );
  });
});

describe("the code cache of the built binary", () => {
  /** The cache file under the config folder, and how many times it was saved (as the binary reads it). */
  function cacheState(config: string): { files: string[]; saves: number | undefined; bytes?: Buffer } {
    const dir = join(config, "code-cache");
    const files = existsSync(dir) ? readdirSync(dir) : [];
    const file = files.find((f) => f.endsWith(".v8"));
    if (!file) return { files, saves: undefined };
    return { files, saves: readCodeCache(dir, join(dir, file))?.saves, bytes: readFileSync(join(dir, file)) };
  }

  it("is written by the first run, saved again by the next three, then only read; output never changes", async () => {
    const config = join(work.dir, "cache-config");
    const env = { HOME: work.dir, PIMKIT_CONFIG_DIR: config };
    const outputs = new Set<string>();
    const saves: Array<number | undefined> = [];
    for (let i = 0; i < 6; i++) {
      const r = await pimkit(["role", "activate", "--help"], env);
      expect(r.exitCode).toBe(0);
      outputs.add(r.stdout);
      saves.push(cacheState(config).saves);
    }
    expect(saves).toEqual([1, 2, 3, 4, 4, 4]);
    expect(outputs.size).toBe(1);
    const dir = join(config, "code-cache");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [file] = cacheState(config).files;
    expect(file).toBeDefined();
    expect(statSync(join(dir, file as string)).mode & 0o777).toBe(0o600);
    const before = cacheState(config).bytes;
    expect((await pimkit(["role", "activate", "--help"], env)).exitCode).toBe(0);
    expect(cacheState(config).bytes?.equals(before as Buffer)).toBe(true);
  });

  it("a damaged or foreign cache changes nothing but the time: the binary compiles afresh and replaces it", async () => {
    const config = join(work.dir, "damaged-config");
    const env = { HOME: work.dir, PIMKIT_CONFIG_DIR: config };
    const first = await pimkit(["role", "activate", "--help"], env);
    expect(first.exitCode).toBe(0);
    const [file] = cacheState(config).files;
    const path = join(config, "code-cache", file as string);
    // Our header with V8 data that is not V8's: V8 refuses it.
    writeFileSync(path, Buffer.concat([Buffer.from("PKC1"), Buffer.of(4), Buffer.alloc(4096, 0x5a)]), { mode: 0o600 });
    const second = await pimkit(["role", "activate", "--help"], env);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(cacheState(config).saves).toBe(1);
    // Not ours at all: ignored, then replaced.
    writeFileSync(path, "garbage", { mode: 0o600 });
    const third = await pimkit(["role", "activate", "--help"], env);
    expect(third.stdout).toBe(first.stdout);
    expect(cacheState(config).saves).toBe(1);
  });
});
