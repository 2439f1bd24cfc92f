#!/usr/bin/env node
// Screenshots of the portal's main screens for the README (docs/images/*.png), taken against the
// local tenant with the `demo` scenario: the emulator bin serves the built portal, Debian's
// chromium (through playwright-core) drives it. Run `npm run build` first.
//   node scripts/screenshots.mjs [--out docs/images]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const root = resolve(new URL("..", import.meta.url).pathname);
const { values } = parseArgs({ options: { out: { type: "string", default: "docs/images" } } });
const out = resolve(root, values.out);
const portalDir = resolve(root, "packages/portal/dist");
const bin = resolve(root, "packages/emulator/bin/pimkit-emulator.js");
if (
  !existsSync(resolve(portalDir, "index.html")) ||
  !existsSync(resolve(root, "packages/emulator/dist/pimkit-emulator.js"))
) {
  console.error("Build first: npm run build");
  process.exit(1);
}
mkdirSync(out, { recursive: true });

const admin = "alex.morgan@contoso.example.com";
const emulator = spawn(
  process.execPath,
  [bin, "--scenario", "demo", "--portal-dir", portalDir, "--auto-sign-in", admin, "--provisioning-delay", "3"],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const url = await new Promise((resolveUrl, reject) => {
  const lines = createInterface({ input: emulator.stdout });
  lines.once("line", (line) => {
    try {
      resolveUrl(JSON.parse(line).url);
    } catch (e) {
      reject(e);
    }
  });
  emulator.once("exit", (code) => reject(new Error(`the emulator exited (${code})`)));
});

const browser = await chromium.launch({
  executablePath: process.env.PIMKIT_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
  ],
});

const shots = [];
async function shot(page, name, options = {}) {
  // Toasts fade in and out; they are not part of a screen.
  await page.evaluate(() => {
    for (const b of document.querySelectorAll(".toast button")) b.click();
  });
  await page.waitForTimeout(150);
  const file = resolve(out, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  shots.push(file);
}

async function view(page, name) {
  await page.locator(`nav button[data-view="${name}"]`).click();
}

async function select(page, names) {
  await view(page, "eligible");
  for (const n of names) {
    await page
      .locator('table[data-table="eligible"] tbody tr')
      .filter({ has: page.getByText(n, { exact: true }) })
      .first()
      .locator('input[type="checkbox"]')
      .check();
  }
}

async function finished(page) {
  await view(page, "activity");
  await page
    .locator('li.activity-item[data-status="done"], li.activity-item[data-status="failed"]')
    .first()
    .waitFor({ timeout: 30_000 });
}

try {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 860 },
    colorScheme: "light",
    locale: "en-GB",
    timezoneId: "Europe/Amsterdam",
  });
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await shot(page, "sign-in");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator('table[data-table="eligible"] tbody tr').first().waitFor({ timeout: 30_000 });
  await shot(page, "eligible-roles");

  // The activation form for a batch: step-up for c1 and c2, a ticket, a capped duration.
  await select(page, ["Security Administrator", "Global Administrator", "Exchange Administrator"]);
  await page.getByRole("button", { name: /^Activate selected/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.locator(".chip", { hasText: "2h" }).click();
  await dialog.getByLabel("Justification (required)").fill("INC-4711: rotate the compromised app secret");
  await dialog.getByLabel("Ticket system").fill("ServiceNow");
  await shot(page, "activation-form");
  await dialog.getByLabel("Ticket number").fill("INC0004711");
  await dialog.getByRole("button", { name: "Activate", exact: true }).click();
  await finished(page);

  // An approval role (pending) and a role waited on until effective.
  await select(page, ["Privileged Role Administrator"]);
  await page.getByRole("button", { name: /^Activate selected/ }).click();
  await dialog.getByLabel("Justification (required)").fill("Quarterly role review");
  await dialog.getByRole("button", { name: "Activate", exact: true }).click();
  await finished(page);
  await select(page, ["Global Reader"]);
  await page.getByRole("button", { name: /^Activate selected/ }).click();
  await dialog.getByLabel("Justification (required)").fill("Audit preparation");
  await dialog.getByLabel("Wait until the activations are effective").check();
  await dialog.getByRole("button", { name: "Activate", exact: true }).click();
  await finished(page);
  await page.locator('li.activity-item [data-effective="effective"]').first().waitFor({ timeout: 30_000 });
  await view(page, "activity");
  await page
    .locator("li.activity-item details")
    .nth(2)
    .evaluate((d) => {
      d.open = true;
    });
  await shot(page, "activity", { fullPage: true });

  await view(page, "active");
  await page.locator('table[data-table="active"] tbody tr').first().waitFor();
  await shot(page, "active-roles", { fullPage: true });

  await select(page, ["Global Reader", "Reports Reader", "Helpdesk Administrator"]);
  await view(page, "profiles");
  await page.getByLabel("Profile name").fill("Daily operations");
  await page.getByLabel("Default duration").selectOption("PT4H");
  await page.getByRole("button", { name: "Save profile" }).click();
  await page.locator('li[data-profile-name="Daily operations"]').waitFor();
  await shot(page, "profiles");

  await view(page, "settings");
  await page.getByLabel("Dark").check();
  await shot(page, "settings-dark");
  await view(page, "eligible");
  await shot(page, "eligible-roles-dark");
  await view(page, "settings");
  await page.getByLabel("High contrast").check();
  await view(page, "eligible");
  await shot(page, "eligible-roles-high-contrast");
  await view(page, "settings");
  await page.getByLabel("Light", { exact: true }).check();
  await context.close();

  const phone = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: "light",
    locale: "en-GB",
    timezoneId: "Europe/Amsterdam",
  });
  const mobile = await phone.newPage();
  await mobile.goto(`${url}/`);
  await mobile.getByRole("button", { name: "Sign in" }).click();
  await mobile.locator('table[data-table="eligible"] tbody tr').first().waitFor({ timeout: 30_000 });
  await shot(mobile, "phone-eligible-roles");
  await phone.close();
  console.log(`screenshots: ${shots.length} written to ${out}`);
} finally {
  await browser.close();
  emulator.kill("SIGTERM");
}
