/**
 * What must never happen: markup from the tenant running in the portal, and a step-up that sends
 * the user round in a loop. A user who cannot satisfy an authentication context gets one sign-in
 * attempt and a readable failure; a tenant whose names are HTML shows them as text.
 */
import type { Emulator } from "@pimkit/emulator";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axeSerious,
  demoLimited,
  latestOutcomes,
  launchBrowser,
  newWatchedContext,
  openActivation,
  type PageWatch,
  selectEligible,
  signIn,
  startEmulator,
  stepUpAuthorizeRequests,
} from "./support/portal-harness";

const hostile = {
  img: `<img src=x onerror="window.__pimkitPwned='img'">`,
  script: `<script>window.__pimkitPwned='script'</script>`,
  svg: `"><svg onload="window.__pimkitPwned='svg'">`,
  au: `<iframe src="javascript:window.__pimkitPwned='iframe'"></iframe>`,
};

/** A small tenant whose every display name is an attack. */
const hostileScenario = {
  name: "hostile-names",
  tenant: { displayName: `<b onmouseover="window.__pimkitPwned='tenant'">Evil</b>`, domain: "evil.example.com" },
  users: [{ upn: "eve@evil.example.com", displayName: `<i>Eve</i>`, contexts: [] }],
  groups: [{ displayName: hostile.img }],
  directoryRoles: [{ displayName: hostile.script, description: "custom role" }],
  administrativeUnits: [{ displayName: hostile.au }],
  subscriptions: [{ displayName: hostile.svg }],
  policies: [{ group: hostile.img, accessId: "member", justification: true, mfa: false }],
  eligibilities: [
    { principal: "eve@evil.example.com", group: hostile.img, accessId: "member" },
    { principal: "eve@evil.example.com", directoryRole: hostile.script },
    { principal: "eve@evil.example.com", directoryRole: "Global Reader", administrativeUnit: hostile.au },
    { principal: "eve@evil.example.com", azureRole: "Reader", scope: { subscription: hostile.svg } },
  ],
};

let browser: Browser;
const watches: PageWatch[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  console.log(`portal safety journeys: CSP violations = ${watches.flatMap((w) => w.csp).length}`);
});

describe("portal safety", () => {
  it("renders tenant-supplied names as text and runs none of them", { timeout: 60_000 }, async () => {
    const emu: Emulator = await startEmulator({ scenario: hostileScenario, autoSignIn: "eve@evil.example.com" });
    const { context, page, watch } = await newWatchedContext(browser);
    watches.push(watch);
    try {
      await signIn(page, emu);
      const table = page.locator('table[data-table="eligible"]');
      for (const name of [hostile.img, hostile.script]) {
        await expect.poll(() => table.getByText(name, { exact: true }).count()).toBe(1);
      }
      expect(await table.getByText(hostile.au, { exact: true }).count()).toBe(1);
      expect(await table.getByText(hostile.svg, { exact: true }).count()).toBe(1);
      // Nothing from the names became an element, and nothing ran.
      expect(await page.locator("main img, main script, main svg, main iframe, main b, main i").count()).toBe(0);
      // The form and the activity log show the same names as text.
      await selectEligible(page, [hostile.img]);
      const dialog = await openActivation(page);
      await dialog.getByLabel("Justification (required)").fill(hostile.img);
      await dialog.getByRole("button", { name: "Activate", exact: true }).click();
      const outcomes = await latestOutcomes(page);
      expect(Object.keys(outcomes)).toEqual([`${hostile.img} (member)`]);
      expect(await page.locator("img:not([src$='.svg']), script:not([src]), iframe").count()).toBe(0);
      expect(
        await page.evaluate(() => (window as unknown as { __pimkitPwned?: string }).__pimkitPwned),
      ).toBeUndefined();
      expect(watch.csp).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
      expect(await axeSerious(page)).toEqual([]);
    } finally {
      await context.close();
      await emu.close();
    }
  });

  it("gives one step-up attempt to a user who cannot satisfy the context, then a readable failure", {
    timeout: 60_000,
  }, async () => {
    const emu: Emulator = await startEmulator({ autoSignIn: demoLimited });
    const { context, page, watch } = await newWatchedContext(browser);
    watches.push(watch);
    try {
      await signIn(page, emu);
      await selectEligible(page, ["Global Administrator"]);
      const dialog = await openActivation(page);
      await dialog.getByLabel("Justification (required)").fill("Break-glass drill");
      await dialog.getByRole("button", { name: "Activate", exact: true }).click();
      // The sign-in for c2 fails (no passkey); the portal comes back, reports it, sends nothing.
      await page.waitForURL(`${emu.url}/`);
      const outcomes = await latestOutcomes(page, 30_000);
      expect(outcomes).toEqual({});
      const entry = page.locator("li.activity-item").first();
      expect(await entry.getAttribute("data-status")).toBe("failed");
      expect((await entry.locator("[data-error-code]").innerText()).length).toBeGreaterThan(10);
      // Stay a while: no second redirect happens by itself.
      await page.waitForTimeout(1500);
      expect(stepUpAuthorizeRequests(emu)).toHaveLength(1);
      const writes = emu.admin
        .requests()
        .filter((r) => r.method === "POST" && r.path.endsWith("roleAssignmentScheduleRequests"));
      expect(writes).toHaveLength(0);
      expect(watch.csp).toEqual([]);
    } finally {
      await context.close();
      await emu.close();
    }
  });
});
