import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
