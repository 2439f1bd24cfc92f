import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { validateCloudFile } from "@pimkit/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpsRequest } from "./https-client";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const bin = join(root, "packages/emulator/bin/pimkit-emulator.js");
const bundle = join(root, "packages/emulator/dist/pimkit-emulator.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[]): Run {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NODE_OPTIONS: "" } });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString("utf8");
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("exit", (code, signal) => done({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function firstLine(run: Run, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!run.stdout().includes("\n")) {
    if (Date.now() > deadline) throw new Error(`no ready line; stderr: ${run.stderr()}`);
    if (run.child.exitCode !== null) throw new Error(`exited ${run.child.exitCode}; stderr: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return run.stdout().split("\n")[0] ?? "";
}

describe("pimkit-emulator bin", () => {
  let scratch: string;
  beforeAll(() => {
    // `npm test` builds first; a direct vitest run rebuilds only when the bundle is stale.
    const srcDirs = [join(root, "packages/emulator/src"), join(root, "packages/contracts/src")];
    if (!existsSync(bundle) || statSync(bundle).mtimeMs < Math.max(...srcDirs.map(newestSource))) {
      const r = spawnSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
    }
    scratch = mkdtempSync(join(tmpdir(), "pimkit-bin-test-"));
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it("prints exactly one JSON ready line, writes 0600 files in a 0700 dir, serves HTTPS, and cleans up on SIGTERM", async () => {
    const run = start(["--scenario", "demo", "--port", "0"]);
    try {
      const line = await firstLine(run);
      const ready = JSON.parse(line) as {
        url: string;
        tenantId: string;
        cloudFile: string;
        caCertFile: string;
        users: Array<{ upn: string; oid: string }>;
      };
      expect(Object.keys(ready)).toEqual(["url", "tenantId", "cloudFile", "caCertFile", "users"]);
      expect(ready.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.users[0]).toEqual({ upn: "alex.morgan@contoso.example.com", oid: expect.any(String) });
      for (const u of ready.users) expect(Object.keys(u)).toEqual(["upn", "oid"]);

      const dir = dirname(ready.cloudFile);
      expect(dirname(ready.caCertFile)).toBe(dir);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(ready.cloudFile).mode & 0o777).toBe(0o600);
      expect(statSync(ready.caCertFile).mode & 0o777).toBe(0o600);
      const ca = readFileSync(ready.caCertFile, "utf8");
      const cloudJson = JSON.parse(readFileSync(ready.cloudFile, "utf8")) as Record<string, unknown>;
      // The CLI's own parser accepts it as a cloud file.
      expect(validateCloudFile(cloudJson).problems).toEqual([]);
      expect(cloudJson).toEqual({
        name: "pimkit-local",
        authorityHost: ready.url,
        graphEndpoint: `${ready.url}/graph`,
        armEndpoint: `${ready.url}/arm`,
        graphResource: "https://graph.microsoft.com",
        armResource: "https://management.azure.com",
        caCertPem: ca,
        tenantId: ready.tenantId,
        portalUrl: `${ready.url}/`,
      });

      const res = await httpsRequest(`${ready.url}/${ready.tenantId}/v2.0/.well-known/openid-configuration`, { ca });
      expect(res.status).toBe(200);
      expect(run.stderr()).toContain("Ctrl-C");
      // Nothing but the ready line on stdout, even after serving a request.
      await new Promise((r) => setTimeout(r, 100));
      expect(run.stdout()).toBe(`${line}\n`);

      run.child.kill("SIGTERM");
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(existsSync(dir)).toBe(false);
    } finally {
      run.child.kill("SIGKILL");
    }
  });

  it("stops with exit code 0 on SIGINT", async () => {
    const run = start(["--latency", "5", "--provisioning-delay", "0"]);
    try {
      const ready = JSON.parse(await firstLine(run)) as { cloudFile: string };
      run.child.kill("SIGINT");
      expect((await run.exited).code).toBe(0);
      expect(existsSync(dirname(ready.cloudFile))).toBe(false);
    } finally {
      run.child.kill("SIGKILL");
    }
  });

  it.each([
    [["--bogus"], /Unknown option/],
    [["--port", "-1"], /--port/],
    [["--port", "70000"], /--port/],
    [["--latency", "fast"], /--latency/],
    [["--provisioning-delay", "-3"], /--provisioning-delay/],
    [["--auto-sign-in", "not-a-upn"], /--auto-sign-in/],
    [["--scenario", "/nonexistent/scenario.yaml"], /scenario/],
  ])("refuses %j with exit code 2 and a message on stderr only", async (args, message) => {
    const run = start(args);
    expect((await run.exited).code).toBe(2);
    expect(run.stdout()).toBe("");
    expect(run.stderr()).toMatch(message);
  });

  it("names the JSON path of a bad scenario file and exits 2", async () => {
    const file = join(scratch, "bad.json");
    writeFileSync(
      file,
      JSON.stringify({ tenant: { displayName: "T", domain: "t.example.com" }, users: [{ upn: "u@t.example.com" }] }),
    );
    const run = start(["--scenario", file]);
    expect((await run.exited).code).toBe(2);
    expect(run.stdout()).toBe("");
    expect(run.stderr()).toContain("$.users[0].displayName");
  });

  it("refuses an auto-sign-in user the scenario does not have", async () => {
    const run = start(["--auto-sign-in", "nobody@contoso.example.com"]);
    expect((await run.exited).code).toBe(2);
    expect(run.stdout()).toBe("");
    expect(run.stderr()).toContain("nobody@contoso.example.com");
  });

  it("prints help and version on stdout with exit code 0", async () => {
    const help = start(["--help"]);
    expect((await help.exited).code).toBe(0);
    expect(help.stdout()).toContain("--auto-sign-in");
    const version = start(["--version"]);
    expect((await version.exited).code).toBe(0);
    expect(version.stdout().trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
