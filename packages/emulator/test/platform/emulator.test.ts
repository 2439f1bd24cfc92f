import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock, createEmulator, type Emulator, ScenarioError } from "../../src/index";
import { httpsRequest } from "./https-client";

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const graph = "https://graph.microsoft.com";

describe("createEmulator", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await createEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  it("listens on 127.0.0.1 over HTTPS and describes itself as a cloud", () => {
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.tenantId).toMatch(guid);
    expect(emu.caCertPem).toContain("-----BEGIN CERTIFICATE-----");
    expect(emu.cloud).toEqual({
      name: "pimkit-local",
      authorityHost: emu.url,
      graphEndpoint: `${emu.url}/graph`,
      armEndpoint: `${emu.url}/arm`,
      graphResource: graph,
      armResource: "https://management.azure.com",
      caCertPem: emu.caCertPem,
      tenantId: emu.tenantId,
      portalUrl: `${emu.url}/`,
    });
  });

  it("lists the scenario's users in order, the demo admin first", () => {
    expect(emu.users.length).toBeGreaterThanOrEqual(3);
    expect(emu.users[0]?.upn).toBe("alex.morgan@contoso.example.com");
    for (const u of emu.users) expect(u.oid).toMatch(guid);
  });

  it("serves sign-in discovery over HTTPS (trusting only its CA) and in-process alike", async () => {
    const path = `/${emu.tenantId}/v2.0/.well-known/openid-configuration`;
    const raw = await httpsRequest(`${emu.url}${path}`, { ca: emu.caCertPem });
    expect(raw.status).toBe(200);
    const overHttps = JSON.parse(raw.body) as { issuer: string; token_endpoint: string };
    expect(overHttps.token_endpoint.startsWith(`${emu.url}/`)).toBe(true);
    const res = await emu.fetch(`${emu.url}${path}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(overHttps);
    expect(res.headers.get("request-id")).toMatch(guid);
  });

  it("notes the caller's oid in the log for a request with a valid token", async () => {
    emu.admin.clearRequests();
    const admin = emu.users[0];
    if (!admin) throw new Error("the demo has users");
    const token = await emu.issueAccessToken({
      upn: admin.upn,
      audience: graph,
      scopes: ["RoleManagement.Read.Directory"],
    });
    await emu.fetch(
      `${emu.url}/graph/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    const [entry] = emu.admin.requests();
    expect(entry).toMatchObject({ surface: "graph", callerOid: admin.oid });
    expect(JSON.stringify(emu.admin.requests())).not.toContain(token);
  });
});

describe("createEmulator options", () => {
  it("runs without a server when listen is false, serving its in-process fetch", async () => {
    const emu = await createEmulator({ listen: false });
    try {
      expect(emu.url).toBe("https://127.0.0.1");
      const res = await emu.fetch(`${emu.url}/${emu.tenantId}/discovery/v2.0/keys`);
      expect(res.status).toBe(200);
    } finally {
      await emu.close();
    }
  });

  it("takes latency, faults and a clock at creation", async () => {
    const clock = createClock(new Date("2030-01-02T03:04:05Z"), true);
    const emu = await createEmulator({
      listen: false,
      latencyMs: 60,
      clock,
      faults: [{ kind: "status", status: 503, path: "^/arm/", times: 1 }],
    });
    try {
      const t0 = performance.now();
      const res = await emu.fetch(`${emu.url}/arm/subscriptions?api-version=2022-12-01`);
      expect(res.status).toBe(503);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
      expect(res.headers.get("date")).toBe("Wed, 02 Jan 2030 03:04:05 GMT");
      expect(emu.admin.clock.now().toISOString()).toBe("2030-01-02T03:04:05.000Z");
    } finally {
      await emu.close();
    }
  });

  it("refuses a bad scenario at creation with the JSON path of the problem", async () => {
    const failure = await createEmulator({
      listen: false,
      scenario: { tenant: { displayName: "X" }, users: [] },
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ScenarioError);
    expect((failure as ScenarioError).path).toMatch(/^\$\./);
  });

  it("close() ends the server and in-process fetches, and may be called twice", async () => {
    const emu = await createEmulator();
    await emu.close();
    await emu.close();
    await expect(httpsRequest(`${emu.url}/common/discovery/instance`, { ca: emu.caCertPem })).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
    await expect(emu.fetch(`${emu.url}/common/discovery/instance`)).rejects.toThrow("fetch failed");
  });
});
