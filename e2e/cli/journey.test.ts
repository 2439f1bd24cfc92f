import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
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

/**
 * The built `pimkit` binary against `pimkit-emulator` running as its own process: what a user does
 * in a day, start to end.
 */
let emu: RunningEmulator;
let work: ReturnType<typeof scratch>;
let env: Record<string, string>;
const browserLog = () => join(work.dir, "browser.log");
const signIns = () =>
  readFileSync(browserLog(), "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { acrs: string[] });

beforeAll(async () => {
  builtOrFail();
  emu = await startEmulatorProcess(["--auto-sign-in", admin, "--provisioning-delay", "0"]);
  work = scratch("pimkit-e2e-");
  env = {
    HOME: work.dir,
    PIMKIT_CLOUD: emu.ready.cloudFile,
    PIMKIT_CONFIG_DIR: join(work.dir, "config"),
    PIMKIT_TOKEN_CACHE: "file",
    BROWSER: browserProgram,
    PIMKIT_TEST_BROWSER_LOG: browserLog(),
  };
});
afterAll(async () => {
  await emu?.stop();
  work?.cleanup();
});

describe("a day with pimkit", () => {
  it("auth login through the BROWSER program", async () => {
    const r = await pimkit(["auth", "login"], env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`signed in as ${admin}`);
    expect(statSync(join(env.PIMKIT_CONFIG_DIR ?? "", "token-cache.json")).mode & 0o777).toBe(0o600);
    expect(signIns().length).toBe(1);
  });

  it("role list -o json", async () => {
    const r = await pimkit(["role", "list", "-o", "json"], env);
    expect(r.exitCode, r.stderr).toBe(0);
    const roles = JSON.parse(r.stdout) as { name: string; state: string; kind: string }[];
    expect(roles.some((x) => x.name === "Global Reader" && x.state === "eligible")).toBe(true);
    expect(new Set(roles.map((x) => x.kind)).size).toBe(3);
  });

  it("every output format and --query work from the built binary", async () => {
    const yaml = await pimkit(["role", "list", "--kind", "group", "-o", "yaml"], env);
    expect(yaml.exitCode, yaml.stderr).toBe(0);
    expect(yaml.stdout).toMatch(/^- id: group-/m);
    const tsv = await pimkit(["role", "list", "--kind", "group", "--query", "[].[name, accessId]", "-o", "tsv"], env);
    expect(tsv.stdout).toMatch(/PIM-Tier0-Operators\towner/);
    const jsonc = await pimkit(["context", "list", "-o", "jsonc"], env);
    expect(JSON.parse(jsonc.stdout).length).toBeGreaterThan(0);
    const table = await pimkit(["role", "list", "--eligible"], env);
    expect(table.stdout).toMatch(/^NAME\s+KIND\s+SCOPE/);
    expect((await pimkit(["role", "list", "-o", "none"], env)).stdout).toBe("");
    const completion = await pimkit(["completion", "bash"], env);
    expect(completion.stdout).toContain("complete -F _pimkit pimkit");
  });

  it("activates a justification role", async () => {
    const r = await pimkit(
      ["role", "activate", "Global Reader", "--justification", "access review", "--duration", "1h", "-o", "json"],
      env,
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ outcome: "activated", duration: "PT1H" });
  });

  it("activates a ticket role (and refuses it without the ticket, exit 2)", async () => {
    const refused = await pimkit(["role", "activate", "Exchange Administrator", "--justification", "x"], env);
    expect(refused.exitCode).toBe(2);
    const r = await pimkit(
      [
        "role",
        "activate",
        "Exchange Administrator",
        "--justification",
        "migration",
        "--ticket-system",
        "ServiceNow",
        "--ticket-number",
        "CHG1",
        "-o",
        "json",
      ],
      env,
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)[0].outcome).toBe("activated");
  });

  it("activates c1 roles on two planes with one step-up sign-in for the whole batch", async () => {
    const before = signIns().length;
    const r = await pimkit(
      [
        "role",
        "activate",
        "Security Administrator",
        "Owner@rg-web-prod",
        "PIM-KeyVault-BreakGlass:member",
        "--justification",
        "incident 7",
        "-o",
        "json",
      ],
      env,
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { outcome: string }[]).map((x) => x.outcome)).toEqual([
      "activated",
      "activated",
      "activated",
    ]);
    const added = signIns().slice(before);
    expect(added.length).toBe(1);
    expect(added[0]?.acrs).toEqual(["c1"]);
  });

  it("an approval role: exit 8, approved through the emulator admin API, then --wait succeeds", async () => {
    const r = await pimkit(
      ["role", "activate", "Privileged Role Administrator", "--justification", "break glass", "-o", "json"],
      env,
    );
    expect(r.exitCode, r.stderr).toBe(8);
    const [pending] = JSON.parse(r.stdout) as { outcome: string; requestId: string }[];
    expect(pending?.outcome).toBe("pending");
    const list = (await emu.admin("GET", "approvals")).body as { value: { id: string; requestId: string }[] };
    const approval = list.value.find((a) => a.requestId === pending?.requestId);
    expect(approval).toBeDefined();
    // Wait in the background while the approver decides.
    const waiting = pimkit(
      [
        "role",
        "activate",
        "Privileged Role Administrator",
        "--justification",
        "break glass",
        "--wait",
        "--timeout",
        "60s",
        "-o",
        "json",
      ],
      env,
    );
    await new Promise((res) => setTimeout(res, 300));
    const decided = await emu.admin("POST", `approvals/${approval?.id}/approve`, { justification: "ok" });
    expect(decided.status).toBe(200);
    const waited = await waiting;
    expect(waited.exitCode, waited.stderr).toBe(0);
    const [res] = JSON.parse(waited.stdout) as { outcome: string }[];
    expect(["activated", "already-active"]).toContain(res?.outcome);
    const listed = JSON.parse(
      (await pimkit(["role", "show", "Privileged Role Administrator", "-o", "json"], env)).stdout,
    ) as { state: string };
    expect(listed.state).toBe("active");
  });

  it("deactivates (after PIM's 5-minute minimum)", async () => {
    const early = await pimkit(["role", "deactivate", "Global Reader"], env);
    expect(early.exitCode).toBe(1);
    expect((await emu.admin("POST", "clock", { advanceSeconds: 360 })).status).toBe(200);
    const r = await pimkit(["role", "deactivate", "Global Reader", "-o", "json"], env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)[0].outcome).toBe("deactivated");
  });

  it("profiles: save, list, show, activate with --profile, delete", async () => {
    expect(
      (
        await pimkit(
          ["profile", "save", "readers", "Reports Reader", "Reader@Contoso Platform", "--duration", "2h"],
          env,
        )
      ).exitCode,
    ).toBe(0);
    expect((await pimkit(["profile", "list"], env)).stdout).toMatch(/readers\s+Reports Reader, Reader\s+PT2H/);
    expect(JSON.parse((await pimkit(["profile", "show", "readers", "--json"], env)).stdout).roles.length).toBe(2);
    const act = await pimkit(["role", "activate", "--profile", "readers", "-o", "json"], env);
    expect(act.exitCode, act.stderr).toBe(0);
    expect((JSON.parse(act.stdout) as { duration: string }[]).every((x) => x.duration === "PT2H")).toBe(true);
    expect((await pimkit(["profile", "delete", "readers"], env)).exitCode).toBe(0);
  });

  it("history has every operation; logout removes the tokens", async () => {
    const h = JSON.parse((await pimkit(["history", "-o", "json"], env)).stdout) as { command: string }[];
    expect(h.filter((e) => e.command === "role activate").length).toBeGreaterThanOrEqual(5);
    expect((await pimkit(["auth", "logout"], env)).exitCode).toBe(0);
    const after = await pimkit(["role", "list"], { ...env, BROWSER: "" });
    expect(after.exitCode).toBe(4);
    expect(after.stderr).toMatch(/pimkit auth login/);
  });

  it("without a usable OS secret store and without opt-in: exit 4, nothing written", async () => {
    const { PIMKIT_TOKEN_CACHE: _drop, ...rest } = env;
    const dir = join(work.dir, "no-keyring");
    const r = await pimkit(["auth", "login"], {
      ...rest,
      PIMKIT_CONFIG_DIR: dir,
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus",
    });
    if (r.exitCode === 0) {
      // A real secret store answered on this machine: tokens went there, encrypted.
      expect(readFileSync(join(dir, "token-cache.enc"), "utf8")).not.toContain("RefreshToken");
      return;
    }
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/--token-cache file/);
  });
});
