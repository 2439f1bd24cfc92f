import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  browserProgram,
  builtOrFail,
  pimkitBin,
  type RunningEmulator,
  scratch,
  startEmulatorProcess,
} from "./harness";

/**
 * The real OS secret store on Linux: a D-Bus session with an unlocked gnome-keyring (Secret
 * Service), the way a desktop provides one. Needs `dbus-run-session` and `gnome-keyring-daemon`.
 */
const available =
  spawnSync("sh", ["-c", "command -v dbus-run-session && command -v gnome-keyring-daemon"]).status === 0;

let emu: RunningEmulator;
let work: ReturnType<typeof scratch>;
beforeAll(async () => {
  builtOrFail();
  if (!available) return;
  emu = await startEmulatorProcess(["--auto-sign-in", admin]);
  work = scratch("pimkit-keyring-");
});
afterAll(async () => {
  await emu?.stop();
  work?.cleanup();
});

describe("tokens in the OS secret store (Secret Service)", () => {
  it.skipIf(!available)(
    "login stores an encrypted cache whose key is in the keyring; later commands use it; logout removes both",
    () => {
      const config = join(work.dir, "config");
      const out = (name: string) => join(work.dir, name);
      const pimkit = `"${process.execPath}" "${pimkitBin}"`;
      const script = [
        "echo -n pimkit-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1",
        `${pimkit} auth login 2>"${out("login.err")}"; echo $? >"${out("login.code")}"`,
        `${pimkit} auth status -o json >"${out("status.json")}"; echo $? >"${out("status.code")}"`,
        `ls "${config}" >"${out("files.txt")}"`,
        `BROWSER= ${pimkit} role list -o json >"${out("list.json")}" 2>"${out("list.err")}"; echo $? >"${out("list.code")}"`,
        `${pimkit} auth logout; echo $? >"${out("logout.code")}"`,
        `BROWSER= ${pimkit} role list >/dev/null 2>&1; echo $? >"${out("after.code")}"`,
      ].join("\n");
      const r = spawnSync("dbus-run-session", ["--", "sh", "-c", script], {
        env: {
          PATH: process.env.PATH ?? "",
          HOME: work.dir,
          PIMKIT_CLOUD: emu.ready.cloudFile,
          PIMKIT_CONFIG_DIR: config,
          BROWSER: browserProgram,
        },
        timeout: 120_000,
      });
      expect(r.status).toBe(0);
      const code = (name: string) => readFileSync(out(name), "utf8").trim();
      expect(code("login.code"), readFileSync(out("login.err"), "utf8")).toBe("0");
      const status = JSON.parse(readFileSync(out("status.json"), "utf8")) as {
        signedIn: boolean;
        tokenStorage: { storage: string; plaintext: boolean; location: string };
      };
      expect(status.signedIn).toBe(true);
      expect(status.tokenStorage).toMatchObject({ storage: "keyring", plaintext: false });
      expect(status.tokenStorage.location).toMatch(/Secret Service/);
      const files = readFileSync(out("files.txt"), "utf8").split("\n");
      expect(files).toContain("token-cache.enc");
      expect(files).not.toContain("token-cache.json");
      expect(code("list.code"), readFileSync(out("list.err"), "utf8")).toBe("0");
      expect((JSON.parse(readFileSync(out("list.json"), "utf8")) as unknown[]).length).toBeGreaterThan(10);
      expect(code("logout.code")).toBe("0");
      expect(code("after.code")).toBe("4");
      expect(existsSync(join(config, "token-cache.enc"))).toBe(false);
      expect(readdirSync(config).filter((f) => f.startsWith("token-cache"))).toEqual([]);
    },
  );
});
