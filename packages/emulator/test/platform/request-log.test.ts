import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock } from "../../src/clock";
import { createRequestLog, loggableBody, redactAuthorization, requestedAcrs } from "../../src/http/request-log";
import { type Platform, startPlatform } from "./harness";
import { httpsRequest } from "./https-client";

// Canaries: if any of these strings shows up in the log, a secret leaked.
const tokenCanary = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.CANARY-ACCESS-TOKEN.sig";
const codeCanary = "CANARY-AUTH-CODE-0001";
const verifierCanary = "CANARY-CODE-VERIFIER-0002";
const refreshCanary = "CANARY-REFRESH-TOKEN-0003";
const claimsCanary = '{"access_token":{"acrs":{"essential":true,"value":"c1"}},"canary":"CANARY-CLAIMS-0004"}';
const secretCanary = "CANARY-CLIENT-SECRET-0005";
const canaries = [tokenCanary, codeCanary, verifierCanary, refreshCanary, "CANARY-CLAIMS-0004", secretCanary];

describe("request log", () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(async () => {
    await p.close();
  });

  it("records method, path, query, selected headers, parsed body, status, duration and surface", async () => {
    p.log.clear();
    await p.fetch(`${p.url}/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests?$top=5`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "client-request-id": "cid-1",
        "user-agent": "pimkit-test",
        "x-not-logged": "nope",
      },
      body: JSON.stringify({ action: "selfActivate", justification: "incident 42" }),
    });
    const [entry] = p.log.entries();
    expect(entry).toMatchObject({
      seq: expect.any(Number),
      surface: "graph",
      method: "POST",
      path: "/graph/v1.0/roleManagement/directory/roleAssignmentScheduleRequests",
      query: { $top: "5" },
      headers: { "content-type": "application/json", "client-request-id": "cid-1", "user-agent": "pimkit-test" },
      body: { action: "selfActivate", justification: "incident 42" },
      status: 200,
    });
    expect(entry?.headers["x-not-logged"]).toBeUndefined();
    expect(entry?.durationMs).toBeGreaterThanOrEqual(0);
    expect(entry?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(entry?.time ?? "")).not.toBeNaN();
  });

  it("never stores a token, code, verifier, refresh token, client secret or claims value (both transports)", async () => {
    p.log.clear();
    const claims = encodeURIComponent(claimsCanary);
    await p.fetch(
      `${p.url}/contoso.example.com/oauth2/v2.0/authorize?client_id=x&state=s1&code=${codeCanary}&claims=${claims}`,
    );
    const form = new URLSearchParams({
      grant_type: "authorization_code",
      code: codeCanary,
      code_verifier: verifierCanary,
      refresh_token: refreshCanary,
      client_secret: secretCanary,
      claims: claimsCanary,
      scope: "openid",
    });
    await p.fetch(`${p.url}/contoso.example.com/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    await httpsRequest(`${p.url}/graph/v1.0/$batch`, {
      ca: p.caCertPem,
      method: "POST",
      headers: { authorization: `Bearer ${tokenCanary}`, "content-type": "application/json" },
      body: JSON.stringify({
        requests: [{ id: "1", method: "GET", url: "/me", headers: { Authorization: `Bearer ${tokenCanary}` } }],
        access_token: tokenCanary,
      }),
    });
    const dump = JSON.stringify(p.log.entries());
    for (const canary of canaries) expect(dump).not.toContain(canary);

    const [authorize, token, batch] = p.log.entries();
    expect(authorize?.query).toMatchObject({ client_id: "x", state: "s1", code: "<redacted>", claims: "<redacted>" });
    // The contexts a sign-in asked for are kept as ids, without the claims text.
    expect(authorize?.acrsRequested).toEqual(["c1"]);
    expect(token?.body).toMatchObject({ grant_type: "authorization_code", code: "<redacted>", scope: "openid" });
    expect(token?.acrsRequested).toEqual(["c1"]);
    const fingerprint = createHash("sha256").update(tokenCanary).digest("hex").slice(0, 8);
    expect(batch?.headers.authorization).toBe(`Bearer <redacted:${fingerprint}>`);
  });

  it("returns entries after a sequence number and drops the oldest past its capacity", () => {
    const log = createRequestLog({ clock: createClock(), capacity: 10 });
    for (let i = 0; i < 25; i++) {
      log.record({
        requestId: `r${i}`,
        surface: "graph",
        method: "GET",
        path: `/${i}`,
        query: {},
        headers: {},
        status: 200,
        durationMs: 0,
      });
    }
    const entries = log.entries();
    expect(entries).toHaveLength(10);
    expect(entries[0]?.seq).toBe(16);
    expect(entries.at(-1)?.seq).toBe(25);
    expect(log.since(22).map((e) => e.seq)).toEqual([23, 24, 25]);
    log.clear();
    expect(log.entries()).toEqual([]);
  });

  it("redacts helpers' inputs the way the log needs", () => {
    expect(redactAuthorization("Bearer abc")).toMatch(/^Bearer <redacted:[0-9a-f]{8}>$/);
    expect(redactAuthorization("Bearer abc")).toBe(redactAuthorization("Bearer abc"));
    expect(redactAuthorization("Bearer abc")).not.toBe(redactAuthorization("Bearer abd"));
    expect(loggableBody("application/json", '{"nested":{"Refresh_Token":"x","keep":1}}')).toEqual({
      nested: { Refresh_Token: "<redacted>", keep: 1 },
    });
    expect(loggableBody(undefined, "code=abc&state=ok")).toEqual({ code: "<redacted>", state: "ok" });
    expect(loggableBody("application/json", "{not json")).toBe("{not json");
    expect(requestedAcrs('{"access_token":{"acrs":{"essential":true,"values":["c1","c2"]}}}')).toEqual(["c1", "c2"]);
    expect(requestedAcrs('{"id_token":{"auth_time":{"essential":true}}}', "not json")).toBeUndefined();
  });
});
