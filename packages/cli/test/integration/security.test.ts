import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildAcrsClaims } from "@pimkit/core";
import { filesUnder } from "@pimkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startTenant, type Tenant } from "../helpers";

describe("canaries: tokens, codes and claims never reach output, history or traces", () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await startTenant({ provisioningDelaySeconds: 0 });
  });
  afterAll(async () => {
    await t.close();
  });

  it("leaks 0 canaries across every command, with PIMKIT_DEBUG=api, with and without a terminal", async () => {
    const configDir = t.configDir("canary");
    const capture = join(t.dir, "capture.jsonl");
    const extraEnv = { PIMKIT_DEBUG: "api", PIMKIT_TEST_BROWSER_CAPTURE: capture };
    const outputs: string[] = [];
    const run = async (argv: string[], tty = false) => {
      const r = await t.run(argv, { configDir, extraEnv, tty });
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    expect((await run(["auth", "login"])).exitCode).toBe(0);
    await run(["auth", "status", "-o", "json"]);
    await run(["auth", "status"], true);
    await run(["role", "list", "-o", "json"]);
    await run(["role", "list"], true);
    await run(["role", "show", "Global Administrator", "-o", "yaml"]);
    // c1 roles on Graph and ARM: a claims step-up with its own sign-in.
    expect(
      (
        await run([
          "role",
          "activate",
          "Security Administrator",
          "Owner@rg-web-prod",
          "--justification",
          "canary",
          "-o",
          "json",
        ])
      ).exitCode,
    ).toBe(0);
    // c2: another step-up, on a terminal (progress lines).
    await run(["role", "activate", "Global Administrator", "--justification", "canary"], true);
    await run(["role", "activate", "Exchange Administrator", "--justification", "x"]);
    await run(["request", "list", "-o", "tsv"]);
    await run(["context", "list", "-o", "jsonc"], true);
    await run(["tenant", "list", "-o", "json"]);
    await run(["history", "-o", "json"]);
    await run(["role", "deactivate", "Security Administrator"]);
    await run(["role", "activate", "No Such Role"]);

    const trace = outputs.join("\n");
    expect(trace).toMatch(/api: GET https:\/\/127\.0\.0\.1:\d+\/graph\//);
    expect(trace).toMatch(/api: POST https:\/\/127\.0\.0\.1:\d+\/[^ ]+\/oauth2\/v2\.0\/token/);

    const canaries = new Set<string>();
    for (const line of readFileSync(capture, "utf8").trim().split("\n")) {
      const fields = JSON.parse(line) as Record<string, string>;
      if (fields.code) canaries.add(fields.code);
      if (fields.client_info) canaries.add(fields.client_info);
    }
    expect(canaries.size).toBeGreaterThanOrEqual(3);
    const cache = JSON.parse(readFileSync(join(configDir, "token-cache.json"), "utf8")) as Record<
      string,
      Record<string, { secret?: string }>
    >;
    for (const section of ["AccessToken", "RefreshToken", "IdToken"]) {
      for (const e of Object.values(cache[section] ?? {})) if (e.secret) canaries.add(e.secret);
    }
    // Tokens are JWTs: their signature part alone must not appear either.
    for (const c of [...canaries]) {
      const parts = c.split(".");
      if (parts.length === 3 && parts[2]) canaries.add(parts[2]);
    }
    for (const ids of [["c1"], ["c2"], ["c1", "c2"]]) {
      const claims = buildAcrsClaims(ids) ?? "";
      canaries.add(claims);
      canaries.add(encodeURIComponent(claims));
      canaries.add(Buffer.from(claims).toString("base64"));
    }
    canaries.add('"essential":true');
    canaries.add("xms_cc");

    const stored = readdirSync(configDir)
      .filter((f) => !f.startsWith("token-cache"))
      .map((f) => readFileSync(join(configDir, f), "utf8"));
    const haystacks = [...outputs, ...stored];
    let leaks = 0;
    for (const c of canaries) for (const h of haystacks) if (h.includes(c)) leaks++;
    console.log(
      `SECURITY canaries leaked: ${leaks} (${canaries.size} canaries x ${haystacks.length} outputs and files)`,
    );
    expect(leaks).toBe(0);

    const entries = filesUnder(configDir);
    const loose = entries.filter((e) => (e.dir ? e.mode !== 0o700 : e.mode !== 0o600));
    console.log(`SECURITY files with group/other permissions: ${loose.length} (of ${entries.length})`);
    expect(loose).toEqual([]);
  });
});

describe("hostile names from the tenant print inert", () => {
  const upn = "eve.admin@hostile.example.com";
  const evilGroup =
    "Ops\u001b[31m\u001b]8;;https://evil.example/\u0007RED\u001b]8;;\u0007\u0007\u202eexe.cod<script>x</script>";
  const evilRole = "Evil\u001b[2J\u001b[HRole\u0000\u009b31m\u001bP+q\u001b\\";
  let t: Tenant;
  beforeAll(async () => {
    t = await startTenant({
      autoSignIn: upn,
      provisioningDelaySeconds: 0,
      scenario: {
        name: "hostile",
        tenant: { displayName: "Hostile\u001b[5mCorp", domain: "hostile.example.com" },
        users: [{ upn, displayName: "Eve\u001b[1m Admin", canMfa: true }],
        directoryRoles: [{ displayName: evilRole }],
        groups: [{ displayName: evilGroup }],
        policies: [
          { directoryRole: evilRole, justification: false, ticket: false, mfa: false },
          { group: evilGroup, accessId: "member", justification: false, ticket: false, mfa: false },
        ],
        eligibilities: [
          { principal: upn, directoryRole: evilRole },
          { principal: upn, group: evilGroup, accessId: "member" },
        ],
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  // Our own output may colour text (SGR) and, on a terminal, redraw lines; nothing else.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting on control characters
  const ours = /\u001b\[[0-9;]*m|\u001b\[\d*A|\u001b\[2K/g;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting on control characters
  const dangerous = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it("every format, with and without a terminal, strips escapes and controls", async () => {
    const configDir = t.configDir();
    expect((await t.run(["auth", "login"], { configDir })).exitCode).toBe(0);
    let checked = 0;
    let executed = 0;
    for (const tty of [false, true]) {
      for (const argv of [
        ["role", "list"],
        ["role", "list", "-o", "json"],
        ["role", "list", "-o", "jsonc"],
        ["role", "list", "-o", "tsv"],
        ["role", "list", "-o", "yaml"],
        ["role", "show", "OpsREDexe.cod<script>x</script>"],
        ["role", "activate", "OpsREDexe.cod<script>x</script>:member", "-o", "json"],
        ["role", "activate", "EvilRole"],
        ["history"],
        ["role", "show", "Nope"],
      ]) {
        const r = await t.run(argv, { configDir, tty });
        for (const text of [r.stdout, r.stderr]) {
          checked++;
          if (dangerous.test(text.replace(ours, ""))) executed++;
        }
      }
    }
    console.log(`SECURITY hostile-name outputs with live escapes: ${executed} (of ${checked})`);
    expect(executed).toBe(0);
    const list = json<{ name: string }[]>(await t.run(["role", "list", "-o", "json"], { configDir }));
    expect(list.map((r) => r.name).sort()).toEqual(["EvilRole", "OpsREDexe.cod<script>x</script>"]);
    const activated = json<{ outcome: string }[]>(
      await t.run(["role", "activate", "EvilRole", "-o", "json"], { configDir }),
    );
    expect(["activated", "already-active"]).toContain(activated[0]?.outcome);
  });
});
