/**
 * B4: time from the end of sign-in (the page back from the redirect, sign-in state known) to the
 * eligible table drawn, with the `enterprise` tenant and 40 ms added to every emulator answer.
 * A figure for the report; the bound only catches a pathological regression.
 */
import type { Emulator } from "@pimkit/emulator";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newWatchedContext, startEmulator } from "./support/portal-harness";

let emu: Emulator;
let browser: Browser;

beforeAll(async () => {
  emu = await startEmulator({ scenario: "enterprise", latencyMs: 40 });
  emu = await startEmulatorAs(emu);
  browser = await launchBrowser();
});

/** The enterprise user signs in automatically (the first scenario user). */
async function startEmulatorAs(first: Emulator): Promise<Emulator> {
  const upn = first.users[0]?.upn ?? "";
  await first.close();
  return startEmulator({ scenario: "enterprise", latencyMs: 40, autoSignIn: upn });
}

afterAll(async () => {
  await browser?.close();
  await emu?.close();
});

describe("portal start-up (enterprise, 40 ms latency)", () => {
  it("draws the eligible table soon after sign-in", { timeout: 90_000 }, async () => {
    const { context, page, watch } = await newWatchedContext(browser);
    try {
      await page.goto(`${emu.url}/`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${emu.url}/`);
      await page.locator('table[data-table="eligible"] tbody tr').first().waitFor({ timeout: 60_000 });
      const figures = await page.evaluate(() => {
        const at = (n: string) => performance.getEntriesByName(n)[0]?.startTime ?? Number.NaN;
        return {
          authReady: at("pimkit:auth-ready"),
          drawn: at("pimkit:eligible-drawn"),
          rows: document.querySelectorAll('table[data-table="eligible"] tbody tr').length,
        };
      });
      const ms = Math.round(figures.drawn - figures.authReady);
      const requests = emu.admin.requests().filter((r) => r.surface === "graph" || r.surface === "arm").length;
      console.log(
        `portal B4: sign-in done → eligible table drawn in ${ms} ms (${figures.rows} eligible roles, ${requests} Graph/ARM requests, 40 ms latency each)`,
      );
      expect(figures.rows).toBeGreaterThan(50);
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(30_000);
      expect(watch.csp).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
