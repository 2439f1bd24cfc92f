/**
 * What the browser downloads and how it is served: the build has no inline script or style, its
 * first-load JavaScript stays within budget, and `pimkit portal` (servePortal) serves it for a
 * cloud with the portal's headers — a real sign-in through it, cross-origin to that cloud, works.
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { portalSecurityHeaders } from "@pimkit/contracts";
import type { Emulator } from "@pimkit/emulator";
import { servePortal } from "@pimkit/portal/server";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  builtEntryScripts,
  demoAdmin,
  launchBrowser,
  newWatchedContext,
  portalDist,
  startEmulator,
} from "./support/portal-harness";

/** The budget for JavaScript shipped on first load, gzip. */
const firstLoadBudgetBytes = 250 * 1024;

describe("portal build", () => {
  it("has no inline script or style, and hashed asset names", () => {
    const html = readFileSync(resolve(portalDist, "index.html"), "utf8");
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\/assets\/[\w.-]+-[\w-]{6,}\.js"/);
      expect(body?.trim()).toBe("");
    }
    expect(html).not.toMatch(/<style\b|\sstyle="|\son[a-z]+=/i);
    const assets = readdirSync(resolve(portalDist, "assets"));
    expect(assets.every((a) => /-[\w-]{6,}\.(js|css)$/.test(a))).toBe(true);
  });

  it(`ships at most ${firstLoadBudgetBytes / 1024} KB of JavaScript (gzip) on first load`, () => {
    const html = readFileSync(resolve(portalDist, "index.html"), "utf8");
    const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) =>
      resolve(portalDist, `.${m[1] ?? ""}`),
    );
    const files = [...new Set([...builtEntryScripts(), ...preloads])];
    const raw = files.reduce((n, f) => n + readFileSync(f).length, 0);
    const gz = files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
    console.log(
      `portal first-load JS: ${(gz / 1024).toFixed(1)} KB gzip (${(raw / 1024).toFixed(1)} KB raw, ${files.length} file(s))`,
    );
    expect(gz).toBeLessThanOrEqual(firstLoadBudgetBytes);
  });
});

describe("pimkit portal server", () => {
  let emu: Emulator;
  let browser: Browser;

  beforeAll(async () => {
    emu = await startEmulator({ autoSignIn: demoAdmin });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await emu?.close();
  });

  it("serves the portal for a cloud on another origin, and the portal signs in against it", {
    timeout: 60_000,
  }, async () => {
    const config = (await (await emu.fetch(`${emu.url}/config.json`)).json()) as { clientId: string };
    // `localhost` is a registered redirect host of the portal app (any port, as Entra allows).
    const server = await servePortal({
      cloud: emu.cloud,
      clientId: config.clientId,
      tenant: emu.tenantId,
      host: "localhost",
    });
    const { context, page, watch } = await newWatchedContext(browser);
    try {
      const response = await page.goto(`${server.url}/`);
      const headers = response?.headers() ?? {};
      for (const [name, value] of Object.entries(portalSecurityHeaders(emu.cloud))) {
        expect(headers[name.toLowerCase()]).toBe(value);
      }
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${server.url}/`);
      await page.locator('table[data-table="eligible"] tbody tr').first().waitFor({ timeout: 20_000 });
      // Graph and ARM were called cross-origin, as they are in a real deployment.
      const origins = new Set(
        emu.admin
          .requests()
          .filter((r) => (r.surface === "graph" || r.surface === "arm") && !r.batch)
          .map((r) => r.headers.origin),
      );
      expect([...origins]).toEqual([server.url]);
      expect(watch.csp).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
