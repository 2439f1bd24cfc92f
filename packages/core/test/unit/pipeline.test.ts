import type { Cloud } from "@pimkit/contracts";
import { describe, expect, it } from "vitest";
import { createManualClock } from "../../src/clock";
import type { TokenCredential } from "../../src/credential";
import { PimError } from "../../src/errors";
import { graphBatch } from "../../src/http/batch";
import { listAll } from "../../src/http/paging";
import { Pipeline } from "../../src/http/pipeline";
import { AuthSession, TokenProvider } from "../../src/http/tokens";
import { silentLogger, type TraceEvent } from "../../src/logger";

/**
 * These tests pin generic HTTP behaviour (retry, timeouts, paging, batching) with a scripted
 * transport; Graph and ARM semantics are tested against the emulator in test/integration.
 */
const cloud: Cloud = {
  name: "unit",
  authorityHost: "https://login.unit.test",
  graphEndpoint: "https://graph.unit.test",
  armEndpoint: "https://arm.unit.test/arm",
  graphResource: "https://graph.microsoft.com",
  armResource: "https://management.azure.com",
};

type Reply = Response | "reset" | "hang" | ((url: string, init?: RequestInit) => Response | Promise<Response>);

function scripted(replies: Reply[]) {
  const calls: { url: string; method: string; body?: string; auth?: string | null }[] = [];
  const fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    calls.push({
      url,
      method: init?.method ?? "GET",
      ...(typeof init?.body === "string" ? { body: init.body } : {}),
      auth: headers.get("authorization"),
    });
    const r = replies.shift();
    if (r === undefined) throw new Error(`unexpected request ${url}`);
    if (r === "reset") throw new TypeError("fetch failed: socket hang up");
    if (r === "hang")
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
      );
    return typeof r === "function" ? r(url, init) : r;
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

function credential(): TokenCredential & { asked: number; claims: (string | undefined)[] } {
  const c = {
    asked: 0,
    claims: [] as (string | undefined)[],
    async getToken(_scopes: string | string[], options?: { claims?: string }) {
      c.asked++;
      c.claims.push(options?.claims);
      return { token: `secret-token-${c.asked}`, expiresOnTimestamp: Date.parse("2030-01-01T00:00:00Z") };
    },
  };
  return c;
}

function setup(replies: Reply[], over: Partial<ConstructorParameters<typeof Pipeline>[0]> = {}) {
  const clock = createManualClock();
  const cred = credential();
  const tokens = new TokenProvider(cred, clock);
  const t = scripted(replies);
  const traces: TraceEvent[] = [];
  const pipeline = new Pipeline({
    cloud,
    fetch: t.fetch,
    clock,
    logger: silentLogger,
    trace: (e) => traces.push(e),
    tokens,
    userAgent: "pimkit-test",
    maxAttempts: 4,
    maxRetryTimeMs: 120_000,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    attemptTimeoutMs: 100,
    maxResponseBytes: 1024,
    random: () => 0.5,
    newGuid: () => "00000000-0000-0000-0000-000000000001",
    ...over,
  });
  return { pipeline, clock, cred, calls: t.calls, traces, session: new AuthSession(tokens) };
}

const get = (url = "https://graph.unit.test/v1.0/x") => ({
  method: "GET" as const,
  url,
  plane: "graph" as const,
  scopes: ["s"],
});

describe("retry with Retry-After on a fake clock", () => {
  it.each([
    ["2", 2000],
    ["0.5", 500],
    ["Sun, 01 Mar 2026 08:00:03 GMT", 3000],
  ])("429 Retry-After %s waits %i ms then succeeds", async (value, wait) => {
    const s = setup([
      json(429, { error: { code: "TooManyRequests", message: "x" } }, { "Retry-After": value }),
      json(200, { ok: 1 }),
    ]);
    const res = await s.pipeline.send(get(), s.session);
    expect(res.body).toEqual({ ok: 1 });
    expect(s.clock.slept).toEqual([wait]);
    expect(s.calls).toHaveLength(2);
  });

  it("503 without Retry-After backs off exponentially and gives up as service_unavailable", async () => {
    const s = setup([1, 2, 3, 4].map(() => json(503, { error: { code: "ServiceUnavailable", message: "x" } })));
    await expect(s.pipeline.send(get(), s.session)).rejects.toMatchObject({ code: "service_unavailable" });
    expect(s.calls).toHaveLength(4);
    // jitter 0.5 → half + quarter of each step
    expect(s.clock.slept).toEqual([375, 750, 1500]);
  });

  it("a Retry-After beyond the bound fails at once as throttled", async () => {
    const s = setup([json(429, {}, { "Retry-After": "3600" })]);
    await expect(s.pipeline.send(get(), s.session)).rejects.toMatchObject({
      code: "throttled",
      retryAfterMs: 3_600_000,
    });
    expect(s.clock.slept).toEqual([]);
  });

  it("aborts while waiting", async () => {
    const s = setup([json(429, {}, { "Retry-After": "1" })]);
    const ac = new AbortController();
    ac.abort();
    await expect(s.pipeline.send({ ...get(), signal: ac.signal }, s.session)).rejects.toMatchObject({
      code: "aborted",
    });
  });
});

describe("ambiguous failures", () => {
  it("a hung GET is aborted after the per-attempt timeout and retried", async () => {
    const s = setup(["hang", json(200, { value: [] })]);
    await expect(s.pipeline.send(get(), s.session)).resolves.toMatchObject({ status: 200 });
    expect(s.traces[0]).toMatchObject({ status: 0, error: "timeout" });
  });

  it("truncated JSON on a GET is retried, then reported as malformed_response", async () => {
    const cut = () => new Response('{"value":[{"id":"a"', { status: 200 });
    const s = setup([cut, cut, cut, cut]);
    await expect(s.pipeline.send(get(), s.session)).rejects.toMatchObject({ code: "malformed_response" });
    expect(s.calls).toHaveLength(4);
  });

  it("a write that got no answer is read back before any resend; found means not resent", async () => {
    const s = setup(["reset"]);
    let readBacks = 0;
    const res = await s.pipeline.send(
      {
        method: "PUT",
        url: "https://arm.unit.test/arm/subscriptions/s/x/1?api-version=1",
        plane: "arm",
        scopes: ["a"],
        body: { properties: {} },
        write: true,
        reconcile: async () => {
          readBacks++;
          return { status: 200, headers: new Headers(), body: { name: "1" }, requestId: null };
        },
      },
      s.session,
    );
    expect(readBacks).toBe(1);
    expect(res.reconciled).toBe(true);
    expect(s.calls.filter((c) => c.method === "PUT")).toHaveLength(1);
  });

  it("a write answered 503 is read back; absent means resent once with the same body", async () => {
    const s = setup([json(503, {}), json(201, { name: "1" })]);
    const res = await s.pipeline.send(
      {
        method: "PUT",
        url: "https://arm.unit.test/arm/x",
        plane: "arm",
        scopes: ["a"],
        body: { n: 1 },
        write: true,
        reconcile: async () => undefined,
      },
      s.session,
    );
    expect(res.status).toBe(201);
    expect(s.calls.map((c) => c.body)).toEqual(['{"n":1}', '{"n":1}']);
  });

  it("a write whose retries are used up is still read back once: applied means success", async () => {
    const s = setup(["reset"], { maxAttempts: 1 });
    let readBacks = 0;
    const res = await s.pipeline.send(
      {
        method: "PUT",
        url: "https://arm.unit.test/arm/x",
        plane: "arm",
        scopes: ["a"],
        body: {},
        write: true,
        reconcile: async () => {
          readBacks++;
          return { status: 200, headers: new Headers(), body: {}, requestId: null };
        },
      },
      s.session,
    );
    expect(res.reconciled).toBe(true);
    expect(readBacks).toBe(1);
    expect(s.calls).toHaveLength(1);
  });

  it("a write without a read-back is never resent after an ambiguous failure", async () => {
    const s = setup(["reset"]);
    await expect(
      s.pipeline.send(
        { method: "POST", url: "https://graph.unit.test/v1.0/x", plane: "graph", scopes: ["s"], body: {}, write: true },
        s.session,
      ),
    ).rejects.toMatchObject({ code: "ambiguous_write" });
    expect(s.calls).toHaveLength(1);
  });

  it("a 429 on a write is a refusal: resent without a read-back", async () => {
    const s = setup([json(429, {}, { "Retry-After": "1" }), json(201, {})]);
    let readBacks = 0;
    await s.pipeline.send(
      {
        method: "POST",
        url: "https://graph.unit.test/v1.0/x",
        plane: "graph",
        scopes: ["s"],
        body: {},
        write: true,
        reconcile: async () => {
          readBacks++;
          return undefined;
        },
      },
      s.session,
    );
    expect(readBacks).toBe(0);
  });
});

describe("auth step", () => {
  it("refuses http and other hosts before asking for a token", async () => {
    const s = setup([]);
    await expect(s.pipeline.send(get("http://graph.unit.test/v1.0/x"), s.session)).rejects.toMatchObject({
      code: "insecure_url",
    });
    await expect(s.pipeline.send(get("https://evil.test/v1.0/x"), s.session)).rejects.toMatchObject({
      code: "untrusted_host",
    });
    await expect(
      s.pipeline.send({ ...get("https://arm.unit.test/other"), plane: "arm" }, s.session),
    ).rejects.toMatchObject({ code: "untrusted_host" });
    expect(s.cred.asked).toBe(0);
  });

  it("a 401 without claims gets one fresh token; a CAE header challenge one step-up", async () => {
    const claims = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}';
    const s = setup([
      json(401, { error: { code: "InvalidAuthenticationToken", message: "expired" } }),
      json(
        401,
        {},
        { "WWW-Authenticate": `Bearer error="insufficient_claims", claims="${btoa(claims)}", PoP nonce="a.b.c"` },
      ),
      json(200, {}),
    ]);
    await s.pipeline.send(get(), s.session);
    expect(s.calls.map((c) => c.auth)).toEqual([
      "Bearer secret-token-1",
      "Bearer secret-token-2",
      "Bearer secret-token-3",
    ]);
    expect(s.cred.claims[2]).toBe(claims);
  });

  it("a second claims refusal after a step-up is auth_context_not_satisfied (no loop)", async () => {
    const body = {
      error: {
        code: "RoleAssignmentRequestAcrsValidationFailed",
        message: `x&claims=${encodeURIComponent('{"access_token":{"acrs":{"essential":true, "value":"c1"}}}')}`,
      },
    };
    const s = setup([json(400, body), json(400, body)]);
    const err = await s.pipeline.send(get(), s.session).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PimError);
    expect((err as PimError).code).toBe("auth_context_not_satisfied");
    expect(JSON.stringify(err)).not.toContain("acrs");
    expect((err as PimError).upstream?.message).toBe("x&claims=REDACTED");
    expect(s.calls).toHaveLength(2);
  });

  it("traces never carry tokens and redact skip tokens", async () => {
    const s = setup([json(200, {})]);
    await s.pipeline.send(get("https://graph.unit.test/v1.0/x?$skiptoken=abc&$top=5"), s.session);
    const text = JSON.stringify(s.traces);
    expect(text).not.toContain("secret-token");
    expect(s.traces[0]?.url).toBe("https://graph.unit.test/v1.0/x?$skiptoken=REDACTED&$top=5");
  });

  it("answers over the size guard are refused", async () => {
    const s = setup([json(200, { big: "x".repeat(5000) })]);
    await expect(s.pipeline.send(get(), s.session)).rejects.toMatchObject({ code: "response_too_large" });
  });
});

describe("paging", () => {
  const page = (ids: string[], next?: string) =>
    json(200, { value: ids.map((id) => ({ id })), ...(next ? { "@odata.nextLink": next } : {}) });

  it("follows next links to the end", async () => {
    const s = setup([
      page(["a"], "https://graph.unit.test/v1.0/x?$skiptoken=1"),
      page(["b"], "https://graph.unit.test/v1.0/x?$skiptoken=2"),
      page(["c"]),
    ]);
    const items = await listAll<{ id: string }>(s.pipeline, s.session, get(), 10);
    expect(items.map((i) => i.id)).toEqual(["a", "b", "c"]);
  });

  it("the same link twice is a loop", async () => {
    const loop = "https://graph.unit.test/v1.0/x?$skiptoken=1";
    const s = setup([page(["a"], loop), page(["b"], loop)]);
    await expect(listAll(s.pipeline, s.session, get(), 10)).rejects.toMatchObject({ code: "paging_loop" });
  });

  it("more pages than allowed is an error, not a silent truncation", async () => {
    const s = setup([1, 2, 3].map((n) => page([`i${n}`], `https://graph.unit.test/v1.0/x?$skiptoken=${n}`)));
    await expect(listAll(s.pipeline, s.session, get(), 3)).rejects.toMatchObject({ code: "too_many_pages" });
  });

  it("a next link to another host is refused", async () => {
    const s = setup([page(["a"], "https://elsewhere.test/v1.0/x?$skiptoken=1")]);
    await expect(listAll(s.pipeline, s.session, get(), 10)).rejects.toMatchObject({ code: "untrusted_host" });
  });
});

describe("$batch", () => {
  it("retries only the throttled items, in a new batch, after the longest Retry-After", async () => {
    const batches: string[][] = [];
    const answer = (throttle: Record<string, string>) => (_url: string, init?: RequestInit) => {
      const req = JSON.parse(String(init?.body)) as { requests: { id: string }[] };
      batches.push(req.requests.map((r) => r.id));
      return json(200, {
        responses: req.requests.map((r) =>
          throttle[r.id]
            ? {
                id: r.id,
                status: 429,
                headers: { "Retry-After": throttle[r.id] },
                body: { error: { code: "TooManyRequests", message: "x" } },
              }
            : { id: r.id, status: 200, headers: {}, body: { n: r.id } },
        ),
      });
    };
    const s = setup([answer({ "2": "1", "3": "2.5" }), answer({})]);
    const out = await graphBatch(
      s.pipeline,
      s.session,
      ["/a", "/b", "/c"].map((path) => ({ method: "GET" as const, path, scopes: ["s"] })),
      {
        graphBase: "https://graph.unit.test/v1.0",
        maxAttempts: 4,
        maxDelayMs: 30_000,
        baseDelayMs: 500,
        logger: silentLogger,
      },
    );
    expect(batches).toEqual([
      ["1", "2", "3"],
      ["2", "3"],
    ]);
    expect(s.clock.slept).toEqual([2500]);
    expect(out.map((o) => o.ok && o.result.body)).toEqual([{ n: "1" }, { n: "2" }, { n: "3" }]);
  });

  it("chunks at 20 items", async () => {
    const sizes: number[] = [];
    const answer = (_url: string, init?: RequestInit) => {
      const req = JSON.parse(String(init?.body)) as { requests: { id: string }[] };
      sizes.push(req.requests.length);
      return json(200, { responses: req.requests.map((r) => ({ id: r.id, status: 204, headers: {} })) });
    };
    const s = setup([answer, answer, answer]);
    const out = await graphBatch(
      s.pipeline,
      s.session,
      Array.from({ length: 45 }, (_, i) => ({ method: "GET" as const, path: `/i${i}`, scopes: ["s"] })),
      {
        graphBase: "https://graph.unit.test/v1.0",
        maxAttempts: 4,
        maxDelayMs: 30_000,
        baseDelayMs: 500,
        logger: silentLogger,
      },
    );
    expect(sizes.sort()).toEqual([20, 20, 5]);
    expect(out.every((o) => o.ok)).toBe(true);
  });
});
