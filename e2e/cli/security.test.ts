import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { filesUnder } from "@pimkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  browserProgram,
  builtOrFail,
  pimkit,
  type RunningEmulator,
  scratch,
  startEmulatorProcess,
} from "./harness";

let work: ReturnType<typeof scratch>;
beforeAll(() => {
  builtOrFail();
  work = scratch("pimkit-e2e-sec-");
});
afterAll(() => work?.cleanup());

function claimsForms(ids: string[]): string[] {
  const claims = JSON.stringify({ access_token: { acrs: { essential: true, values: ids } } });
  return [claims, encodeURIComponent(claims), Buffer.from(claims).toString("base64")];
}

describe("the built binary never prints a secret", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulatorProcess(["--auto-sign-in", admin, "--provisioning-delay", "0"]);
  });
  afterAll(async () => emu?.stop());

  it("canary token, auth code and claims: 0 in stdout, stderr, history and PIMKIT_DEBUG=api traces; files 0600/0700", async () => {
    const config = join(work.dir, "config");
    const capture = join(work.dir, "capture.jsonl");
    const env = {
      HOME: work.dir,
      PIMKIT_CLOUD: emu.ready.cloudFile,
      PIMKIT_CONFIG_DIR: config,
      PIMKIT_TOKEN_CACHE: "file",
      BROWSER: browserProgram,
      PIMKIT_DEBUG: "api",
      PIMKIT_TEST_BROWSER_CAPTURE: capture,
    };
    const outputs: string[] = [];
    for (const argv of [
      ["auth", "login"],
      ["role", "list", "-o", "json"],
      ["role", "activate", "Security Administrator", "Owner@rg-web-prod", "--justification", "canary", "-o", "json"],
      ["auth", "status", "-o", "json"],
      ["request", "list"],
      ["history", "-o", "yaml"],
    ]) {
      const r = await pimkit(argv, env);
      expect(r.exitCode, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
      outputs.push(r.stdout, r.stderr);
    }
    expect(outputs.join("")).toMatch(/api: POST https:\/\/127\.0\.0\.1:\d+\/[^ ]+\/token/);
    const canaries = new Set<string>([...claimsForms(["c1"]), "xms_cc", '"essential":true']);
    for (const line of readFileSync(capture, "utf8").trim().split("\n")) {
      const f = JSON.parse(line) as Record<string, string>;
      if (f.code) canaries.add(f.code);
    }
    const cache = JSON.parse(readFileSync(join(config, "token-cache.json"), "utf8")) as Record<
      string,
      Record<string, { secret?: string }>
    >;
    for (const section of ["AccessToken", "RefreshToken", "IdToken"]) {
      for (const e of Object.values(cache[section] ?? {})) {
        if (!e.secret) continue;
        canaries.add(e.secret);
        const sig = e.secret.split(".")[2];
        if (sig) canaries.add(sig);
      }
    }
    // Every file pimkit keeps, in every folder (the code cache too), except the token cache itself.
    const entries = filesUnder(config);
    const files = entries
      .filter((e) => !e.dir && !basename(e.path).startsWith("token-cache"))
      .map((e) => readFileSync(e.path, "latin1"));
    let leaks = 0;
    for (const c of canaries) for (const h of [...outputs, ...files]) if (h.includes(c)) leaks++;
    console.log(`SECURITY (built binary) canaries leaked: ${leaks} (${canaries.size} canaries)`);
    expect(leaks).toBe(0);
    expect(entries.some((e) => e.path.includes("code-cache") && !e.dir)).toBe(true);
    expect(entries.filter((e) => (e.dir ? e.mode !== 0o700 : e.mode !== 0o600))).toEqual([]);
  });
});

describe("hostile names from the tenant", () => {
  it("print inert from the built binary", async () => {
    const upn = "eve@hostile.example.com";
    const evil = "Ops\u001b[31m\u001b]8;;https://evil.example/\u0007RED\u001b]8;;\u0007\u202eexe\u0007";
    const scenarioFile = join(work.dir, "hostile.json");
    writeFileSync(
      scenarioFile,
      JSON.stringify({
        name: "hostile",
        tenant: { displayName: "Hostile", domain: "hostile.example.com" },
        users: [{ upn, displayName: "Eve", canMfa: true }],
        groups: [{ displayName: evil }],
        policies: [{ group: evil, accessId: "member", justification: false, ticket: false, mfa: false }],
        eligibilities: [{ principal: upn, group: evil, accessId: "member" }],
      }),
    );
    const emu = await startEmulatorProcess([
      "--scenario",
      scenarioFile,
      "--auto-sign-in",
      upn,
      "--provisioning-delay",
      "0",
    ]);
    try {
      const env = {
        HOME: work.dir,
        PIMKIT_CLOUD: emu.ready.cloudFile,
        PIMKIT_CONFIG_DIR: join(work.dir, "hostile-config"),
        PIMKIT_TOKEN_CACHE: "file",
        BROWSER: browserProgram,
      };
      expect((await pimkit(["auth", "login"], env)).exitCode).toBe(0);
      const outs: string[] = [];
      for (const argv of [
        ["role", "list"],
        ["role", "list", "-o", "tsv"],
        ["role", "activate", "OpsREDexe:member"],
        ["history"],
      ]) {
        const r = await pimkit(argv, env);
        outs.push(r.stdout, r.stderr);
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting no control characters are printed
      const live = outs.filter((o) => /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(o)).length;
      console.log(`SECURITY (built binary) hostile-name outputs with live escapes: ${live} (of ${outs.length})`);
      expect(live).toBe(0);
      expect(outs.join("")).toContain("OpsREDexe");
    } finally {
      await emu.stop();
    }
  });
});
