/**
 * The portal's operation service on the real core, against the in-process local tenant: an
 * activation interrupted by a step-up is saved with all its inputs, resumed exactly once after the
 * "reload", roles already settled are not sent again, and a stale, foreign or failed one is
 * reported and never sent.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@pimkit/core";
import { createPimClient } from "@pimkit/core";
import { createEmulator, type Emulator, type RequestLogEntry } from "@pimkit/emulator";
import { createEmulatorCredential } from "@pimkit/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryStorage, type KeyValueStorage } from "../src/lib/storage";
import { type PendingOperation, peekPendingOperation, savePendingOperation } from "../src/services/pending-operation";
import { PimService } from "../src/services/pim-service";
import { createPortalStore, type PortalStore } from "../src/state/portal-state";

const admin = "alex.morgan@contoso.example.com";
let emu: Emulator;

beforeAll(async () => {
  emu = await createEmulator({ scenario: "demo", listen: false });
});

afterAll(async () => {
  await emu?.close();
});

beforeEach(() => {
  emu.admin.reset();
});

/** A page of the portal: its store, the service, and the credential it signs in with. */
function portalPage(session: KeyValueStorage, credential: TokenCredential): { store: PortalStore; pim: PimService } {
  const store = createPortalStore();
  const client = createPimClient({ cloud: emu.cloud, credential, fetch: emu.fetch, tenantId: emu.tenantId });
  const pim = new PimService({
    client,
    store,
    session,
    tenantId: emu.tenantId,
    planes: () => ["entraRole", "group", "azureRole"],
    onUserAction: () => undefined,
  });
  return { store, pim };
}

/**
 * Like the browser credential: a token request carrying claims the session cannot satisfy
 * silently "leaves the page" — the operation is saved and the promise never settles.
 */
function redirectingCredential(
  inner: TokenCredential,
  onRedirect: () => void,
): TokenCredential & { redirected: number } {
  const c = {
    redirected: 0,
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      if (options?.claims) {
        c.redirected++;
        onRedirect();
        return new Promise<AccessToken | null>(() => undefined);
      }
      return inner.getToken(scopes, options);
    },
  };
  return c;
}

function writes(): RequestLogEntry[] {
  return emu.admin
    .requests()
    .filter((r) => r.method === "POST" && /roleAssignmentScheduleRequests$|assignmentScheduleRequests$/.test(r.path));
}

function roleId(store: PortalStore, name: string): string {
  const r = store.get().roles.find((x) => x.name === name && x.eligibility);
  if (!r) throw new Error(`no eligible role ${name}`);
  return r.id;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("PimService across a step-up redirect", () => {
  it("saves the whole operation before leaving and resumes it exactly once", async () => {
    const session = createMemoryStorage();
    const signedIn = createEmulatorCredential(emu, { upn: admin });
    // First page: the c1 role needs a step-up, the page "leaves".
    let first!: { store: PortalStore; pim: PimService };
    const leaving = redirectingCredential(signedIn, () => first.pim.beforeRedirect());
    first = portalPage(session, leaving);
    await first.pim.refresh();
    const start = new Date(Date.now() + 3 * 3600_000).toISOString();
    const roles = first.store.get().roles.filter((r) => r.name === "Security Administrator" && r.eligibility);
    void first.pim.activate({
      batches: [{ roles, input: { justification: "Incident 4711", start, duration: "PT1H" } }],
      wait: false,
    });
    await until(() => leaving.redirected === 1);
    const saved = peekPendingOperation(session);
    expect(saved?.batches).toEqual([
      {
        targets: [roleId(first.store, "Security Administrator")],
        input: { justification: "Incident 4711", start, duration: "PT1H" },
      },
    ]);
    expect(first.store.get().activity[0]?.status).toBe("step-up");
    expect(writes()).toHaveLength(0);

    // Second page, same tab: the sign-in satisfied the context.
    const second = portalPage(session, signedIn);
    expect(second.store.get().activity[0]?.status).toBe("step-up");
    await second.pim.refresh();
    await second.pim.resumePending(null);
    const entry = second.store.get().activity[0];
    expect(entry?.status).toBe("done");
    expect(entry?.activations.map((a) => [a.name, a.outcome])).toEqual([["Security Administrator", "scheduled"]]);
    expect(writes()).toHaveLength(1);
    const body = writes()[0]?.body as { scheduleInfo?: { startDateTime?: string } };
    expect(Date.parse(body.scheduleInfo?.startDateTime ?? "")).toBe(Date.parse(start));

    // A third page (another reload) finds nothing to resume.
    const third = portalPage(session, signedIn);
    await third.pim.refresh();
    await third.pim.resumePending(null);
    expect(writes()).toHaveLength(1);
  });

  it("sends nothing, not even roles without a context, before the step-up redirect leaves", async () => {
    const session = createMemoryStorage();
    const signedIn = createEmulatorCredential(emu, { upn: admin });
    let first!: { store: PortalStore; pim: PimService };
    const leaving = redirectingCredential(signedIn, () => first.pim.beforeRedirect());
    first = portalPage(session, leaving);
    await first.pim.refresh();
    const roles = first.store
      .get()
      .roles.filter((r) => (r.name === "Security Administrator" || r.name === "Reports Reader") && r.eligibility);
    expect(roles.map((r) => r.requirements.authContext !== null).sort()).toEqual([false, true]);
    void first.pim.activate({ batches: [{ roles, input: { justification: "Incident 4711" } }], wait: false });
    await until(() => leaving.redirected === 1);
    // Time for a context-free write to go out, had it been started alongside the step-up.
    await new Promise((r) => setTimeout(r, 200));
    expect(writes()).toHaveLength(0);
    expect(peekPendingOperation(session)?.settled).toEqual({});

    const second = portalPage(session, signedIn);
    await second.pim.refresh();
    await second.pim.resumePending(null);
    expect(
      second.store
        .get()
        .activity[0]?.activations.map((a) => a.outcome)
        .sort(),
    ).toEqual(["activated", "activated"]);
    expect(writes()).toHaveLength(2);
  });

  it("does not send again the roles settled before the redirect", async () => {
    const session = createMemoryStorage();
    const credential = createEmulatorCredential(emu, { upn: admin });
    const page = portalPage(session, credential);
    await page.pim.refresh();
    const op: PendingOperation = {
      v: 1,
      id: "op-settled",
      kind: "activate",
      tenantId: emu.tenantId,
      batches: [
        {
          targets: [roleId(page.store, "Global Reader"), roleId(page.store, "Reports Reader")],
          input: { justification: "Audit" },
        },
      ],
      wait: false,
      settled: { [roleId(page.store, "Global Reader")]: "activated" },
      createdAt: new Date().toISOString(),
    };
    savePendingOperation(session, op);
    await page.pim.resumePending(null);
    expect(
      page.store
        .get()
        .activity.find((a) => a.id === "op-settled")
        ?.activations.map((a) => a.name),
    ).toEqual(["Reports Reader"]);
    expect(writes()).toHaveLength(1);
  });

  it("reports and drops a stale operation, one of another tenant, and one whose sign-in failed", async () => {
    const credential = createEmulatorCredential(emu, { upn: admin });
    const cases: [Partial<PendingOperation>, { code: string; message: string } | null, string][] = [
      [{ createdAt: new Date(Date.now() - 60 * 60_000).toISOString() }, null, "operation_expired"],
      [{ tenantId: "00000000-0000-0000-0000-00000000beef" }, null, "operation_expired"],
      [
        {},
        { code: "access_denied", message: "AADSTS50076: the user could not complete the step-up." },
        "access_denied",
      ],
    ];
    for (const [change, redirectError, code] of cases) {
      const session = createMemoryStorage();
      const page = portalPage(session, credential);
      await page.pim.refresh();
      savePendingOperation(session, {
        v: 1,
        id: `op-${code}`,
        kind: "activate",
        tenantId: emu.tenantId,
        batches: [{ targets: [roleId(page.store, "Reports Reader")], input: {} }],
        wait: false,
        settled: {},
        createdAt: new Date().toISOString(),
        ...change,
      });
      await page.pim.resumePending(redirectError);
      const entry = page.store.get().activity.find((a) => a.id === `op-${code}`);
      expect(entry?.status).toBe("failed");
      expect(entry?.error?.code).toBe(code);
      expect(peekPendingOperation(session)).toBeUndefined();
    }
    expect(writes()).toHaveLength(0);
  });
});

describe("PimService pending requests", () => {
  it("lists a scheduled activation with its reason and cancels it", async () => {
    const credential = createEmulatorCredential(emu, { upn: admin });
    const page = portalPage(createMemoryStorage(), credential);
    await page.pim.refresh();
    const roles = page.store.get().roles.filter((r) => r.name === "Reports Reader" && r.eligibility);
    const start = new Date(Date.now() + 3 * 3600_000).toISOString();
    const results = await page.pim.activate({
      batches: [{ roles, input: { justification: "Audit", start, duration: "PT1H" } }],
      wait: false,
    });
    expect(results.map((r) => r.outcome)).toEqual(["scheduled"]);
    const scheduled = page.store.get().pendingRequests.filter((r) => r.name === "Reports Reader");
    expect(scheduled.map((r) => [r.pendingReason, r.status])).toEqual([["scheduled", "Granted"]]);

    await page.pim.cancel(scheduled.map((r) => r.requestId));
    const entry = page.store.get().activity[0];
    expect(entry?.kind).toBe("cancel");
    expect(entry?.cancellations.map((c) => c.outcome)).toEqual(["canceled"]);
    expect(page.store.get().pendingRequests.some((r) => r.name === "Reports Reader")).toBe(false);
  });

  it("lists the scopes an Azure role can be narrowed to", async () => {
    const credential = createEmulatorCredential(emu, { upn: admin });
    const page = portalPage(createMemoryStorage(), credential);
    await page.pim.refresh();
    const contributor = page.store.get().roles.find((r) => r.name === "Contributor" && r.eligibility);
    expect(contributor).toBeDefined();
    if (!contributor) return;
    const scopes = await page.pim.listChildScopes(contributor);
    expect(scopes.length).toBeGreaterThan(0);
    for (const s of scopes) expect(s.id.toLowerCase().startsWith(contributor.scope.id.toLowerCase())).toBe(true);
    const reader = page.store.get().roles.find((r) => r.name === "Reports Reader");
    expect(reader && (await page.pim.listChildScopes(reader))).toEqual([]);
  });
});
