import type { Cloud } from "@pimkit/contracts";
import { describe, expect, it } from "vitest";
import { onAbort } from "../../src/abort";
import { buildAcrsClaims } from "../../src/claims";
import { createManualClock } from "../../src/clock";
import { createLimiter, mapLimit } from "../../src/concurrency";
import type { TokenCredential } from "../../src/credential";
import { graphBatch } from "../../src/http/batch";
import { Pipeline } from "../../src/http/pipeline";
import { AuthSession, TokenProvider } from "../../src/http/tokens";
import { silentLogger } from "../../src/logger";
import { pendingReasonOf } from "../../src/planes/common";

const cloud: Cloud = {
  name: "unit",
  authorityHost: "https://login.unit.test",
  graphEndpoint: "https://graph.unit.test",
  armEndpoint: "https://arm.unit.test",
  graphResource: "https://graph.microsoft.com",
  armResource: "https://management.azure.com",
};

interface Ask {
  scopes: string[];
  claims: string | undefined;
}

/** A credential that records each request and, when `gate` is set, holds claims requests on it. */
function recordingCredential(gate?: Promise<void>): TokenCredential & { asked: Ask[] } {
  const asked: Ask[] = [];
  return {
    asked,
    async getToken(scopes, options) {
      const list = typeof scopes === "string" ? [scopes] : [...scopes];
      asked.push({ scopes: list, claims: options?.claims });
      if (options?.claims && gate) await gate;
      return { token: `t${asked.length}`, expiresOnTimestamp: Date.parse("2030-01-01T00:00:00Z") };
    },
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve: () => resolve() };
}

const A = "https://graph.microsoft.com/A";
const B = "https://graph.microsoft.com/B";
const C = "https://graph.microsoft.com/C";

describe("token reuse", () => {
  it("a token for more scopes of a resource serves any subset; other claims or scopes ask again", async () => {
    const cred = recordingCredential();
    const tokens = new TokenProvider(cred, createManualClock());
    expect(await tokens.get([A, B], undefined)).toBe("t1");
    expect(await tokens.get([B], undefined)).toBe("t1");
    expect(await tokens.get([A], undefined)).toBe("t1");
    expect(cred.asked).toHaveLength(1);
    await tokens.get([A, C], undefined);
    await tokens.get([A], buildAcrsClaims(["c1"]));
    expect(cred.asked.map((a) => a.scopes.join(" "))).toEqual([`${A} ${B}`, `${A} ${C}`, A]);
  });

  it("a refused token is dropped for every scope set it was serving", async () => {
    const cred = recordingCredential();
    const tokens = new TokenProvider(cred, createManualClock());
    await tokens.get([A, B], undefined);
    await tokens.get([A], undefined);
    tokens.invalidate([A], undefined);
    expect(await tokens.get([A, B], undefined)).toBe("t2");
    expect(cred.asked).toHaveLength(2);
  });
});

describe("step-up session", () => {
  it("the proactive step-up changes the claims only once it holds the token", async () => {
    const gate = deferred();
    const cred = recordingCredential(gate.promise);
    const session = new AuthSession(new TokenProvider(cred, createManualClock()));
    const claims = buildAcrsClaims(["c1"]) ?? "";
    const done = session.proactive(claims, [A]);
    // While the sign-in runs, requests that need no context keep the plain token.
    expect(session.claims).toBeUndefined();
    gate.resolve();
    await done;
    expect(session.claims).toBe(claims);
    expect(session.stepUpCount).toBe(1);
  });

  it("a challenge the proactive step-up already covers costs no second sign-in", async () => {
    const gate = deferred();
    const cred = recordingCredential(gate.promise);
    const session = new AuthSession(new TokenProvider(cred, createManualClock()));
    const c1 = buildAcrsClaims(["c1"]) ?? "";
    const proactive = session.proactive(c1, [A]);
    // A request sent before the step-up finished (no claims) is challenged for c1.
    const reacted = session.react(
      '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
      [A],
      undefined,
      undefined,
    );
    gate.resolve();
    await Promise.all([proactive, reacted]);
    expect(cred.asked.filter((a) => a.claims !== undefined)).toHaveLength(1);
    expect(session.stepUpCount).toBe(1);
    // The same challenge on a request that already carried those claims does ask again.
    await session.react(c1, [A], undefined, c1);
    expect(cred.asked.filter((a) => a.claims !== undefined)).toHaveLength(2);
    // A challenge for another context merges with the first.
    await session.react(buildAcrsClaims(["c2"]) ?? "", [A], undefined, c1);
    expect(session.claims).toBe(buildAcrsClaims(["c1", "c2"]));
  });
});

describe("bounds", () => {
  it("createLimiter keeps at most the limit running, across callers that join later", async () => {
    const slot = createLimiter(3);
    let running = 0;
    let peak = 0;
    const work = () =>
      slot(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      });
    const first = Array.from({ length: 5 }, work);
    await new Promise((r) => setTimeout(r, 1));
    const second = Array.from({ length: 5 }, work);
    await Promise.all([...first, ...second]);
    expect(peak).toBe(3);
    expect(running).toBe(0);
  });

  it("mapLimit keeps order and the bound", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });

  it("$batch requests go out as a pool: a slow batch does not hold back the next one", async () => {
    let arrived = 0;
    const slow = deferred();
    const fetch = async (_url: string, init?: RequestInit) => {
      const k = arrived++;
      // The first batch answers only once the third has been sent: in waves of two, it never would.
      if (k === 0) await slow.promise;
      if (k === 2) slow.resolve();
      const req = JSON.parse(String(init?.body)) as { requests: { id: string }[] };
      return new Response(
        JSON.stringify({ responses: req.requests.map((r) => ({ id: r.id, status: 200, headers: {}, body: {} })) }),
        { status: 200, headers: { "content-type": "application/json" } },
      );
    };
    const clock = createManualClock();
    const tokens = new TokenProvider(recordingCredential(), clock);
    const pipeline = new Pipeline({
      cloud,
      fetch,
      clock,
      logger: silentLogger,
      tokens,
      userAgent: "pimkit-test",
      maxAttempts: 2,
      maxRetryTimeMs: 1000,
      baseDelayMs: 10,
      maxDelayMs: 100,
      attemptTimeoutMs: 2000,
      maxResponseBytes: 1 << 20,
      random: () => 0.5,
      newGuid: () => "00000000-0000-0000-0000-000000000001",
    });
    const out = await graphBatch(
      pipeline,
      new AuthSession(tokens),
      Array.from({ length: 60 }, (_, i) => ({ method: "GET" as const, path: `/x${i}`, scopes: [A] })),
      {
        graphBase: "https://graph.unit.test/v1.0",
        maxAttempts: 2,
        maxDelayMs: 100,
        baseDelayMs: 10,
        logger: silentLogger,
        concurrency: 2,
      },
    );
    expect(arrived).toBe(3);
    expect(out.every((o) => o.ok)).toBe(true);
  }, 5_000);

  it("one abort listener per caller's signal, however many requests wait on it", () => {
    const controller = new AbortController();
    let added = 0;
    const original = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<AbortSignal["addEventListener"]>) => {
      added++;
      original(...args);
    }) as AbortSignal["addEventListener"];
    let fired = 0;
    const stops = Array.from({ length: 20 }, () => onAbort(controller.signal, () => fired++));
    stops[0]?.();
    controller.abort();
    expect(added).toBe(1);
    expect(fired).toBe(19);
  });
});

describe("why a request is open", () => {
  const now = Date.parse("2026-03-01T08:00:00Z");
  const future = "2026-03-02T08:00:00.000Z";
  const past = "2026-03-01T07:00:00.000Z";
  it.each([
    ["PendingApproval", "activate", null, "approval"],
    ["pendingAdminDecision", "activate", null, "approval"],
    ["Granted", "activate", future, "scheduled"],
    ["Granted", "activate", past, null],
    ["Granted", "activate", null, null],
    ["ScheduleCreated", "extend", future, "scheduled"],
    ["PendingScheduleCreation", "activate", null, "scheduled"],
    ["Granted", "deactivate", future, null],
    ["Provisioned", "activate", future, null],
    ["Canceled", "activate", future, null],
  ] as const)("%s %s start=%s → %s", (status, action, start, reason) => {
    expect(pendingReasonOf({ status, action, start }, now)).toBe(reason);
  });
});
