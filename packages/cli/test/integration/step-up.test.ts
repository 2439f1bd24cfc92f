import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startTenant, type Tenant } from "../helpers";

/** A user who cannot satisfy authentication context c2 (no passkey): the failure is reported once, never looped. */
const limited = "sam.lindqvist@contoso.example.com";
let t: Tenant;
beforeAll(async () => {
  t = await startTenant({ autoSignIn: limited, provisioningDelaySeconds: 0 });
});
afterAll(async () => {
  await t.close();
});

describe("a step-up the user cannot satisfy", () => {
  it("fails that role with exit 1 after one sign-in attempt; the c1 role in the same batch still activates", async () => {
    const configDir = t.configDir();
    const log = join(t.dir, "browser.log");
    const extraEnv = { PIMKIT_TEST_BROWSER_LOG: log };
    expect((await t.run(["auth", "login"], { configDir, extraEnv })).exitCode).toBe(0);
    const r = await t.run(["role", "activate", "Global Administrator", "--justification", "x", "-o", "json"], {
      configDir,
      extraEnv,
    });
    expect(r.exitCode).toBe(1);
    const [res] = json<{ outcome: string; error: { code: string } | null }[]>(r);
    expect(res?.outcome).toBe("failed");
    expect(res?.error?.code).toMatch(/step_up_failed|auth_context_not_satisfied|sign_in/);
    const signIns = readFileSync(log, "utf8").trim().split("\n").length;
    // One sign-in for login, at most one for the step-up: no loop.
    expect(signIns).toBeLessThanOrEqual(2);
    const ok = await t.run(["role", "activate", "Security Administrator", "--justification", "x", "-o", "json"], {
      configDir,
      extraEnv,
    });
    expect(ok.exitCode).toBe(0);
  });

  it("without a terminal and without BROWSER, a role that needs a step-up exits 4 saying what to run", async () => {
    const configDir = t.configDir();
    expect((await t.run(["auth", "login"], { configDir })).exitCode).toBe(0);
    const r = await t.run(
      ["role", "activate", "PIM-KeyVault-BreakGlass:member", "--justification", "x", "-o", "json"],
      {
        configDir,
        env: { BROWSER: "" },
      },
    );
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/pimkit auth login/);
    expect(json<{ outcome: string }[]>(r)[0]?.outcome).toBe("failed");
    const listed = json<{ name: string; state: string }[]>(
      await t.run(["role", "list", "-o", "json", "--filter", "BreakGlass"], { configDir }),
    );
    expect(listed[0]?.state).toBe("eligible");
  });
});
