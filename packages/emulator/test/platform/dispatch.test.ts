import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock } from "../../src/clock";
import { classifyPath, createDispatcher } from "../../src/http/dispatch";
import { createFaultInjector } from "../../src/http/fault-injector";
import { createRequestLog } from "../../src/http/request-log";
import { type EmuResponse, json } from "../../src/http/types";
import { type Platform, startPlatform } from "./harness";
import { httpsRequest } from "./https-client";

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("dispatch", () => {
  let p: Platform;
  let portal: string;
  beforeAll(async () => {
    portal = mkdtempSync(join(tmpdir(), "pimkit-portal-test-"));
    mkdirSync(join(portal, "assets"));
    writeFileSync(join(portal, "index.html"), "<!doctype html><title>portal</title>");
    writeFileSync(join(portal, "assets", "app.js"), "console.log(1)");
    writeFileSync(join(portal, ".secret"), "hidden");
    p = await startPlatform({ portalDir: portal });
  });
  afterAll(async () => {
    await p.close();
    rmSync(portal, { recursive: true, force: true });
  });

  it("classifies paths by surface", () => {
    expect(classifyPath("/_emulator/state")).toBe("admin");
    expect(classifyPath("/graph/v1.0/me")).toBe("graph");
    expect(classifyPath("/arm/subscriptions")).toBe("arm");
    expect(classifyPath("/contoso.example.com/oauth2/v2.0/token")).toBe("entra");
    expect(classifyPath("/00000000-0000-0000-0000-000000000001/v2.0/.well-known/openid-configuration")).toBe("entra");
    expect(classifyPath("/common/discovery/instance")).toBe("entra");
    expect(classifyPath("/nothing")).toBe("other");
  });

  it("routes each surface and stamps request-id, client-request-id, x-ms-request-id and Date (in-process)", async () => {
    const res = await p.fetch(`${p.url}/graph/v1.0/me`, { headers: { "client-request-id": "my-id-1" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ surface: "graph", path: "/graph/v1.0/me" });
    expect(res.headers.get("request-id")).toMatch(guid);
    expect(res.headers.get("x-ms-request-id")).toBe(res.headers.get("request-id"));
    expect(res.headers.get("client-request-id")).toBe("my-id-1");
    expect(Number.isNaN(Date.parse(res.headers.get("date") ?? ""))).toBe(false);
    expect(res.url).toBe(`${p.url}/graph/v1.0/me`);

    const arm = await p.fetch(`${p.url}/arm/subscriptions?api-version=2020-10-01`);
    expect(await arm.json()).toMatchObject({ surface: "arm" });
    expect(arm.headers.get("client-request-id")).toMatch(guid);
    expect(arm.headers.get("x-ms-correlation-request-id")).toBeTruthy();

    const entra = await p.fetch(`${p.url}/contoso.example.com/oauth2/v2.0/token`, { method: "POST", body: "a=b" });
    expect(await entra.json()).toMatchObject({ surface: "entra", body: "a=b" });
  });

  it("stamps the same headers over HTTPS, and the certificate chains to the CA for 127.0.0.1 and localhost", async () => {
    const res = await httpsRequest(`${p.url}/graph/v1.0/me`, { ca: p.caCertPem });
    expect(res.status).toBe(200);
    expect(res.headers["request-id"]).toMatch(guid);
    expect(res.headers["x-ms-request-id"]).toBe(res.headers["request-id"]);
    expect(res.headers["client-request-id"]).toMatch(guid);
    expect(res.headers.date).toBeTruthy();
    const viaLocalhost = await httpsRequest(p.url.replace("127.0.0.1", "localhost"), { ca: p.caCertPem });
    // `/` is the portal's index when a portal folder is given.
    expect(viaLocalhost.status).toBe(200);
    await expect(httpsRequest(`${p.url}/graph/v1.0/me`, { ca: "" })).rejects.toThrow();
  });

  it("answers unknown top-level paths 404 with a JSON envelope on both transports", async () => {
    const res = await p.fetch(`${p.url}/no/such/thing`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("NotFound");
    const raw = await httpsRequest(`${p.url}/no/such/thing`, { ca: p.caCertPem });
    expect(raw.status).toBe(404);
    expect(JSON.parse(raw.body).error.code).toBe("NotFound");
  });

  it("turns a surface exception into a 500 in the plane's envelope and reports it", async () => {
    const before = p.errors.length;
    const graph = await p.fetch(`${p.url}/graph/v1.0/boom`);
    expect(graph.status).toBe(500);
    const gbody = (await graph.json()) as { error: { code: string; innerError: Record<string, string> } };
    expect(gbody.error.code).toBe("InternalServerError");
    expect(gbody.error.innerError["request-id"]).toBe(graph.headers.get("request-id"));
    const arm = await p.fetch(`${p.url}/arm/boom`);
    expect(arm.status).toBe(500);
    expect(Object.keys(((await arm.json()) as { error: object }).error).sort()).toEqual(["code", "message"]);
    expect(p.errors.length).toBe(before + 2);
    // The server survives.
    expect((await p.fetch(`${p.url}/graph/v1.0/me`)).status).toBe(200);
  });

  it("refuses bodies over 1 MiB with 413 in the surface's envelope, on both transports", async () => {
    const big = "x".repeat(1024 * 1024 + 1);
    const seenBefore = p.seen.length;
    const res = await p.fetch(`${p.url}/graph/v1.0/$batch`, { method: "POST", body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("RequestEntityTooLarge");
    const raw = await httpsRequest(`${p.url}/arm/x`, {
      ca: p.caCertPem,
      method: "PUT",
      body: big,
      headers: { "content-type": "application/json" },
    });
    expect(raw.status).toBe(413);
    expect(JSON.parse(raw.body).error.code).toBe("RequestEntityTooLarge");
    expect(p.seen.length).toBe(seenBefore);
    // Exactly at the limit is fine.
    const ok = await p.fetch(`${p.url}/graph/v1.0/x`, { method: "POST", body: "y".repeat(1024 * 1024) });
    expect(ok.status).toBe(200);
  });

  it("adds latency before answering and lets it be changed at runtime", async () => {
    p.setLatency(120);
    try {
      const t1 = performance.now();
      await httpsRequest(`${p.url}/graph/v1.0/me`, { ca: p.caCertPem });
      expect(performance.now() - t1).toBeGreaterThanOrEqual(110);
      p.setLatency(1200);
      const t0 = performance.now();
      await (await p.fetch(`${p.url}/graph/v1.0/me`)).text();
      expect(performance.now() - t0).toBeGreaterThanOrEqual(1150);
    } finally {
      p.setLatency(0);
    }
    // Well under the latency just removed, with room for a loaded machine.
    const t2 = performance.now();
    await (await p.fetch(`${p.url}/graph/v1.0/me`)).text();
    expect(performance.now() - t2).toBeLessThan(600);
  });

  it("aborts a request waiting out latency when the caller's signal fires", async () => {
    p.setLatency(5_000);
    try {
      const controller = new AbortController();
      const pending = p.fetch(`${p.url}/graph/v1.0/me`, { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await expect(pending).rejects.toMatchObject({ name: "AbortError" });
      const already = new AbortController();
      already.abort(new Error("gave up"));
      await expect(p.fetch(`${p.url}/graph/v1.0/me`, { signal: already.signal })).rejects.toThrow("gave up");
    } finally {
      p.setLatency(0);
    }
  });

  it("serves portal files with a strict CSP, and never hidden files or paths outside the folder", async () => {
    const index = await p.fetch(`${p.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toContain("text/html");
    expect(index.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const js = await p.fetch(`${p.url}/assets/app.js`);
    expect(js.headers.get("content-type")).toContain("text/javascript");
    expect(await js.text()).toBe("console.log(1)");
    expect((await p.fetch(`${p.url}/.secret`)).status).toBe(404);
    const traversal = await httpsRequest(`${p.url}/assets/%2e%2e/%2e%2e/etc/passwd`, { ca: p.caCertPem });
    expect(traversal.status).toBe(404);
    // Portal files are not part of the tenant's request log.
    expect(p.log.entries().some((e) => e.path.startsWith("/assets"))).toBe(false);
  });

  it("answers CORS preflights for Graph and ARM and exposes the headers clients read", async () => {
    const pre = await p.fetch(`${p.url}/graph/v1.0/me`, {
      method: "OPTIONS",
      headers: {
        origin: "https://portal.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(pre.status).toBe(200);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://portal.example");
    expect(pre.headers.get("access-control-allow-headers")).toBe("authorization,content-type");
    const res = await p.fetch(`${p.url}/arm/x`, { headers: { origin: "https://portal.example" } });
    expect(res.headers.get("access-control-expose-headers")).toContain("Retry-After");
  });

  it("refuses URLs of other origins in the in-process fetch like an unreachable host", async () => {
    await expect(p.fetch("https://graph.microsoft.com/v1.0/me")).rejects.toMatchObject({
      name: "TypeError",
      message: "fetch failed",
    });
    // 127.0.0.1 and localhost on the same port are the same emulator.
    const res = await p.fetch(`${p.url.replace("127.0.0.1", "localhost")}/graph/v1.0/me`);
    expect(res.status).toBe(200);
  });

  it("follows same-origin redirects unless redirect is manual", async () => {
    const q = await startPlatform({
      entra: (req): EmuResponse | undefined =>
        req.path === "/t/oauth2/v2.0/authorize"
          ? { status: 302, headers: { Location: "/t/oauth2/v2.0/landing?x=1" } }
          : req.path === "/t/oauth2/v2.0/landing"
            ? { status: 200, headers: { "content-type": "text/plain" }, body: `landed ${req.url.search}` }
            : undefined,
    });
    try {
      const manual = await q.fetch(`${q.url}/t/oauth2/v2.0/authorize`, { redirect: "manual" });
      expect(manual.status).toBe(302);
      expect(manual.headers.get("location")).toBe("/t/oauth2/v2.0/landing?x=1");
      const followed = await q.fetch(`${q.url}/t/oauth2/v2.0/authorize`);
      expect(followed.status).toBe(200);
      expect(followed.redirected).toBe(true);
      expect(await followed.text()).toBe("landed ?x=1");
      await expect(q.fetch(`${q.url}/t/oauth2/v2.0/authorize`, { redirect: "error" })).rejects.toThrow(TypeError);
    } finally {
      await q.close();
    }
  });
});

describe("admin API reach", () => {
  it("answers the admin API only to callers on this machine, and never logs it", async () => {
    const clock = createClock();
    const log = createRequestLog({ clock });
    let adminCalls = 0;
    const dispatch = createDispatcher({
      clock,
      log,
      faults: createFaultInjector(),
      latencyMs: () => 0,
      admin: () => {
        adminCalls += 1;
        return json(200, { ok: true });
      },
      graph: () => undefined,
      arm: () => undefined,
      entra: () => undefined,
      verifier: () => undefined,
      reportError: () => undefined,
    });
    const call = (fromLoopback: boolean) =>
      dispatch({
        method: "POST",
        url: new URL("https://127.0.0.1:1/_emulator/reset"),
        headers: {},
        body: new Uint8Array(),
        bodyTooLarge: false,
        fromLoopback,
        signal: new AbortController().signal,
      });
    const remote = await call(false);
    expect(remote.kind === "respond" && remote.response.status).toBe(403);
    expect(adminCalls).toBe(0);
    const local = await call(true);
    expect(local.kind === "respond" && local.response.status).toBe(200);
    expect(adminCalls).toBe(1);
    expect(log.entries()).toEqual([]);
  });
});
