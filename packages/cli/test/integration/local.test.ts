import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../src/commands/index";
import { runCli } from "../../src/run-cli";
import { json } from "../helpers";

let dir: string;
const env = () => ({ PIMKIT_CONFIG_DIR: join(dir, "config"), PATH: process.env.PATH ?? "" });
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pimkit-local-"));
});
afterAll(() => undefined);

describe("help, version and exit codes", () => {
  it("--version prints the version; bare pimkit prints help", async () => {
    const v = await runCli(["--version"]);
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const bare = await runCli([]);
    expect(bare.exitCode).toBe(0);
    expect(bare.stdout).toMatch(/Usage:/);
  });

  it("every command has generated help with usage, flags and examples", async () => {
    for (const c of commands) {
      const r = await runCli([...c.path, "--help"]);
      expect(r.exitCode, c.path.join(" ")).toBe(0);
      expect(r.stdout).toContain(`pimkit ${c.path.join(" ")}`);
      expect(r.stdout).toContain("Examples:");
      for (const [flag, spec] of Object.entries(c.flags)) {
        if (!spec.hidden) expect(r.stdout, `${c.path.join(" ")} --${flag}`).toContain(`--${flag}`);
      }
      const viaHelp = await runCli(["help", ...c.path]);
      expect(viaHelp.stdout).toBe(r.stdout);
    }
  });

  it("help exit-codes and help environment list the contract", async () => {
    const codes = await runCli(["help", "exit-codes"]);
    for (const c of ["0", "1", "2", "4", "8", "130"]) expect(codes.stdout).toMatch(new RegExp(`^\\s+${c}\\s`, "m"));
    const env = await runCli(["help", "environment"]);
    for (const v of [
      "PIMKIT_TENANT",
      "PIMKIT_CLIENT_ID",
      "PIMKIT_CLOUD",
      "PIMKIT_CONFIG_DIR",
      "PIMKIT_TOKEN_CACHE",
      "PIMKIT_DEBUG",
      "NO_COLOR",
      "BROWSER",
    ]) {
      expect(env.stdout).toContain(v);
    }
  });

  it("unknown commands and flags are usage errors (exit 2) with a suggestion", async () => {
    const r = await runCli(["rol", "list"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/Did you mean "role"/);
    const verb = await runCli(["role", "activat"]);
    expect(verb.exitCode).toBe(2);
    expect(verb.stderr).toMatch(/Did you mean "activate"/);
    expect((await runCli(["role"])).exitCode).toBe(0);
    expect((await runCli(["help", "nothing"])).exitCode).toBe(2);
    expect((await runCli(["config", "get"])).exitCode).toBe(2);
    expect((await runCli(["config", "get", "a", "b"])).exitCode).toBe(2);
  });
});

describe("config", () => {
  it("set, get, list, unset (table and json); values are validated", async () => {
    expect((await runCli(["config", "set", "output", "json"], { env: env() })).exitCode).toBe(0);
    expect((await runCli(["config", "get", "output", "-o", "table"], { env: env() })).stdout).toBe("json\n");
    expect(json<string>(await runCli(["config", "get", "output", "-o", "json"], { env: env() }))).toBe("json");
    // The config file's default output applies when no flag is given…
    const listed = await runCli(["config", "list"], { env: env() });
    expect(JSON.parse(listed.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: "output", value: "json" })]),
    );
    // …and a flag wins over it.
    expect((await runCli(["config", "list", "-o", "table"], { env: env() })).stdout).toMatch(/^KEY\s+VALUE/);
    expect((await runCli(["config", "set", "output", "xml"], { env: env() })).exitCode).toBe(2);
    expect((await runCli(["config", "set", "colour", "x"], { env: env() })).exitCode).toBe(2);
    expect((await runCli(["config", "set", "cloud", "mars"], { env: env() })).exitCode).toBe(2);
    expect((await runCli(["config", "set", "cloud", "usgov"], { env: env() })).exitCode).toBe(0);
    expect((await runCli(["config", "unset", "output"], { env: env() })).exitCode).toBe(0);
    expect((await runCli(["config", "get", "output"], { env: env() })).stdout).toBe("");
    const file = join(dir, "config", "config.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "config")).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ version: 1, settings: { cloud: "usgov" } });
  });

  it("a config file others can write is refused", async () => {
    const d = mkdtempSync(join(tmpdir(), "pimkit-perm-"));
    writeFileSync(join(d, "config.json"), JSON.stringify({ version: 1, settings: { tenant: "evil" } }), {
      mode: 0o666,
    });
    execFileSync("chmod", ["666", join(d, "config.json")]);
    const r = await runCli(["config", "list"], { env: { PIMKIT_CONFIG_DIR: d } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/writable by other users/);
  });

  it("a corrupt config file is reported, kept aside, and pimkit goes on", async () => {
    const d = mkdtempSync(join(tmpdir(), "pimkit-corrupt-"));
    writeFileSync(join(d, "config.json"), JSON.stringify({ version: 1, settings: { tenant: 42 } }), { mode: 0o600 });
    const r = await runCli(["config", "list", "-o", "json"], { env: { PIMKIT_CONFIG_DIR: d } });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/could not be read .*moved to/);
    const aside = readFileSync(r.stderr.match(/moved to (\S+config\.json\.corrupt-\S+?) and/)?.[1] ?? "", "utf8");
    expect(aside).toContain('"tenant":42');
  });
});

describe("completion", () => {
  it("prints scripts for bash, zsh, fish and pwsh naming every command; bash parses", async () => {
    for (const shell of ["bash", "zsh", "fish", "pwsh"]) {
      const r = await runCli(["completion", shell]);
      expect(r.exitCode, shell).toBe(0);
      for (const c of commands) expect(r.stdout, `${shell}: ${c.path.join(" ")}`).toContain(c.path.at(-1) ?? "");
      expect(r.stdout).toContain("justification");
    }
    const bash = (await runCli(["completion", "bash"])).stdout;
    const check = spawnSync("bash", ["-n"], { input: bash });
    expect(check.status).toBe(0);
    const probe = spawnSync("bash", [
      "-c",
      `${bash}\nCOMP_WORDS=(pimkit role act); COMP_CWORD=2; _pimkit; echo "\${COMPREPLY[@]}"`,
    ]);
    expect(probe.stdout.toString().trim()).toBe("activate");
    const flags = spawnSync("bash", [
      "-c",
      `${bash}\nCOMP_WORDS=(pimkit role activate --ju); COMP_CWORD=3; _pimkit; echo "\${COMPREPLY[@]}"`,
    ]);
    expect(flags.stdout.toString().trim()).toBe("--justification");
    expect((await runCli(["completion", "tcsh"])).exitCode).toBe(2);
  });
});

describe("emulator start", () => {
  it("prints the same ready line as pimkit-emulator and stops on interrupt", async () => {
    const ac = new AbortController();
    let onReady: (line: string) => void = () => undefined;
    const ready = new Promise<string>((resolve) => {
      onReady = resolve;
    });
    const running = runCli(["emulator", "start", "--port", "0", "--latency", "0"], {
      signal: ac.signal,
      onStdout: (s) => onReady(s),
    });
    const first = await ready;
    const cloud = JSON.parse(readFileSync(JSON.parse(first).cloudFile, "utf8")) as {
      caCertPem: string;
      authorityHost: string;
    };
    expect(cloud.caCertPem).toMatch(/BEGIN CERTIFICATE/);
    ac.abort();
    const r = await running;
    expect(r.exitCode).toBe(0);
    const line = JSON.parse(r.stdout.split("\n")[0] ?? "") as { url: string; users: { upn: string }[] };
    expect(Object.keys(line)).toEqual(["url", "tenantId", "cloudFile", "caCertFile", "users"]);
    expect(line.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(line.users[0]?.upn).toBe("alex.morgan@contoso.example.com");
  });

  it("refuses bad flags like the emulator bin (exit 2)", async () => {
    expect((await runCli(["emulator", "start", "--port", "99999"])).exitCode).toBe(2);
    expect((await runCli(["emulator", "start", "--version"])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await runCli(["emulator", "start", "--auto-sign-in", "nobody"])).exitCode).toBe(2);
    expect((await runCli(["emulator", "start", "--latency", "-1"])).exitCode).toBe(2);
    expect((await runCli(["emulator", "start", "--scenario", "/nonexistent/scenario.json"])).exitCode).toBe(2);
  });
});

describe("portal", () => {
  it("serves the built portal for the current cloud on loopback until interrupted", async () => {
    const ac = new AbortController();
    let onUrl: (s: string) => void = () => undefined;
    const url = new Promise<string>((resolve) => {
      onUrl = resolve;
    });
    const running = runCli(["portal", "--port", "0"], {
      signal: ac.signal,
      env: env(),
      onStdout: (s) => onUrl(s.trim()),
    });
    const base = await url;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const config = (await (await fetch(`${base}config.json`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(config)).toContain("login.microsoftonline");
    const index = await fetch(base);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    ac.abort();
    expect((await running).exitCode).toBe(0);
    expect((await runCli(["portal", "--port", "x"], { env: env() })).exitCode).toBe(2);
  });
});

describe("clouds", () => {
  it("built-in clouds are data: usgov and china change every host", async () => {
    for (const [cloud, host] of [
      ["usgov", "https://login.microsoftonline.us"],
      ["china", "https://login.chinacloudapi.cn"],
      ["public", "https://login.microsoftonline.com"],
    ]) {
      const r = await runCli(["auth", "status", "-o", "json", "--cloud", cloud ?? "", "--token-cache", "memory"], {
        env: env(),
      });
      expect(json<{ cloud: { name: string; authorityHost: string } }>(r).cloud).toMatchObject({
        name: cloud,
        authorityHost: host,
      });
    }
    const viaEnv = await runCli(["auth", "status", "-o", "json", "--token-cache", "memory"], {
      env: { ...env(), PIMKIT_CLOUD: "china" },
    });
    expect(json<{ cloud: { name: string } }>(viaEnv).cloud.name).toBe("china");
    const bad = await runCli(["auth", "status", "--cloud", join(dir, "missing.json")], { env: env() });
    expect(bad.exitCode).toBe(2);
    writeFileSync(
      join(dir, "http-cloud.json"),
      JSON.stringify({ name: "x", authorityHost: "http://a", graphEndpoint: "https://b", armEndpoint: "https://c" }),
    );
    const insecure = await runCli(["auth", "status", "--cloud", join(dir, "http-cloud.json")], { env: env() });
    expect(insecure.exitCode).toBe(2);
    expect(insecure.stderr).toMatch(/authorityHost must be an https URL/);
  });
});
