import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import {
  acrsClaims,
  admin,
  armScope,
  claimsOf,
  codeFor,
  defaultClient,
  graphRead,
  limited,
  msalDefaultClaims,
  redeemBody,
  spaClient,
  startEmulator,
  token,
  webClient,
} from "./support";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ autoSignIn: admin });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.admin.reset();
});

function expectEntraError(res: { status: number; json: Record<string, unknown> }, error: string, code: number) {
  expect(res.status).toBe(400);
  expect(res.json.error).toBe(error);
  expect(res.json.error_codes).toEqual([code]);
  expect(String(res.json.error_description)).toMatch(
    new RegExp(`^AADSTS${code}: .*\\r\\nTrace ID: .*\\r\\nCorrelation ID: .*\\r\\nTimestamp: `, "s"),
  );
  for (const field of ["timestamp", "trace_id", "correlation_id"]) expect(res.json[field]).toEqual(expect.any(String));
}

describe("authorization_code", () => {
  it("answers every field MSAL reads, with tokens as Entra shapes them", async () => {
    const nonce = "n-0S6_WzA2Mj";
    const c = await codeFor(emu, { nonce });
    const res = await token(emu, redeemBody(c), { "client-request-id": "3a4b6c1e-0d1f-4a8e-9c7b-5d2e1f0a9b8c" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.json).toMatchObject({
      token_type: "Bearer",
      scope: "RoleEligibilitySchedule.Read.Directory openid profile",
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
      client_info: expect.any(String),
    });
    const user = emu.users.find((u) => u.upn === admin);
    const at = claimsOf(res.json.access_token);
    expect(at).toMatchObject({
      aud: "https://graph.microsoft.com",
      iss: `https://sts.windows.net/${emu.tenantId}/`,
      appid: defaultClient,
      oid: user?.oid,
      tid: emu.tenantId,
      upn: admin,
      unique_name: admin,
      scp: "RoleEligibilitySchedule.Read.Directory openid profile",
      amr: ["pwd", "mfa"],
      acr: "1",
      idtyp: "user",
      ver: "1.0",
    });
    expect(at).not.toHaveProperty("acrs");
    expect(at).not.toHaveProperty("xms_cc");
    expect(Number(at.exp) - Number(at.iat)).toBe(3600);
    const id = claimsOf(res.json.id_token);
    expect(id).toMatchObject({
      aud: defaultClient,
      iss: `${emu.url}/${emu.tenantId}/v2.0`,
      oid: user?.oid,
      tid: emu.tenantId,
      preferred_username: admin,
      nonce,
      ver: "2.0",
    });
  });

  it("puts no nonce in the id_token when authorize had none", async () => {
    const c = await codeFor(emu);
    const res = await token(emu, redeemBody(c));
    expect(claimsOf(res.json.id_token)).not.toHaveProperty("nonce");
  });

  it("a code works once: the second use is AADSTS54005", async () => {
    const c = await codeFor(emu);
    expect((await token(emu, redeemBody(c))).status).toBe(200);
    expectEntraError(await token(emu, redeemBody(c)), "invalid_grant", 54005);
  });

  it("a wrong code_verifier is AADSTS501481", async () => {
    const c = await codeFor(emu);
    expectEntraError(await token(emu, redeemBody({ ...c, verifier: "A".repeat(43) })), "invalid_grant", 501481);
  });

  it("a missing code_verifier is refused too", async () => {
    const c = await codeFor(emu);
    const body = redeemBody(c);
    delete body.code_verifier;
    expectEntraError(await token(emu, body), "invalid_grant", 501481);
  });

  it("another redirect_uri is AADSTS500112", async () => {
    const c = await codeFor(emu);
    expectEntraError(
      await token(emu, redeemBody({ ...c, redirectUri: "http://localhost:1" })),
      "invalid_grant",
      500112,
    );
  });

  it("another client is refused", async () => {
    const c = await codeFor(emu);
    expectEntraError(await token(emu, redeemBody(c, undefined, webClient)), "invalid_grant", 70000);
  });

  it("a code from the tenant cannot be redeemed at /common", async () => {
    const c = await codeFor(emu);
    expectEntraError(await token(emu, redeemBody(c), {}, "common"), "invalid_grant", 700005);
  });

  it("an unknown code is invalid_grant", async () => {
    const res = await token(emu, redeemBody({ code: "1.nope", verifier: "x", redirectUri: "http://localhost:53123" }));
    expect(res.json.error).toBe("invalid_grant");
  });

  it("an expired code is AADSTS70008", async () => {
    const c = await codeFor(emu);
    emu.admin.clock.advance(11 * 60);
    expectEntraError(await token(emu, redeemBody(c)), "invalid_grant", 70008);
  });

  it("a SPA's code needs a cross-origin request: AADSTS9002327 without Origin", async () => {
    const spa = { clientId: spaClient, redirectUri: "https://app.example.com/" };
    const first = await codeFor(emu, spa);
    expectEntraError(await token(emu, redeemBody(first, undefined, spaClient)), "invalid_request", 9002327);
    const second = await codeFor(emu, spa);
    const ok = await token(emu, redeemBody(second, undefined, spaClient), { origin: "https://app.example.com" });
    expect(ok.status).toBe(200);
  });

  it("scopes of two resources in one token request are AADSTS28000", async () => {
    const c = await codeFor(emu);
    expectEntraError(await token(emu, redeemBody(c, `${graphRead} ${armScope} openid`)), "invalid_scope", 28000);
  });

  it("no scope at redemption is AADSTS28003", async () => {
    const c = await codeFor(emu);
    const body = redeemBody(c);
    delete body.scope;
    expectEntraError(await token(emu, body), "invalid_scope", 28003);
  });

  it("a client secret from a public client is AADSTS700025", async () => {
    const c = await codeFor(emu);
    const res = await token(emu, { ...redeemBody(c), client_secret: "s" });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe("invalid_client");
    expect(res.json.error_codes).toEqual([700025]);
  });

  it("missing parameters are AADSTS900144 naming them; an unknown grant is AADSTS70003", async () => {
    expectEntraError(await token(emu, { client_id: defaultClient }), "invalid_request", 900144);
    expectEntraError(await token(emu, { grant_type: "password" }), "invalid_request", 900144);
    const res = await token(emu, { client_id: defaultClient, grant_type: "password" });
    expectEntraError(res, "unsupported_grant_type", 70003);
  });

  it("an unknown client is unauthorized_client AADSTS700016", async () => {
    expectEntraError(
      await token(emu, {
        client_id: "00000000-1111-2222-3333-444444444444",
        grant_type: "refresh_token",
        refresh_token: "x",
      }),
      "unauthorized_client",
      700016,
    );
  });

  it("answers a CORS preflight and refuses GET", async () => {
    const url = `${emu.url}/${emu.tenantId}/oauth2/v2.0/token`;
    const pre = await emu.fetch(url, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    const get = await emu.fetch(url);
    expect(((await get.json()) as { error_codes: number[] }).error_codes).toEqual([900561]);
  });
});

describe("scopes and audiences", () => {
  it("an ARM token: aud management.azure.com, scp user_impersonation, full name in scope", async () => {
    const c = await codeFor(emu, { scope: `${armScope} openid offline_access` });
    const res = await token(emu, redeemBody(c, `${armScope} openid offline_access`));
    expect(res.json.scope).toBe(`${armScope} openid`);
    const at = claimsOf(res.json.access_token);
    expect(at.aud).toBe("https://management.azure.com");
    expect(at.scp).toBe("user_impersonation");
  });

  it("Graph .default for the default client grants every PIM scope pimkit asks for", async () => {
    const c = await codeFor(emu, { scope: "https://graph.microsoft.com/.default openid" });
    const res = await token(emu, redeemBody(c, "https://graph.microsoft.com/.default openid"));
    const scp = String(claimsOf(res.json.access_token).scp).split(" ");
    for (const s of [
      "RoleEligibilitySchedule.Read.Directory",
      "RoleAssignmentSchedule.ReadWrite.Directory",
      "RoleManagementPolicy.Read.Directory",
      "PrivilegedEligibilitySchedule.Read.AzureADGroup",
      "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
      "RoleManagementPolicy.Read.AzureADGroup",
      "AuthenticationContext.Read.All",
      "Policy.Read.ConditionalAccess",
      "AdministrativeUnit.Read.All",
    ]) {
      expect(scp).toContain(s);
    }
  });

  it("the ARM .default is user_impersonation", async () => {
    const c = await codeFor(emu, { scope: "https://management.azure.com/.default" });
    const res = await token(emu, redeemBody(c, "https://management.azure.com/.default"));
    expect(claimsOf(res.json.access_token).scp).toBe("user_impersonation");
  });

  it("expires_in follows settings.tokenLifetimeSeconds", async () => {
    emu.admin.settings({ tokenLifetimeSeconds: 600 });
    const c = await codeFor(emu);
    const res = await token(emu, redeemBody(c));
    expect(res.json.expires_in).toBe(600);
    const at = claimsOf(res.json.access_token);
    expect(Number(at.exp) - Number(at.iat)).toBe(600);
  });
});

describe("refresh_token", () => {
  async function signedIn(claims?: string) {
    const c = await codeFor(emu, claims ? { claims } : {});
    const res = await token(emu, { ...redeemBody(c), ...(claims ? { claims } : {}) });
    return String(res.json.refresh_token);
  }

  it("rotates, and serves another resource with the same sign-in", async () => {
    const rt = await signedIn();
    const res = await token(emu, {
      client_id: defaultClient,
      grant_type: "refresh_token",
      refresh_token: rt,
      scope: `${armScope} openid offline_access`,
      client_info: "1",
    });
    expect(res.status).toBe(200);
    expect(res.json.refresh_token).toEqual(expect.any(String));
    expect(res.json.refresh_token).not.toBe(rt);
    expect(res.json.client_info).toEqual(expect.any(String));
    const at = claimsOf(res.json.access_token);
    expect(at.aud).toBe("https://management.azure.com");
    expect(at.amr).toEqual(["pwd", "mfa"]);
  });

  it("keeps the contexts the sign-in satisfied, and cp1 when the client declares it", async () => {
    const rt = await signedIn(acrsClaims(["c1"]));
    const res = await token(emu, {
      client_id: defaultClient,
      grant_type: "refresh_token",
      refresh_token: rt,
      scope: `${armScope} offline_access`,
      claims: msalDefaultClaims,
    });
    const at = claimsOf(res.json.access_token);
    expect(at.acrs).toEqual(["c1"]);
    expect(at.xms_cc).toEqual(["cp1"]);
  });

  it("claims for a context the session has not satisfied → interaction_required with the claims echoed", async () => {
    const rt = await signedIn();
    const claims = acrsClaims(["c2"]);
    const res = await token(emu, {
      client_id: defaultClient,
      grant_type: "refresh_token",
      refresh_token: rt,
      scope: graphRead,
      claims,
    });
    expectEntraError(res, "interaction_required", 50076);
    expect(res.json.suberror).toBe("basic_action");
    expect(res.json.claims).toBe(claims);
  });

  it("MSAL's default claims (no acrs) are not a step-up", async () => {
    const rt = await signedIn();
    const res = await token(emu, {
      client_id: defaultClient,
      grant_type: "refresh_token",
      refresh_token: rt,
      scope: graphRead,
      claims: msalDefaultClaims,
    });
    expect(res.status).toBe(200);
  });

  it("requireCp1ForAcrs: no acrs in tokens for a client without cp1", async () => {
    emu.admin.settings({ requireCp1ForAcrs: true });
    const rt = await signedIn(acrsClaims(["c1"]));
    const without = await token(emu, {
      client_id: defaultClient,
      grant_type: "refresh_token",
      refresh_token: rt,
      scope: graphRead,
    });
    expect(claimsOf(without.json.access_token)).not.toHaveProperty("acrs");
    const withCp1 = await token(emu, {
      client_id: defaultClient,
      grant_type: "refresh_token",
      refresh_token: rt,
      scope: graphRead,
      claims: msalDefaultClaims,
    });
    expect(claimsOf(withCp1.json.access_token).acrs).toEqual(["c1"]);
  });

  it("is bound to its client", async () => {
    const rt = await signedIn();
    expectEntraError(
      await token(emu, { client_id: webClient, grant_type: "refresh_token", refresh_token: rt, scope: graphRead }),
      "invalid_grant",
      70000,
    );
  });

  it("expires after 90 days of inactivity (AADSTS700082)", async () => {
    const rt = await signedIn();
    emu.admin.clock.advance(91 * 24 * 60 * 60);
    expectEntraError(
      await token(emu, { client_id: defaultClient, grant_type: "refresh_token", refresh_token: rt, scope: graphRead }),
      "invalid_grant",
      700082,
    );
  });

  it("an unknown refresh token is invalid_grant", async () => {
    const res = await token(emu, {
      client_id: defaultClient,
      grant_type: "refresh_token",
      refresh_token: "1.x",
      scope: graphRead,
    });
    expect(res.json.error).toBe("invalid_grant");
  });

  it("a user who can satisfy only c1 is still asked to step up for c2", async () => {
    const other = await startEmulator({ autoSignIn: limited });
    try {
      const c = await codeFor(other, { claims: acrsClaims(["c1"]) });
      const first = await token(other, { ...redeemBody(c), claims: acrsClaims(["c1"]) });
      expect(claimsOf(first.json.access_token).acrs).toEqual(["c1"]);
      const res = await token(other, {
        client_id: defaultClient,
        grant_type: "refresh_token",
        refresh_token: String(first.json.refresh_token),
        scope: graphRead,
        claims: acrsClaims(["c2"]),
      });
      expect(res.json.error).toBe("interaction_required");
    } finally {
      await other.close();
    }
  });
});
