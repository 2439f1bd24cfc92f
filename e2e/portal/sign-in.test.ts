/**
 * Sign-in through the local tenant's real sign-in page (no auto sign-in), what the policy matrix
 * shows for every role of the `demo` scenario, the security headers the page is served with, and
 * accessibility of the first two screens.
 */
import { portalSecurityHeaders } from "@pimkit/contracts";
import type { Emulator } from "@pimkit/emulator";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axeSerious,
  completeSignInPage,
  demoAdmin,
  launchBrowser,
  newWatchedContext,
  type PageWatch,
  startEmulator,
} from "./support/portal-harness";

let emu: Emulator;
let browser: Browser;
const watches: PageWatch[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await emu?.close();
  const csp = watches.flatMap((w) => w.csp);
  console.log(`portal sign-in journeys: CSP violations = ${csp.length}`);
});

/** What each demo role's policy asks for, as the matrix must show it (data-req keys, in order). */
const expectedMatrix: Record<string, string[]> = {
  "Reports Reader": ["none", "maxDuration"],
  "Global Reader": ["justification", "maxDuration"],
  "Exchange Administrator": ["justification", "ticket", "maxDuration"],
  "Helpdesk Administrator": ["mfa", "maxDuration"],
  "Security Administrator": ["justification", "authContext", "maxDuration"],
  "Privileged Role Administrator": ["justification", "approval", "maxDuration"],
  "Global Administrator": ["justification", "authContext", "maxDuration"],
  "Application Administrator": ["justification", "maxDuration"],
  "Key Vault Administrator": ["mfa", "maxDuration"],
};

describe("portal sign-in", () => {
  it("signs in with the redirect flow, keeps tokens in sessionStorage only, and draws the eligible table", {
    timeout: 60_000,
  }, async () => {
    const { context, page, watch } = await newWatchedContext(browser);
    watches.push(watch);
    try {
      const response = await page.goto(`${emu.url}/`);
      // The page is served with exactly the portal's headers for this cloud.
      const expected = portalSecurityHeaders(emu.cloud);
      const headers = response?.headers() ?? {};
      for (const [name, value] of Object.entries(expected)) expect(headers[name.toLowerCase()]).toBe(value);
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(headers["content-security-policy"]).toContain(`connect-src 'self' ${emu.url}`);

      expect(await axeSerious(page)).toEqual([]);
      await page.getByRole("button", { name: "Sign in" }).click();
      await completeSignInPage(page, demoAdmin);
      await page.waitForURL(`${emu.url}/`);
      await page.locator('table[data-table="eligible"] tbody tr').first().waitFor();

      const authorize = emu.admin
        .requests()
        .filter((r) => r.surface === "entra" && r.path.endsWith("/oauth2/v2.0/authorize"));
      expect(authorize.length).toBeGreaterThanOrEqual(1);
      const first = authorize[0];
      // Redirect flow with PKCE, fragment answer, least-privilege Graph scopes (no directory-wide write scope).
      expect(first?.query.response_mode).toBe("fragment");
      expect(first?.query.code_challenge_method).toBe("S256");
      const scopes = (first?.query.scope ?? "").split(" ");
      expect(scopes).toContain("https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory");
      expect(scopes.some((s) => /RoleManagement\.ReadWrite\.Directory|Directory\.ReadWrite/i.test(s))).toBe(false);

      // Tokens: only in sessionStorage, never in localStorage or IndexedDB.
      const storage = await page.evaluate(() => ({
        session: Object.keys(sessionStorage),
        local: Object.keys(localStorage),
      }));
      expect(storage.session.some((k) => k.includes("accesstoken"))).toBe(true);
      expect(storage.local.some((k) => /token|msal/i.test(k))).toBe(false);

      // Every eligible role of the admin is listed, on the three planes.
      const kinds = await page
        .locator('table[data-table="eligible"] tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-kind")));
      expect(new Set(kinds)).toEqual(new Set(["entraRole", "group", "azureRole"]));
      expect(await axeSerious(page)).toEqual([]);

      // Signing out ends the session and leaves no token behind.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      const left = await page.evaluate(() => Object.keys(sessionStorage));
      expect(left.some((k) => /token|account/i.test(k))).toBe(false);
      expect(watch.csp).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("shows each demo role's requirements in the policy matrix", { timeout: 60_000 }, async () => {
    const { context, page, watch } = await newWatchedContext(browser);
    watches.push(watch);
    try {
      await page.goto(`${emu.url}/`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await completeSignInPage(page, demoAdmin);
      await page.locator('table[data-table="eligible"] tbody tr').first().waitFor();
      const matrix = await page.locator('table[data-table="eligible"] tbody tr').evaluateAll((rows) =>
        rows.map((r) => ({
          name: r.querySelector(".role-title")?.textContent ?? "",
          access: r.querySelector(".access")?.textContent ?? "",
          reqs: [...r.querySelectorAll("[data-req]")].map((x) => x.getAttribute("data-req")),
          contexts: [...r.querySelectorAll('[data-req="authContext"]')].map((x) => x.textContent),
          max: r.querySelector('[data-req="maxDuration"]')?.textContent ?? "",
        })),
      );
      const byName = (n: string, access = "") => matrix.find((m) => m.name === n && m.access === access);
      for (const [name, reqs] of Object.entries(expectedMatrix)) {
        expect(byName(name)?.reqs, name).toEqual(reqs);
      }
      // Authentication contexts are shown with their names.
      expect(byName("Security Administrator")?.contexts).toEqual(["Auth context c1Privileged access step-up"]);
      expect(byName("Global Administrator")?.contexts).toEqual(["Auth context c2Tier 0 passkey"]);
      // Maximum durations as the policies state them.
      expect(byName("Global Administrator")?.max).toBe("Up to 30m");
      expect(byName("Security Administrator")?.max).toBe("Up to 1h");
      expect(byName("Privileged Role Administrator")?.max).toBe("Up to 2h");
      // Groups: member and owner of the same group have different policies.
      expect(byName("PIM-Tier0-Operators", "Member")?.reqs).toEqual(["justification", "maxDuration"]);
      expect(byName("PIM-Tier0-Operators", "Owner")?.reqs).toEqual(["justification", "approval", "maxDuration"]);
      expect(byName("PIM-KeyVault-BreakGlass", "Member")?.reqs).toEqual([
        "justification",
        "authContext",
        "maxDuration",
      ]);
      // Azure: the subscription Contributor needs a ticket; the resource-group Owner needs c1.
      expect(byName("Contributor")?.reqs).toEqual(["justification", "ticket", "maxDuration"]);
      expect(byName("Owner")?.reqs).toEqual(["justification", "authContext", "maxDuration"]);

      // Search by policy words, and the kind filter.
      const shown = () => page.locator('table[data-table="eligible"] tbody tr .role-title').allInnerTexts();
      await page.getByLabel("Search").fill("c1");
      await expect.poll(shown).toEqual(["Security Administrator", "PIM-KeyVault-BreakGlass", "Owner"]);
      await page.getByLabel("Kind").selectOption("azureRole");
      await expect.poll(shown).toEqual(["Owner"]);
      await page.getByLabel("Search").fill("");
      expect((await shown()).length).toBe(
        matrix.filter((m) => ["Reader", "Contributor", "Owner", "Key Vault Administrator"].includes(m.name)).length,
      );
      expect(watch.csp).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
