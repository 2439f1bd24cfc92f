/**
 * Activation journeys of the `demo` admin in the portal, against the local tenant: a justification
 * role, a ticket role, roles needing contexts c1 and c2 in one batch (one step-up redirect, the
 * scheduled start kept), a challenge the policy did not announce (reactive step-up), an approval
 * role (pending → approved → active), cancel, deactivate, capping and waiting until effective.
 * Outcomes are read from the portal; what was sent is read from the emulator's request log.
 */
import type { Emulator, RequestLogEntry } from "@pimkit/emulator";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  axeSerious,
  demoAdmin,
  latestOutcomes,
  launchBrowser,
  newWatchedContext,
  openActivation,
  openView,
  type PageWatch,
  rowOf,
  selectEligible,
  signIn,
  startEmulator,
  stepUpAuthorizeRequests,
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
    `portal activation journeys: CSP violations = ${allCsp.length}; axe serious+critical = ${JSON.stringify(axeCounts)}`,
  );
});

beforeEach(async () => {
  emu.admin.reset();
  ({ context, page, watch } = await newWatchedContext(browser));
});

afterEach(async () => {
  allCsp.push(...watch.csp);
  expect(watch.csp).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  await context.close();
});

async function checkAxe(screen: string) {
  const found = await axeSerious(page);
  axeCounts[screen] = found.length;
  expect(found, screen).toEqual([]);
}

/** Activation requests the portal sent (Graph POSTs, also inside $batch, and ARM PUTs). */
function activationWrites(): RequestLogEntry[] {
  return emu.admin
    .requests()
    .filter(
      (r) =>
        (r.method === "POST" && /(roleAssignmentScheduleRequests|assignmentScheduleRequests)$/.test(r.path)) ||
        (r.method === "PUT" && /roleAssignmentScheduleRequests\//.test(r.path)),
    );
}

function bodyOf(r: RequestLogEntry): Record<string, unknown> {
  const b = r.body as Record<string, unknown> | undefined;
  return (b && typeof b.properties === "object" ? (b.properties as Record<string, unknown>) : b) ?? {};
}

async function submit(dialog: ReturnType<Page["getByRole"]>) {
  const button = dialog.getByRole("button", { name: "Activate", exact: true });
  await expect.poll(() => button.isEnabled()).toBe(true);
  await button.click();
}

describe("portal activation", () => {
  it("activates a justification role; the active table counts it down", { timeout: 60_000 }, async () => {
    await signIn(page, emu);
    await selectEligible(page, ["Global Reader"]);
    const dialog = await openActivation(page);
    const activate = dialog.getByRole("button", { name: "Activate", exact: true });
    // Required and empty: disabled, with the reason inline.
    expect(await activate.isDisabled()).toBe(true);
    await expect.poll(() => dialog.getByText("A justification is required").count()).toBe(1);
    await checkAxe("activation form");
    await dialog.getByLabel("Justification (required)").fill("Quarterly access review");
    await submit(dialog);
    expect(await latestOutcomes(page)).toEqual({ "Global Reader": "activated" });
    await checkAxe("activity");
    const writes = activationWrites();
    expect(writes).toHaveLength(1);
    expect(bodyOf(writes[0] as RequestLogEntry).justification).toBe("Quarterly access review");

    await openView(page, "active");
    const row = rowOf(page, "active", "Global Reader");
    await row.waitFor();
    expect(await row.locator(".countdown").getAttribute("data-urgency")).toBe("ok");
    // The pre-activated Application Administrator has 20 minutes left: "soon", said in words too.
    const soon = rowOf(page, "active", "Application Administrator");
    expect(await soon.locator(".countdown").getAttribute("data-urgency")).toBe("soon");
    expect(await soon.locator(".urgency-label").innerText()).toMatch(/expires soon/i);
    const before = await row.locator("time").innerText();
    await page.waitForTimeout(1100);
    expect(await row.locator("time").innerText()).not.toBe(before);
    // Permanent assignments are shown as such and cannot be selected.
    const permanent = page.locator('table[data-table="active"] tr[data-assignment="permanent"]');
    expect(await permanent.count()).toBeGreaterThan(0);
    await checkAxe("active");
  });

  it("asks for ticket system and number once, and sends them", { timeout: 60_000 }, async () => {
    await signIn(page, emu);
    await selectEligible(page, ["Exchange Administrator"]);
    const dialog = await openActivation(page);
    await dialog.getByLabel("Justification (required)").fill("Mailbox migration");
    const activate = dialog.getByRole("button", { name: "Activate", exact: true });
    expect(await activate.isDisabled()).toBe(true);
    expect(await dialog.getByText("Enter the ticket number.").count()).toBe(1);
    await dialog.getByLabel("Ticket system").fill("ServiceNow");
    expect(await activate.isDisabled()).toBe(true);
    await dialog.getByLabel("Ticket number").fill("CHG0042");
    await submit(dialog);
    expect(await latestOutcomes(page)).toEqual({ "Exchange Administrator": "activated" });
    const body = bodyOf(activationWrites()[0] as RequestLogEntry);
    expect(body.ticketInfo).toEqual({ ticketNumber: "CHG0042", ticketSystem: "ServiceNow" });
  });

  it("activates c1 and c2 roles in one batch with one step-up redirect and keeps the scheduled start", {
    timeout: 60_000,
  }, async () => {
    await signIn(page, emu);
    const initialSignIns = stepUpAuthorizeRequests(emu).length;
    expect(initialSignIns).toBe(0);
    await selectEligible(page, ["Security Administrator", "Global Administrator"]);
    const dialog = await openActivation(page);
    expect(await dialog.locator("[data-step-up]").getAttribute("data-step-up")).toBe("c1 c2");
    await dialog.getByLabel("Justification (required)").fill("Incident 4711");
    await dialog.getByText("Later", { exact: true }).click();
    // Two days ahead (inside every eligibility), in the page's time zone (UTC).
    const startIso = new Date(Math.floor((Date.now() + 2 * 86_400_000) / 60_000) * 60_000).toISOString();
    await dialog.getByLabel("Start at (your local time)").fill(startIso.slice(0, 16));
    await submit(dialog);

    const outcomes = await latestOutcomes(page, 30_000);
    expect(outcomes).toEqual({ "Security Administrator": "scheduled", "Global Administrator": "scheduled" });
    // Exactly one interactive sign-in, asking for both contexts.
    const stepUps = stepUpAuthorizeRequests(emu);
    expect(stepUps).toHaveLength(1);
    expect([...(stepUps[0]?.acrsRequested ?? [])].sort()).toEqual(["c1", "c2"]);
    // Each role sent once, after the step-up, with the start chosen before the redirect (the page's time zone is UTC).
    const writes = activationWrites();
    expect(writes).toHaveLength(2);
    for (const w of writes) {
      expect(w.seq).toBeGreaterThan(stepUps[0]?.seq ?? Number.POSITIVE_INFINITY);
      const info = bodyOf(w).scheduleInfo as { startDateTime?: string };
      expect(Date.parse(info.startDateTime ?? "")).toBe(Date.parse(startIso));
    }
    // The interrupted operation is gone once resumed: a reload does not send anything again.
    await page.reload();
    await page.locator('table[data-table="eligible"] tbody tr').first().waitFor();
    await page.waitForTimeout(500);
    expect(activationWrites()).toHaveLength(2);
  });

  it.each([
    ["an error body", "body"],
    ["a WWW-Authenticate insufficient_claims header", "www-authenticate"],
  ] as const)(
    "steps up reactively on a challenge in %s that the policy did not announce",
    { timeout: 60_000 },
    async (_shape, acrsChallenge) => {
      emu.admin.settings({ acrsChallenge });
      await signIn(page, emu);
      // The policy is tightened after the portal read it.
      emu.admin.setPolicy(
        { plane: "directoryRole", roleDefinitionId: "4a5d8f65-41da-4de4-8968-e035b65339cf" },
        { authContext: "c1" },
      );
      await selectEligible(page, ["Reports Reader"]);
      const dialog = await openActivation(page);
      expect(await dialog.locator("[data-step-up]").count()).toBe(0);
      await submit(dialog);
      expect(await latestOutcomes(page, 30_000)).toEqual({ "Reports Reader": "activated" });
      const stepUps = stepUpAuthorizeRequests(emu);
      expect(stepUps).toHaveLength(1);
      expect(stepUps[0]?.acrsRequested).toEqual(["c1"]);
      // One refused attempt, then exactly one accepted one: nothing sent twice.
      const writes = activationWrites();
      expect(writes.map((w) => w.status < 300)).toEqual([false, true]);
    },
  );

  it("sends an approval role as pending, then shows it active once approved", { timeout: 60_000 }, async () => {
    await signIn(page, emu);
    await selectEligible(page, ["Privileged Role Administrator"]);
    const dialog = await openActivation(page);
    await dialog.getByLabel("Justification (required)").fill("Role review");
    await submit(dialog);
    expect(await latestOutcomes(page)).toEqual({ "Privileged Role Administrator": "pending" });
    await openView(page, "active");
    const pendingRow = rowOf(page, "pending", "Privileged Role Administrator");
    await pendingRow.waitFor();

    const approval = emu.admin.approvals.list().find((a) => a.stages.some((s) => s.status === "InProgress"));
    expect(approval).toBeDefined();
    const decision = emu.admin.approvals.approve(approval?.id ?? "");
    expect(decision.ok).toBe(true);

    await page.getByRole("button", { name: "Refresh" }).click();
    await rowOf(page, "active", "Privileged Role Administrator").waitFor();
    expect(await pendingRow.count()).toBe(0);
  });

  it("cancels a pending request", { timeout: 60_000 }, async () => {
    await signIn(page, emu);
    await openView(page, "eligible");
    const owner = page
      .locator('table[data-table="eligible"] tbody tr')
      .filter({ has: page.getByText("PIM-Tier0-Operators", { exact: true }) })
      .filter({ has: page.getByText("Owner", { exact: true }) });
    await owner.locator('input[type="checkbox"]').check();
    const dialog = await openActivation(page);
    await dialog.getByLabel("Justification (required)").fill("Rotate the operators");
    await submit(dialog);
    expect(await latestOutcomes(page)).toEqual({ "PIM-Tier0-Operators (owner)": "pending" });
    await openView(page, "active");
    const row = rowOf(page, "pending", "PIM-Tier0-Operators");
    await row.getByRole("button", { name: /Cancel the request/ }).click();
    await row.waitFor({ state: "detached" });
    const canceled = emu.admin.requests().filter((r) => r.method === "POST" && r.path.endsWith("/cancel"));
    expect(canceled).toHaveLength(1);
    expect(canceled[0]?.status).toBeLessThan(300);
    await openView(page, "activity");
    expect(await page.locator("li.activity-item").first().getAttribute("data-kind")).toBe("cancel");
  });

  it("deactivates activated roles chosen with 'select activated only', and explains a refusal", {
    timeout: 60_000,
  }, async () => {
    await signIn(page, emu);
    await selectEligible(page, ["Global Reader"]);
    let dialog = await openActivation(page);
    await dialog.getByLabel("Justification (required)").fill("Read-only check");
    await submit(dialog);
    await latestOutcomes(page);

    await openView(page, "active");
    await page.getByRole("button", { name: "Select activated only" }).click();
    const checked = await page.locator('table[data-table="active"] tbody tr').evaluateAll((rows) =>
      rows.map((r) => ({
        kind: r.getAttribute("data-assignment"),
        checked: (r.querySelector('input[type="checkbox"]') as HTMLInputElement | null)?.checked ?? false,
      })),
    );
    expect(checked.filter((c) => c.kind === "activated").every((c) => c.checked)).toBe(true);
    expect(checked.filter((c) => c.kind === "permanent").some((c) => c.checked)).toBe(false);
    await page.getByRole("button", { name: /^Deactivate selected/ }).click();
    dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Deactivate", exact: true }).click();

    await openView(page, "activity");
    const entry = page.locator("li.activity-item").first();
    await entry.locator('xpath=self::*[@data-status="done" or @data-status="failed"]').waitFor();
    // Activated 40 minutes ago: deactivated. Activated a moment ago: refused, with the reason.
    expect(await entry.locator('tr[data-outcome="deactivated"] th').innerText()).toBe("Application Administrator");
    const refused = entry.locator('tr[data-outcome="failed"]');
    expect(await refused.locator("th").innerText()).toBe("Global Reader");
    expect(await refused.innerText()).toMatch(/active_duration_too_short/);
    await openView(page, "active");
    await expect.poll(() => rowOf(page, "active", "Application Administrator").count()).toBe(0);
  });

  it("hides presets above the maximum, caps each role and reports an already active role", {
    timeout: 60_000,
  }, async () => {
    await signIn(page, emu);
    await selectEligible(page, ["Global Administrator"]);
    let dialog = await openActivation(page);
    const chips = async () =>
      (await dialog.locator(".segmented").first().locator(".chip").allInnerTexts()).map((t) => t.trim());
    expect(await chips()).toEqual(["Role maximum", "30m", "Custom"]);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Clear selection" }).click();

    await openView(page, "eligible");
    await selectEligible(page, ["Global Reader", "Application Administrator"]);
    const member = page
      .locator('table[data-table="eligible"] tbody tr')
      .filter({ has: page.getByText("PIM-Tier0-Operators", { exact: true }) })
      .filter({ has: page.getByText("Member", { exact: true }) });
    await member.locator('input[type="checkbox"]').check();
    dialog = await openActivation(page);
    expect(await chips()).toEqual(["Role maximum", "30m", "1h", "2h", "4h", "8h", "Custom"]);
    await dialog.locator(".chip", { hasText: "8h" }).click();
    const capped = dialog.locator('.batch-list li[data-role-id] .batch-duration[data-capped="true"]');
    expect(await capped.count()).toBe(2);
    await dialog.getByLabel("Justification (required)").fill("Operations handover");
    await submit(dialog);
    const outcomes = await latestOutcomes(page);
    expect(outcomes).toEqual({
      "Global Reader": "activated",
      "PIM-Tier0-Operators (member)": "activated",
      "Application Administrator": "already-active",
    });
    const durations = activationWrites().map(
      (w) => (bodyOf(w).scheduleInfo as { expiration?: { duration?: string } }).expiration?.duration,
    );
    expect(durations.sort()).toEqual(["PT4H", "PT8H"]);
  });

  it("waits until the activation is effective and shows it live", { timeout: 60_000 }, async () => {
    emu.admin.settings({ provisioningDelaySeconds: 2 });
    await signIn(page, emu);
    await selectEligible(page, ["Reports Reader"]);
    const dialog = await openActivation(page);
    await dialog.getByLabel("Wait until the activations are effective").check();
    await submit(dialog);
    await openView(page, "activity");
    const effective = page.locator("li.activity-item").first().locator("[data-effective]");
    await expect.poll(() => effective.getAttribute("data-effective"), { timeout: 20_000 }).toBe("effective");
  });

  it("offers the child scopes of an Azure role as a list and activates at the one chosen", {
    timeout: 60_000,
  }, async () => {
    const dump = emu.admin.state() as { subscriptions: { subscriptionId: string; displayName: string }[] };
    const sub = (name: string) => dump.subscriptions.find((s) => s.displayName === name)?.subscriptionId ?? "?";
    const inside = `/subscriptions/${sub("Contoso Production")}/resourceGroups/rg-web-prod`;
    await signIn(page, emu);
    await selectEligible(page, ["Contributor"]);
    const dialog = await openActivation(page);
    await dialog.getByLabel("Justification (required)").fill("Hotfix deployment");
    await dialog.getByLabel("Ticket system").fill("Jira");
    await dialog.getByLabel("Ticket number").fill("OPS-7");
    const picker = dialog.getByLabel(/^Scope for Contributor/);
    await expect.poll(() => picker.isEnabled()).toBe(true);
    expect(await picker.evaluate((e) => e.tagName)).toBe("SELECT");
    const offered = await picker.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered[0]).toBe("");
    expect(offered.map((v) => v.toLowerCase())).toContain(inside.toLowerCase());
    const chosen = offered.find((v) => v.toLowerCase() === inside.toLowerCase()) ?? inside;
    await picker.selectOption(chosen);
    await submit(dialog);
    expect(await latestOutcomes(page)).toEqual({ Contributor: "activated" });
    const puts = activationWrites();
    expect(puts).toHaveLength(1);
    expect(
      puts[0]?.path
        .toLowerCase()
        .startsWith(`/arm${inside}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/`.toLowerCase()),
    ).toBe(true);
  });

  it("falls back to a typed scope when the child scopes cannot be listed, and refuses one outside before sending", {
    timeout: 60_000,
  }, async () => {
    const dump = emu.admin.state() as { subscriptions: { subscriptionId: string; displayName: string }[] };
    const sub = (name: string) => dump.subscriptions.find((s) => s.displayName === name)?.subscriptionId ?? "?";
    const inside = `/subscriptions/${sub("Contoso Production")}/resourceGroups/rg-web-prod`;
    const outside = `/subscriptions/${sub("Contoso Development")}/resourceGroups/rg-app-dev`;
    // The listing fails (as a network error would): the form must still take a scope.
    await page.route(/eligibleChildResources/, (route) => route.abort("failed"));
    await signIn(page, emu);

    const fill = async (scope: string, typed: boolean) => {
      await selectEligible(page, ["Contributor"]);
      const dialog = await openActivation(page);
      await dialog.getByLabel("Justification (required)").fill("Hotfix deployment");
      await dialog.getByLabel("Ticket system").fill("Jira");
      await dialog.getByLabel("Ticket number").fill("OPS-7");
      if (typed) {
        const field = dialog.locator("input").and(dialog.getByLabel(/^Scope for Contributor/));
        await field.waitFor({ timeout: 30_000 });
        await field.fill(scope);
      } else {
        const picker = dialog.locator("select").and(dialog.getByLabel(/^Scope for Contributor/));
        await expect.poll(() => picker.isEnabled()).toBe(true);
        const values = await picker
          .locator("option")
          .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
        await picker.selectOption(values.find((v) => v.toLowerCase() === scope.toLowerCase()) ?? scope);
      }
      await submit(dialog);
    };

    await fill(outside, true);
    await openView(page, "activity");
    const refused = page.locator("li.activity-item").first();
    await refused.locator('xpath=self::*[@data-status="failed"]').waitFor();
    expect(await refused.locator("[data-error-code]").getAttribute("data-error-code")).toBe("invalid_scope");
    expect(activationWrites()).toHaveLength(0);

    // The planner itself checks a child scope against the same listing, so nothing narrower can
    // be sent while it fails; once it answers, the scope is offered and sent.
    await page.unroute(/eligibleChildResources/);
    await fill(inside, false);
    expect(await latestOutcomes(page)).toEqual({ Contributor: "activated" });
    const puts = activationWrites();
    expect(puts).toHaveLength(1);
    expect(
      puts[0]?.path.startsWith(`/arm${inside}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/`),
    ).toBe(true);
  });

  it("shows a scheduled activation among the pending requests and cancels it", { timeout: 60_000 }, async () => {
    await signIn(page, emu);
    await selectEligible(page, ["Reports Reader"]);
    const dialog = await openActivation(page);
    await dialog.getByText("Later", { exact: true }).click();
    const startIso = new Date(Math.floor((Date.now() + 86_400_000) / 60_000) * 60_000).toISOString();
    await dialog.getByLabel("Start at (your local time)").fill(startIso.slice(0, 16));
    await submit(dialog);
    expect(await latestOutcomes(page)).toEqual({ "Reports Reader": "scheduled" });
    await openView(page, "active");
    const row = rowOf(page, "pending", "Reports Reader");
    await row.waitFor();
    expect(await row.getAttribute("data-pending-reason")).toBe("scheduled");
    await row.getByRole("button", { name: /Cancel the request/ }).click();
    await row.waitFor({ state: "detached" });
    const canceled = emu.admin.requests().filter((r) => r.method === "POST" && r.path.endsWith("/cancel"));
    expect(canceled).toHaveLength(1);
    expect(canceled[0]?.status).toBeLessThan(300);
  });

  it("asks one ticket per role when the roles use different ticket systems", { timeout: 60_000 }, async () => {
    await signIn(page, emu);
    // Remembered from earlier activations: Entra roles go through ServiceNow, Azure roles through Jira.
    await page.evaluate(() =>
      localStorage.setItem(
        "pimkit.settings",
        JSON.stringify({ ticketSystems: { entraRole: "ServiceNow", azureRole: "Jira" } }),
      ),
    );
    await page.reload();
    await page.locator('table[data-table="eligible"] tbody tr').first().waitFor();
    await selectEligible(page, ["Exchange Administrator", "Contributor"]);
    const dialog = await openActivation(page);
    expect(await dialog.getByLabel("A different ticket for each role").isChecked()).toBe(true);
    const perRole = dialog.locator(".per-role");
    expect(await perRole.count()).toBe(2);
    const exchange = perRole.filter({ hasText: "Exchange Administrator" });
    const contributor = perRole.filter({ hasText: "Contributor" });
    expect(await exchange.getByLabel("Ticket system").inputValue()).toBe("ServiceNow");
    expect(await contributor.getByLabel("Ticket system").inputValue()).toBe("Jira");
    await dialog.getByLabel("Justification (required)").fill("Change window");
    await exchange.getByLabel("Ticket number").fill("CHG100");
    await contributor.getByLabel("Ticket number").fill("OPS-200");
    await submit(dialog);
    expect(await latestOutcomes(page)).toEqual({ "Exchange Administrator": "activated", Contributor: "activated" });
    const tickets = activationWrites()
      .map((w) => bodyOf(w).ticketInfo)
      .map((t) => JSON.stringify(t))
      .sort();
    expect(tickets).toEqual([
      JSON.stringify({ ticketNumber: "CHG100", ticketSystem: "ServiceNow" }),
      JSON.stringify({ ticketNumber: "OPS-200", ticketSystem: "Jira" }),
    ]);
  });
});
