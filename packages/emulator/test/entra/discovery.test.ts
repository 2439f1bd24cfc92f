import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import { startEmulator } from "./support";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

async function getJson(path: string, init?: RequestInit) {
  const res = await emu.fetch(`${emu.url}${path}`, init);
  return { res, body: (await res.json()) as Record<string, unknown> };
}

describe("openid-configuration", () => {
  it("names the tenant's endpoints and issuer on the emulator's base", async () => {
    const { res, body } = await getJson(`/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const base = `${emu.url}/${emu.tenantId}`;
    expect(body).toMatchObject({
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
  });

  it("answers for the verified domain with the tenant id in every URL", async () => {
    const { body } = await getJson("/contoso.example.com/v2.0/.well-known/openid-configuration");
    expect(body.issuer).toBe(`${emu.url}/${emu.tenantId}/v2.0`);
    expect(body.token_endpoint).toBe(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`);
  });

  it.each(["common", "organizations"])("publishes the {tenantid} placeholder for %s", async (alias) => {
    const { body } = await getJson(`/${alias}/v2.0/.well-known/openid-configuration`);
    expect(body.issuer).toBe(`${emu.url}/{tenantid}/v2.0`);
    expect(body.authorization_endpoint).toBe(`${emu.url}/${alias}/oauth2/v2.0/authorize`);
  });

  it("refuses an unknown tenant with invalid_tenant AADSTS90002", async () => {
    const { res, body } = await getJson("/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration");
    expect(res.status).toBe(400);
    expect(body.error).toBe("invalid_tenant");
    expect(body.error_codes).toEqual([90002]);
    expect(String(body.error_description)).toMatch(/^AADSTS90002: /);
    for (const field of ["timestamp", "trace_id", "correlation_id"]) expect(body[field]).toEqual(expect.any(String));
  });

  it("answers a CORS preflight", async () => {
    const res = await emu.fetch(`${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "GET" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("keys and instance discovery", () => {
  it("publishes one RS256 signing key with a kid", async () => {
    const { res, body } = await getJson(`/${emu.tenantId}/discovery/v2.0/keys`);
    expect(res.status).toBe(200);
    const keys = body.keys as Array<Record<string, unknown>>;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256", kid: expect.any(String), e: "AQAB" });
    expect(keys[0]).not.toHaveProperty("d");
  });

  it("answers instance discovery in MSAL's shape", async () => {
    const host = new URL(emu.url).host;
    const endpoint = `${emu.url}/${emu.tenantId}/oauth2/v2.0/authorize`;
    const { res, body } = await getJson(
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(endpoint)}`,
    );
    expect(res.status).toBe(200);
    expect(body).toEqual({
      tenant_discovery_endpoint: `${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });

  it("refuses instance discovery for another host", async () => {
    const { res, body } = await getJson(
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent("https://login.example.org/x/oauth2/v2.0/authorize")}`,
    );
    expect(res.status).toBe(400);
    expect(body.error).toBe("invalid_instance");
  });
});
