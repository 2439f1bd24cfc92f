import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtOrFail, pimkit, pimkitBin, scratch } from "./harness";

let work: ReturnType<typeof scratch>;
beforeAll(() => {
  builtOrFail();
  work = scratch("pimkit-kill-");
});
afterAll(() => work?.cleanup());

/** Starts `pimkit config set` and kills it with SIGKILL after `afterMs`. */
function killedWrite(env: Record<string, string>, value: string, afterMs: number): Promise<void> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [pimkitBin, "config", "set", "tenant", value], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: "ignore",
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), afterMs);
    child.on("exit", () => {
      clearTimeout(timer);
      res();
    });
  });
}

describe("state survives kill -9 in the middle of a write", () => {
  it("config.json is always one complete version, never half-written, and nothing is lost", async () => {
    const env = { PIMKIT_CONFIG_DIR: join(work.dir, "config"), HOME: work.dir };
    const written = new Set<string>();
    const first = `tenant-${"x".repeat(2000)}-0`;
    expect((await pimkit(["config", "set", "tenant", first], env)).exitCode).toBe(0);
    written.add(first);
    let killed = 0;
    const rounds = 24;
    for (let i = 1; i <= rounds; i++) {
      const value = `tenant-${"y".repeat(2000 + i * 37)}-${i}`;
      written.add(value);
      // Kill points spread over start-up, the write itself and the rename.
      await killedWrite(env, value, 20 + ((i * 53) % 260));
      killed++;
      const text = readFileSync(join(env.PIMKIT_CONFIG_DIR, "config.json"), "utf8");
      const doc = JSON.parse(text) as { version: number; settings: { tenant: string } };
      expect(doc.version).toBe(1);
      expect(written.has(doc.settings.tenant)).toBe(true);
    }
    const check = await pimkit(["config", "list", "-o", "json"], env);
    expect(check.exitCode).toBe(0);
    expect(check.stderr).not.toMatch(/could not be read/);
    const files = readdirSync(env.PIMKIT_CONFIG_DIR);
    expect(files.filter((f) => f.includes(".corrupt-"))).toEqual([]);
    console.log(`ROBUSTNESS kill -9 during config writes: ${killed} kills, 0 half-written files`);
  });

  it("a damaged history file is reported and kept aside; the next operation still records", async () => {
    const env = { PIMKIT_CONFIG_DIR: join(work.dir, "config2"), HOME: work.dir };
    expect((await pimkit(["config", "set", "output", "json"], env)).exitCode).toBe(0);
    writeFileSync(join(env.PIMKIT_CONFIG_DIR, "history.json"), '{"version":1,"entries":[{"at":', { mode: 0o600 });
    const r = await pimkit(["history"], env);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/history\.json could not be read/);
    const aside = readdirSync(env.PIMKIT_CONFIG_DIR).filter((f) => f.startsWith("history.json.corrupt-"));
    expect(aside.length).toBe(1);
    expect(readFileSync(join(env.PIMKIT_CONFIG_DIR, aside[0] ?? ""), "utf8")).toBe('{"version":1,"entries":[{"at":');
  });
});
