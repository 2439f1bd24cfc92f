/**
 * Portal journeys against the local tenant: the emulator serves the built portal on its own HTTPS
 * origin, Debian's chromium drives it through playwright-core. Every page records Content Security
 * Policy violations (the browser's `securitypolicyviolation` events) and console errors, so each
 * test can require that none happened.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { createEmulator, type Emulator, type EmulatorOptions, type RequestLogEntry } from "@pimkit/emulator";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const repoRoot = resolve(new URL("../../..", import.meta.url).pathname);
export const portalDist = resolve(repoRoot, "packages/portal/dist");
export const chromiumPath = process.env.PIMKIT_CHROMIUM ?? "/usr/bin/chromium";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

export const demoAdmin = "alex.morgan@contoso.example.com";
export const demoLimited = "sam.lindqvist@contoso.example.com";

export function portalIsBuilt(): boolean {
  return existsSync(resolve(portalDist, "index.html"));
}

export interface CspViolation {
  page: string;
  directive: string;
  blocked: string;
  sample: string;
}

export interface PageWatch {
  csp: CspViolation[];
  consoleErrors: string[];
  pageErrors: string[];
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  if (!options.portalDir && !portalIsBuilt()) {
    throw new Error(`The portal is not built (${portalDist}): run \`npm run build\` first (npm test does).`);
  }
  return createEmulator({ portalDir: portalDist, scenario: "demo", ...options });
}

/**
 * A fresh browser context (its own sessionStorage, localStorage and IndexedDB) whose pages report
 * CSP violations and console errors into `watch`.
 */
export async function newWatchedContext(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark" } = {},
): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    colorScheme: options.colorScheme ?? "light",
    locale: "en-GB",
    timezoneId: "UTC",
  });
  const watch: PageWatch = { csp: [], consoleErrors: [], pageErrors: [] };
  await context.exposeBinding("__pimkitCspViolation", (source, v: Omit<CspViolation, "page">) => {
    watch.csp.push({ ...v, page: source.page.url() });
  });
  // Runs before any page script (through the DevTools protocol, not as a page script, so the
  // page's own policy does not apply to it).
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __pimkitCspViolation?: (v: unknown) => void }).__pimkitCspViolation;
      report?.({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
    });
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") watch.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => watch.pageErrors.push(e.message));
  return { context, page, watch };
}

/** Opens the portal and signs in through the emulator (auto sign-in when the emulator has one). */
export async function signIn(page: Page, emu: Emulator, options: { upn?: string } = {}): Promise<void> {
  await page.goto(`${emu.url}/`);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (options.upn) await completeSignInPage(page, options.upn);
  await page.waitForURL(`${emu.url}/`);
  await page.locator('table[data-table="eligible"] tbody tr').first().waitFor({ timeout: 20_000 });
}

/** The local tenant's sign-in page: pick the user, approve what is asked, submit. */
export async function completeSignInPage(page: Page, upn: string, contexts: string[] = []): Promise<void> {
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize/);
  await page.locator("label").filter({ hasText: upn }).locator('input[name="user"]').check();
  for (const c of contexts) await page.locator(`input[name="context"][value="${c}"]`).check();
  await page.getByRole("button", { name: "Sign in" }).click();
}

export function rowOf(page: Page, table: "eligible" | "active" | "pending", name: string) {
  return page.locator(`table[data-table="${table}"] tbody tr`).filter({ has: page.getByText(name, { exact: true }) });
}

export async function openView(page: Page, view: "eligible" | "active" | "activity" | "profiles" | "settings") {
  await page.locator(`nav button[data-view="${view}"]`).click();
}

/** Selects eligible roles by exact display name (and optional access) on the Eligible screen. */
export async function selectEligible(page: Page, names: string[]): Promise<void> {
  await openView(page, "eligible");
  for (const n of names) {
    const row = rowOf(page, "eligible", n);
    await row.first().locator('input[type="checkbox"]').check();
  }
}

/** Opens the activation form for the current selection. */
export async function openActivation(page: Page) {
  await page.getByRole("button", { name: /^Activate selected/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  return dialog;
}

/** Waits for the newest activity entry to finish and returns each role's outcome by name. */
export async function latestOutcomes(page: Page, timeout = 20_000): Promise<Record<string, string>> {
  await openView(page, "activity");
  const entry = page.locator("li.activity-item").first();
  await entry.locator('xpath=self::*[@data-status="done" or @data-status="failed"]').waitFor({ timeout });
  const rows = entry.locator("table.results-table tbody tr[data-name]");
  const out: Record<string, string> = {};
  for (let i = 0; i < (await rows.count()); i++) {
    const r = rows.nth(i);
    const name = (await r.getAttribute("data-name")) ?? "";
    out[name] = (await r.getAttribute("data-outcome")) ?? "";
  }
  return out;
}

/** Serious and critical axe violations on the current page (rule id and how many nodes). */
export async function axeSerious(page: Page): Promise<{ id: string; impact: string; nodes: number; help: string }[]> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact ?? "", nodes: v.nodes.length, help: v.help }));
}

export function signInRequests(emu: Emulator): RequestLogEntry[] {
  return emu.admin
    .requests()
    .filter((r) => r.surface === "entra" && /\/oauth2\/v2\.0\/authorize$/.test(r.path) && r.method === "GET");
}

export function stepUpAuthorizeRequests(emu: Emulator): RequestLogEntry[] {
  return signInRequests(emu).filter((r) => (r.acrsRequested ?? []).length > 0);
}

/** gzip size of the JS the portal's index.html loads (first load). */
export function builtEntryScripts(): string[] {
  const html = readFileSync(resolve(portalDist, "index.html"), "utf8");
  return [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => resolve(portalDist, `.${m[1] ?? ""}`));
}
