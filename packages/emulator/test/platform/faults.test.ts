import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createFaultInjector } from "../../src/http/fault-injector";
import { type Platform, startPlatform } from "./harness";
import { httpsRequest } from "./https-client";

interface GraphError {
  error: { code: string; message: string; innerError?: Record<string, string> };
}

describe("faults over both transports", () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(async () => {
    await p.close();
  });
  afterEach(() => {
    p.faults.clear();
  });

  it("answers a Graph-shaped 429 with the fractional Retry-After given, without reaching the surface", async () => {
    p.faults.add({ kind: "status", status: 429, retryAfter: "2.128", path: "^/graph/" });
    const before = p.seen.length;
    const res = await p.fetch(`${p.url}/graph/v1.0/me`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2.128");
    const body = (await res.json()) as GraphError;
    expect(body.error.code).toBe("TooManyRequests");
    expect(body.error.innerError?.code).toBe("429");
    expect(body.error.innerError?.status).toBe("429");
    expect(body.error.innerError?.["request-id"]).toBe(res.headers.get("request-id"));
    const raw = await httpsRequest(`${p.url}/graph/v1.0/me`, { ca: p.caCertPem });
    expect(raw.status).toBe(429);
    expect(raw.headers["retry-after"]).toBe("2.128");
    expect(JSON.parse(raw.body).error.code).toBe("TooManyRequests");
    expect(p.seen.length).toBe(before);
  });

  it("answers ARM-shaped 429 and 503 errors (code and message only) with a Retry-After", async () => {
    p.faults.add({ kind: "status", status: 429, path: "^/arm/", times: 1 });
    p.faults.add({ kind: "status", status: 503, retryAfter: "3", path: "^/arm/", times: 1 });
    const throttled = await p.fetch(`${p.url}/arm/subscriptions`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(throttled.headers.get("x-ms-ratelimit-remaining-subscription-reads")).toBe("0");
    const tBody = (await throttled.json()) as GraphError;
    expect(Object.keys(tBody.error).sort()).toEqual(["code", "message"]);
    expect(tBody.error.code).toBe("TooManyRequests");
    const raw = await httpsRequest(`${p.url}/arm/subscriptions`, { ca: p.caCertPem });
    expect(raw.status).toBe(503);
    expect(raw.headers["retry-after"]).toBe("3");
    expect(JSON.parse(raw.body).error.code).toBe("ServiceUnavailable");
    // Both faults are used up: the next request goes through.
    expect((await p.fetch(`${p.url}/arm/subscriptions`)).status).toBe(200);
  });

  it("uses Graph's own 503 code, an HTTP-date Retry-After, a custom body, or no Retry-After at all", async () => {
    p.faults.add({
      kind: "status",
      status: 503,
      path: "^/graph/",
      times: 1,
      retryAfter: "Wed, 21 Oct 2037 07:28:00 GMT",
    });
    const res = await p.fetch(`${p.url}/graph/v1.0/me`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("Wed, 21 Oct 2037 07:28:00 GMT");
    expect(((await res.json()) as GraphError).error.code).toBe("serviceNotAvailable");

    p.faults.add({ kind: "status", status: 429, retryAfter: "", times: 1, body: { custom: true } });
    const bare = await p.fetch(`${p.url}/graph/v1.0/me`);
    expect(bare.status).toBe(429);
    expect(bare.headers.get("retry-after")).toBeNull();
    expect(await bare.json()).toEqual({ custom: true });
  });

  it("resets the connection: in-process like undici (TypeError fetch failed), over HTTPS a socket error", async () => {
    p.faults.add({ kind: "reset", path: "^/graph/" });
    const before = p.seen.length;
    const failure = await p.fetch(`${p.url}/graph/v1.0/me`).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).message).toBe("fetch failed");
    expect(((failure as TypeError).cause as { code?: string }).code).toBe("UND_ERR_SOCKET");
    const raw = await httpsRequest(`${p.url}/graph/v1.0/me`, { ca: p.caCertPem }).catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(Error);
    expect(["ECONNRESET", "EPIPE"]).toContain((raw as NodeJS.ErrnoException).code);
    expect(p.seen.length).toBe(before);
    expect(p.log.entries().at(-1)).toMatchObject({ fault: "reset", status: 0 });
  });

  it("with afterHandling, a reset lets the write reach the surface first (the ambiguous failure)", async () => {
    p.faults.add({ kind: "reset", method: "POST", path: "ScheduleRequests$", afterHandling: true, times: 1 });
    const before = p.seen.length;
    await expect(
      p.fetch(`${p.url}/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests`, {
        method: "POST",
        body: "{}",
      }),
    ).rejects.toThrow("fetch failed");
    expect(p.seen.length).toBe(before + 1);
    expect(p.log.entries().at(-1)).toMatchObject({ fault: "reset", status: 200, method: "POST" });
  });

  it("hangs until the caller gives up: AbortSignal in-process, a timeout over HTTPS", async () => {
    p.faults.add({ kind: "hang", path: "^/arm/" });
    const t0 = performance.now();
    const failure = await p.fetch(`${p.url}/arm/slow`, { signal: AbortSignal.timeout(80) }).catch((e: unknown) => e);
    expect((failure as DOMException).name).toBe("TimeoutError");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(70);
    const raw = await httpsRequest(`${p.url}/arm/slow`, { ca: p.caCertPem, timeoutMs: 80 }).catch((e: unknown) => e);
    expect((raw as NodeJS.ErrnoException).code).toBe("ETIMEDOUT");
  });

  it("ends hanging requests when the emulator closes", async () => {
    const q = await startPlatform();
    q.faults.add({ kind: "hang" });
    const inProcess = q.fetch(`${q.url}/graph/v1.0/me`).catch((e: unknown) => e);
    const overHttps = httpsRequest(`${q.url}/graph/v1.0/me`, { ca: q.caCertPem }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 30));
    await q.close();
    expect(await inProcess).toBeInstanceOf(TypeError);
    expect(await overHttps).toBeInstanceOf(Error);
  });

  it("truncates the real answer in the middle of its JSON", async () => {
    p.faults.add({ kind: "truncate", path: "^/graph/v1\\.0/me$" });
    const full = JSON.stringify({ surface: "graph", method: "GET", path: "/graph/v1.0/me", body: "" });
    const res = await p.fetch(`${p.url}/graph/v1.0/me`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(full.length);
    expect(full.startsWith(text)).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    const raw = await httpsRequest(`${p.url}/graph/v1.0/me`, { ca: p.caCertPem });
    expect(raw.status).toBe(200);
    expect(full.startsWith(raw.body)).toBe(true);
    expect(() => JSON.parse(raw.body)).toThrow(SyntaxError);
  });

  it("adds a latency fault's delay on top of the answer", async () => {
    p.faults.add({ kind: "latency", latencyMs: 120, path: "^/arm/" });
    const t0 = performance.now();
    const res = await p.fetch(`${p.url}/arm/x`);
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    const t1 = performance.now();
    expect((await httpsRequest(`${p.url}/arm/x`, { ca: p.caCertPem })).status).toBe(200);
    expect(performance.now() - t1).toBeGreaterThanOrEqual(110);
  });

  it("matches on method and path (with query), skips `after`, stops after `times`, ignores batch-only faults", async () => {
    p.log.clear();
    const f = p.faults.add({ kind: "status", status: 503, method: "post", path: "\\$filter=x", after: 1, times: 2 });
    p.faults.add({ kind: "status", status: 429, inBatch: true });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await p.fetch(`${p.url}/graph/v1.0/a?$filter=x`, { method: "POST", body: "{}" })).status);
    }
    expect(statuses).toEqual([200, 503, 503, 200, 200]);
    expect((await p.fetch(`${p.url}/graph/v1.0/a?$filter=x`)).status).toBe(200);
    expect((await p.fetch(`${p.url}/graph/v1.0/a?$filter=y`, { method: "POST", body: "{}" })).status).toBe(200);
    const listed = p.faults.list().find((x) => x.id === f.id);
    expect(listed).toMatchObject({ seen: 5, fired: 2, method: "POST" });
    expect(p.log.entries().filter((e) => e.fault === "status")).toHaveLength(2);
  });
});

describe("fault injector", () => {
  it("is reproducible for a seed and fires close to the probability asked", () => {
    const run = (seed: number) => {
      const f = createFaultInjector({ seed });
      f.add({ kind: "status", probability: 0.3 });
      return Array.from({ length: 400 }, () => (f.pick("GET", "/graph/v1.0/me", false) ? 1 : 0));
    };
    const a = run(42);
    expect(run(42)).toEqual(a);
    expect(run(43)).not.toEqual(a);
    const fired = a.reduce<number>((s, x) => s + x, 0);
    expect(fired).toBeGreaterThan(80);
    expect(fired).toBeLessThan(160);
  });

  it("applies batch-only faults to batch items only", () => {
    const f = createFaultInjector();
    f.add({ kind: "status", status: 429, inBatch: true, path: "roleAssignmentScheduleRequests" });
    expect(
      f.pick("POST", "/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", false),
    ).toBeUndefined();
    expect(f.pick("POST", "/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", true)).toMatchObject({
      status: 429,
    });
  });

  it("refuses malformed specs with the field at fault", () => {
    const f = createFaultInjector();
    expect(() => f.add({ kind: "explode" as "status" })).toThrow(expect.objectContaining({ field: "kind" }));
    expect(() => f.add({ kind: "status", path: "(" })).toThrow(expect.objectContaining({ field: "path" }));
    expect(() => f.add({ kind: "status", status: 200 })).toThrow(expect.objectContaining({ field: "status" }));
    expect(() => f.add({ kind: "status", probability: 2 })).toThrow(expect.objectContaining({ field: "probability" }));
    expect(() => f.add({ kind: "latency" })).toThrow(expect.objectContaining({ field: "latencyMs" }));
    expect(f.list()).toEqual([]);
  });
});
