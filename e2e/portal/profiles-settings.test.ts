/**
 * Profiles (IndexedDB: save the selection with defaults, apply, rename, delete, export, import),
 * settings (theme, planes shown), keyboard operation and phone-width layout.
 */
import { readFile } from "node:fs/promises";
import type { Emulator } from "@pimkit/emulator";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  axeSerious,
  demoAdmin,
  launchBrowser,
  newWatchedContext,
  openView,
  type PageWatch,
  selectEligible,
  signIn,
  startEmulator,
} from "./support/portal-harness";

let emu: Emulator;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let watch: PageWatch;
const allCsp: PageWatch["csp"] = [];
const axeCounts: Record<string, number> = {};

beforeAll(async () => {
  emu = await startEmulator({ autoSignIn: demoAdmin });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await emu?.close();
  console.log(
    `portal profile/settings journeys: CSP violations = ${allCsp.length}; axe serious+critical = ${JSON.stringify(axeCounts)}`,
  );
});

beforeEach(async () => {
  emu.admin.reset();
});

afterEach(async () => {
  allCsp.push(...watch.csp);
  expect(watch.csp).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  await context.close();
});

async function checkAxe(screen: string) {
  const found = await axeSerious(page);
  axeCounts[screen] = Math.max(axeCounts[screen] ?? 0, found.length);
  expect(found, screen).toEqual([]);
}

describe("portal profiles", () => {
  it("saves, applies, renames, exports, imports and deletes a profile", { timeout: 90_000 }, async () => {
    ({ context, page, watch } = await newWatchedContext(browser));
    page.on("dialog", (d) => void d.accept());
    await signIn(page, emu);
    await selectEligible(page, ["Global Reader", "Exchange Administrator"]);
    await openView(page, "profiles");
    await checkAxe("profiles");
    await page.getByLabel("Profile name").fill("Morning ops");
    await page.getByLabel("Default duration").selectOption("PT2H");
    await page.getByRole("button", { name: "Save profile" }).click();
    const card = page.locator('li[data-profile-name="Morning ops"]');
    await card.waitFor();
    expect(await card.innerText()).toContain("2 role(s)");

    // Apply: the roles are selected again and the form opens with the profile's duration.
    await openView(page, "eligible");
    await page.getByRole("button", { name: "Clear selection" }).click();
    await openView(page, "profiles");
    await card.getByRole("button", { name: "Apply profile Morning ops" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.locator(".batch-list li").count()).toBe(2);
    expect(await dialog.locator(".chip.checked").first().innerText()).toBe("2h");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // Rename.
    await openView(page, "profiles");
    await card.getByRole("button", { name: "Rename profile Morning ops" }).click();
    await page.getByLabel("New name for Morning ops").fill("Daily ops");
    await page.getByRole("button", { name: "Save name" }).click();
    const renamed = page.locator('li[data-profile-name="Daily ops"]');
    await renamed.waitFor();

    // Export.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export JSON" }).click(),
    ]);
    const exported = JSON.parse(await readFile((await download.path()) ?? "", "utf8")) as {
      format: string;
      version: number;
      profiles: { name: string; roles: unknown[]; defaults: Record<string, unknown> }[];
    };
    expect(exported.format).toBe("pimkit-portal-profiles");
    expect(exported.profiles.map((p) => p.name)).toEqual(["Daily ops"]);
    expect(exported.profiles[0]?.roles).toHaveLength(2);
    expect(exported.profiles[0]?.defaults).toEqual({ duration: "PT2H" });
    expect(JSON.stringify(exported)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);

    // Delete, then import the export back.
    await renamed.getByRole("button", { name: "Delete profile Daily ops" }).click();
    await renamed.waitFor({ state: "detached" });
    await page.locator('input[type="file"]').setInputFiles({
      name: "profiles.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(exported)),
    });
    await renamed.waitFor();

    // A file that is not an export is refused with a reason, and nothing changes.
    await page.locator('input[type="file"]').setInputFiles({
      name: "bad.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify({ format: "something-else", profiles: [] })),
    });
    await page.getByRole("alert").filter({ hasText: "Import refused" }).waitFor();
    expect(await page.locator("li[data-profile-name]").count()).toBe(1);

    // Profiles survive a reload (IndexedDB).
    await page.reload();
    await page.locator('table[data-table="eligible"]').waitFor();
    await openView(page, "profiles");
    await renamed.waitFor();
  });
});

describe("portal settings", () => {
  it("switches theme (dark, high contrast) and keeps it across reloads", { timeout: 60_000 }, async () => {
    ({ context, page, watch } = await newWatchedContext(browser));
    await signIn(page, emu);
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await openView(page, "settings");
    await checkAxe("settings");
    await page.getByLabel("Dark").check();
    expect(await theme()).toBe("dark");
    const dark = await background();
    expect(dark).not.toBe(light);
    await openView(page, "eligible");
    await checkAxe("eligible (dark)");
    await openView(page, "settings");
    await page.getByLabel("High contrast").check();
    expect(await background()).toBe("rgb(0, 0, 0)");
    await openView(page, "eligible");
    await checkAxe("eligible (high contrast)");
    await page.reload();
    try {
      await page.locator('table[data-table="eligible"]').waitFor();
    } catch (e) {
      await page.screenshot({ path: "/tmp/pk/theme-fail.png" });
      console.log(await page.locator("body").innerText(), JSON.stringify(watch));
      throw e;
    }
    expect(await theme()).toBe("high-contrast");
  });

  it("shows and reads only the planes chosen", { timeout: 60_000 }, async () => {
    ({ context, page, watch } = await newWatchedContext(browser));
    await signIn(page, emu);
    await openView(page, "settings");
    await page.getByLabel("Azure roles").uncheck();
    await page.getByLabel("Groups").uncheck();
    emu.admin.clearRequests();
    await page.reload();
    await page.locator('table[data-table="eligible"] tbody tr').first().waitFor();
    const kinds = await page
      .locator('table[data-table="eligible"] tbody tr')
      .evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute("data-kind")))]);
    expect(kinds).toEqual(["entraRole"]);
    // A plane that is not shown is not read either.
    expect(emu.admin.requests().filter((r) => r.surface === "arm")).toHaveLength(0);
  });

  it("is operable with the keyboard alone", { timeout: 60_000 }, async () => {
    ({ context, page, watch } = await newWatchedContext(browser));
    await signIn(page, emu);
    // Skip link first, then the header controls.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    // Reach the first role checkbox and select it with Space.
    const firstBox = page.locator('table[data-table="eligible"] tbody tr input[type="checkbox"]').first();
    for (let i = 0; i < 20 && !(await firstBox.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press("Tab");
    }
    expect(await firstBox.evaluate((el) => el === document.activeElement)).toBe(true);
    const outline = await firstBox.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe("none");
    await page.keyboard.press("Space");
    expect(await firstBox.isChecked()).toBe(true);
    // The activation form opens from the keyboard and Escape closes it, focus back on the button.
    const open = page.getByRole("button", { name: /^Activate selected/ });
    await open.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    expect(await open.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it("switches to a guest tenant by signing in to that tenant", { timeout: 60_000 }, async () => {
    ({ context, page, watch } = await newWatchedContext(browser));
    await signIn(page, emu);
    const config = (await (await emu.fetch(`${emu.url}/config.json`)).json()) as {
      tenants: { id: string; displayName: string }[];
    };
    const guest = config.tenants.find((t) => t.displayName === "Fabrikam");
    expect(guest).toBeDefined();
    const switcher = page.getByLabel("Tenant", { exact: true });
    expect(await switcher.locator("option").allInnerTexts()).toEqual(["Contoso", "Fabrikam", "Other tenant…"]);
    await switcher.selectOption({ label: "Fabrikam" });
    await page.waitForURL(`${emu.url}/`);
    await page
      .locator("footer code")
      .filter({ hasText: guest?.id ?? "?" })
      .waitFor();
    expect(await switcher.inputValue()).toBe(guest?.id);
    const authorize = emu.admin
      .requests()
      .filter((r) => r.surface === "entra" && r.path.endsWith("/oauth2/v2.0/authorize"));
    expect(authorize.at(-1)?.path).toBe(`/${guest?.id}/oauth2/v2.0/authorize`);
    // Tokens now come from the guest tenant's authority.
    const tokenCalls = emu.admin
      .requests()
      .filter((r) => r.surface === "entra" && r.path.endsWith("/oauth2/v2.0/token"));
    expect(tokenCalls.at(-1)?.path).toBe(`/${guest?.id}/oauth2/v2.0/token`);
  });

  it("fits a phone screen without sideways scrolling", { timeout: 60_000 }, async () => {
    ({ context, page, watch } = await newWatchedContext(browser, { viewport: { width: 375, height: 812 } }));
    await signIn(page, emu);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await openView(page, "active");
    expect(await overflow()).toBeLessThanOrEqual(0);
    await checkAxe("active (phone)");
    await selectEligible(page, ["Global Reader"]);
    await page.getByRole("button", { name: /^Activate selected/ }).click();
    await page.getByRole("dialog").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
  });
});
