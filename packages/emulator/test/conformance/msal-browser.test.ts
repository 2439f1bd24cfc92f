/**
 * Real, unmodified @azure/msal-browser in headless Chromium against the local tenant: a tiny SPA
 * (bundled with esbuild) served over HTTPS on 127.0.0.1 signs in with loginRedirect through the
 * emulator's real sign-in page, steps up with acquireTokenRedirect({claims}) and refreshes with
 * acquireTokenSilent({claims}). Nothing is skipped: without Chromium this test fails.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { generateCertificates } from "../../src/certs";
import { createEmulator, type Emulator } from "../../src/index";
import { admin, testScenario } from "../entra/support";
import { claimsRequest, jwksVerifier } from "./msal-support";

const here = dirname(fileURLToPath(import.meta.url));
const chromiumPath = process.env.PIMKIT_CHROMIUM ?? "/usr/bin/chromium";
const spaClientId = "3f1d7c2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f";
const graph = "https://graph.microsoft.com/RoleEligibilitySchedule.Read.Directory";

let emu: Emulator;
let server: Server;
let browser: Browser;
let origin: string;
const problems: string[] = [];

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is required for the msal-browser conformance test and was not found at ${chromiumPath}. Install it (apt-get install -y chromium) or set PIMKIT_CHROMIUM.`,
    );
  }
  const bundle = await build({
    entryPoints: [resolve(here, "msal-browser-app.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const certs = await generateCertificates();
  let config = "{}";
  server = createServer({ key: certs.leafKeyPem, cert: certs.leafCertPem }, (req, res) => {
    if (req.url === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      res.end(script);
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>msal-browser test app</title></head><body><script type="application/json" id="config">${config}</script><script type="module" src="/app.js"></script></body></html>`,
    );
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The SPA's redirect URI is the test page, whose port is only known now.
  const scenario = testScenario() as { apps?: unknown[] };
  emu = await createEmulator({
    scenario: {
      ...scenario,
      apps: [
        ...(scenario.apps ?? []),
        { clientId: spaClientId, displayName: "Conformance SPA", redirectUris: [`${origin}/`], spa: true },
      ],
    },
  });
  config = JSON.stringify({
    clientId: spaClientId,
    authority: `${emu.url}/${emu.tenantId}`,
    knownAuthority: new URL(emu.url).host,
    scopes: [graph],
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
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
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
  await emu?.close();
});

async function appReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.pimkitTest !== undefined || window.pimkitError !== undefined, undefined, {
    timeout: 15_000,
  });
  const error = await page.evaluate(() => window.pimkitError);
  if (error) throw new Error(`the test app failed to start: ${error}`);
}

/** On the emulator's sign-in page: pick the user, tick the contexts asked for, sign in. */
async function signInOnPage(page: Page, upn: string, contexts: string[]): Promise<void> {
  await page.waitForURL((url) => url.origin === new URL(emu.url).origin, { timeout: 15_000 });
  await page.getByRole("heading", { name: "Sign in to the local tenant" }).waitFor({ timeout: 15_000 });
  await page.getByLabel(new RegExp(upn.replace(/[.@]/g, "\\$&"))).check();
  for (const c of contexts) await page.locator(`input[name="context"][value="${c}"]`).check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.origin === origin, { timeout: 15_000 });
}

describe("msal-browser 5 in Chromium against the local tenant", () => {
  it("loginRedirect, acquireTokenRedirect with claims (c1), acquireTokenSilent with claims", async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    onTestFailed(() => {
      process.stderr.write(`browser problems:\n${problems.join("\n")}\nemulator requests:\n`);
      for (const e of emu.admin.requests()) process.stderr.write(`  ${e.method} ${e.path} -> ${e.status}\n`);
    });
    const verify = await jwksVerifier(`${emu.url}/${emu.tenantId}/discovery/v2.0/keys`, emu.caCertPem);

    await page.goto(`${origin}/`);
    await appReady(page);
    // The redirect replaces the page: start it without waiting for a promise that never settles.
    await page.evaluate(() => {
      void window.pimkitTest?.login();
    });
    await signInOnPage(page, admin, []);
    await appReady(page);
    const login = await page.evaluate(() => window.pimkitTest?.redirectResult);
    expect(login?.username).toBe(admin);
    const first = await verify(login?.accessToken ?? "");
    expect(first).toMatchObject({ aud: "https://graph.microsoft.com", upn: admin, appid: spaClientId });
    expect(first).not.toHaveProperty("acrs");
    await verify(login?.idToken ?? "");

    const c1 = claimsRequest(["c1"]);
    await page.evaluate((claims) => {
      void window.pimkitTest?.stepUp(claims);
    }, c1);
    await signInOnPage(page, admin, ["c1"]);
    await appReady(page);
    const stepped = await page.evaluate(() => window.pimkitTest?.redirectResult);
    const steppedClaims = await verify(stepped?.accessToken ?? "");
    expect(steppedClaims.acrs).toEqual(["c1"]);
    expect(steppedClaims.xms_cc).toEqual(["cp1"]);

    const silent = await page.evaluate((claims) => window.pimkitTest?.silent(claims), c1);
    expect(silent?.fromCache).toBe(false);
    const silentClaims = await verify(silent?.accessToken ?? "");
    expect(silentClaims.acrs).toEqual(["c1"]);
    expect(claimsOf(silent?.accessToken ?? "").upn).toBe(admin);

    // The SPA's redemptions were cross-origin (Origin sent), and the pages broke no CSP rule.
    const tokenCalls = emu.admin.requests().filter((e) => e.path.endsWith("/oauth2/v2.0/token"));
    expect(tokenCalls.length).toBeGreaterThanOrEqual(3);
    for (const call of tokenCalls) expect(call.headers.origin).toBe(origin);
    expect(problems.filter((p) => /Content Security Policy/i.test(p))).toEqual([]);
    await context.close();
  });
});
