import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import {
  acrsClaims,
  admin,
  authorizeUrl,
  claimsOf,
  codeFor,
  defaultClient,
  graphRead,
  msalDefaultClaims,
  redirectParams,
  spaClient,
  startEmulator,
  webClient,
} from "./support";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ autoSignIn: admin });
});
afterAll(async () => {
  await emu.close();
});

const get = (url: string) => emu.fetch(url, { redirect: "manual" });

describe("authorize: client and redirect URI", () => {
  it("shows an error page (no redirect) for an unknown client", async () => {
    const res = await get(authorizeUrl(emu, { clientId: "00000000-1111-2222-3333-444444444444" }));
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("AADSTS700016");
  });

  it("shows an error page for an unregistered redirect URI", async () => {
    const res = await get(authorizeUrl(emu, { redirectUri: "https://evil.example.net/cb" }));
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("AADSTS50011");
  });

  it.each(["http://localhost", "http://localhost:1", "http://localhost:65000"])(
    "accepts the loopback redirect %s on any port for the public client",
    async (redirectUri) => {
      const res = await get(authorizeUrl(emu, { redirectUri }));
      expect(res.status).toBe(302);
      expect(redirectParams(res).get("code")).toEqual(expect.any(String));
    },
  );

  it("matches a loopback registration on host and path, not on port only", async () => {
    const other = await get(authorizeUrl(emu, { redirectUri: "http://127.0.0.1:5000" }));
    expect(other.status).toBe(400);
    const path = await get(authorizeUrl(emu, { redirectUri: "http://localhost:5000/elsewhere" }));
    expect(path.status).toBe(400);
  });

  it("requires an exact match for a non-loopback registration", async () => {
    expect(
      (await get(authorizeUrl(emu, { clientId: webClient, redirectUri: "https://tool.example.com/cb" }))).status,
    ).toBe(302);
    expect(
      (await get(authorizeUrl(emu, { clientId: webClient, redirectUri: "https://tool.example.com/cb/" }))).status,
    ).toBe(400);
  });
});

describe("authorize: errors go back to the redirect URI", () => {
  const cases: Array<[string, Parameters<typeof authorizeUrl>[1], string, number]> = [
    ["response_type=token", { extra: { response_type: "token" } }, "unsupported_response_type", 70005],
    ["no code_challenge", { challenge: "", method: null }, "invalid_request", 9002325],
    ["code_challenge_method=plain", { method: "plain" }, "invalid_request", 90100],
    ["no code_challenge_method (plain)", { method: null }, "invalid_request", 90100],
    ["a short code_challenge", { challenge: "abc" }, "invalid_request", 501491],
    ["claims that are not JSON", { claims: "{nope" }, "invalid_request", 90100],
    ["an unknown Graph permission", { scope: "https://graph.microsoft.com/Nope.Read openid" }, "invalid_scope", 70011],
    ["an unknown resource", { scope: "api://unknown-api/Read openid" }, "invalid_resource", 500011],
    ["an unknown prompt", { prompt: "sometimes" }, "invalid_request", 90023],
  ];
  it.each(cases)("%s", async (_name, params, error, code) => {
    const url = authorizeUrl(emu, params);
    // An empty challenge means "leave it out".
    const res = await get(url.replace("code_challenge=&", ""));
    expect(res.status).toBe(302);
    const p = redirectParams(res);
    expect(p.get("error")).toBe(error);
    expect(p.get("error_description")).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(p.get("state")).toBe("st-1");
    expect(p.get("code")).toBeNull();
  });
});

describe("authorize: response modes", () => {
  it("query: code, client_info, state and session_state", async () => {
    const { params } = await codeFor(emu, { state: "s p&ce" });
    expect(params.get("state")).toBe("s p&ce");
    expect(params.get("session_state")).toMatch(/^[0-9a-f-]{36}$/);
    const info = JSON.parse(Buffer.from(params.get("client_info") ?? "", "base64url").toString("utf8"));
    const user = emu.users.find((u) => u.upn === admin);
    expect(info).toEqual({ uid: user?.oid, utid: emu.tenantId });
  });

  it("fragment: the answer after #", async () => {
    const res = await get(authorizeUrl(emu, { responseMode: "fragment" }));
    expect(res.status).toBe(302);
    const location = res.headers.get("location") ?? "";
    expect(location.startsWith("http://localhost:53123#code=")).toBe(true);
  });

  it("form_post: an auto-submitting form allowed by a CSP nonce", async () => {
    const res = await get(authorizeUrl(emu, { responseMode: "form_post", state: `"<'>` }));
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("form-action http://localhost:53123");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<form method="post" action="http://localhost:53123"');
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('name="state" value="&quot;&lt;&#39;&gt;"');
    expect(html).toMatch(/name="code" value="[^"]+"/);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("refuses an unknown response_mode in query mode", async () => {
    const res = await get(authorizeUrl(emu, { responseMode: "web_message" }));
    expect(redirectParams(res).get("error")).toBe("invalid_request");
  });
});

describe("authorize: accepted requests", () => {
  it("accepts scopes of several resources (consent for all) and MSAL's default claims", async () => {
    const res = await get(
      authorizeUrl(emu, {
        scope: `${graphRead} https://management.azure.com/user_impersonation openid profile offline_access`,
        claims: msalDefaultClaims,
      }),
    );
    expect(redirectParams(res).get("code")).toEqual(expect.any(String));
  });

  it("accepts the tenant's domain, common and organizations", async () => {
    for (const tenant of ["contoso.example.com", "common", "organizations"]) {
      const res = await get(authorizeUrl(emu, { tenant }));
      expect(redirectParams(res).get("code")).toEqual(expect.any(String));
    }
  });

  it("refuses an unknown tenant on a page", async () => {
    const res = await get(authorizeUrl(emu, { tenant: "nowhere.example.org" }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("AADSTS90002");
  });

  it("autoSignIn satisfies the contexts the user can", async () => {
    const c = await codeFor(emu, { claims: acrsClaims(["c1", "c2"]) });
    expect(c.code).toEqual(expect.any(String));
  });

  it("login_hint does not change who autoSignIn signs in", async () => {
    const c = await codeFor(emu, { extra: { login_hint: "sam.lindqvist@contoso.example.com" } });
    const res = await emu.fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: defaultClient,
        grant_type: "authorization_code",
        code: c.code,
        redirect_uri: c.redirectUri,
        code_verifier: c.verifier,
        scope: `${graphRead} openid`,
      }).toString(),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(claimsOf(body.access_token).upn).toBe(admin);
  });

  it("a SPA client gets its code like any other", async () => {
    const c = await codeFor(emu, {
      clientId: spaClient,
      redirectUri: "https://app.example.com/",
      responseMode: "fragment",
    });
    expect(c.code).toEqual(expect.any(String));
  });
});

describe("logout", () => {
  it("returns to a registered post-logout URI with state", async () => {
    const res = await get(
      `${emu.url}/${emu.tenantId}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent("https://tool.example.com/cb")}&client_id=${webClient}&state=xyz`,
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://tool.example.com/cb?state=xyz");
  });

  it("returns to a loopback URI on any port", async () => {
    const res = await get(
      `${emu.url}/${emu.tenantId}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent("http://localhost:4321")}`,
    );
    expect(res.status).toBe(302);
  });

  it("stays on a page for an unregistered URI", async () => {
    const res = await get(
      `${emu.url}/${emu.tenantId}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent("https://evil.example.net/")}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
  });
});
