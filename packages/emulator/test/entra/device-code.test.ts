import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import {
  acrsClaims,
  admin,
  claimsOf,
  cookieOf,
  defaultClient,
  graphRead,
  hiddenField,
  limited,
  startEmulator,
  token,
} from "./support";

async function deviceCode(emu: Emulator, scope = `${graphRead} openid profile offline_access`, claims?: string) {
  const res = await emu.fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/devicecode`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: defaultClient, scope, ...(claims ? { claims } : {}) }).toString(),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function poll(emu: Emulator, deviceCodeValue: string, grantType = "device_code") {
  return token(emu, {
    client_id: defaultClient,
    grant_type: grantType,
    device_code: deviceCodeValue,
    client_info: "1",
  });
}

/** Enters the user code on the verification page and signs in as `upn`. */
async function approveOnPage(
  emu: Emulator,
  verificationUri: string,
  userCode: string,
  upn: string,
  contexts: string[] = [],
) {
  const entry = await emu.fetch(verificationUri);
  const cookie = cookieOf(entry);
  const entryHtml = await entry.text();
  const page = await emu.fetch(verificationUri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrf: hiddenField(entryHtml, "csrf"), user_code: userCode.toLowerCase() }).toString(),
  });
  const html = await page.text();
  expect(page.status).toBe(200);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? "";
  const oid = emu.users.find((u) => u.upn === upn)?.oid ?? "";
  const body = new URLSearchParams({
    transaction: hiddenField(html, "transaction"),
    csrf: hiddenField(html, "csrf"),
    user: oid,
    mfa: "approve",
    action: "signin",
  });
  for (const c of contexts) body.append("context", c);
  return emu.fetch(action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: body.toString(),
  });
}

describe("device code with the sign-in page", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  it("answers the documented fields, interval 1", async () => {
    const { status, json } = await deviceCode(emu);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      user_code: expect.stringMatching(/^[A-Z0-9]{9}$/),
      device_code: expect.any(String),
      verification_uri: `${emu.url}/common/oauth2/deviceauth`,
      expires_in: 900,
      interval: 1,
    });
    expect(String(json.message)).toContain(String(json.user_code));
    expect(json).not.toHaveProperty("verification_uri_complete");
  });

  it("is pending (AADSTS70016) until the user signs in on the page, then issues tokens once", async () => {
    const { json } = await deviceCode(emu);
    const code = String(json.device_code);
    const pending = await poll(emu, code);
    expect(pending.status).toBe(400);
    expect(pending.json.error).toBe("authorization_pending");
    expect(pending.json.error_codes).toEqual([70016]);

    const done = await approveOnPage(emu, String(json.verification_uri), String(json.user_code), admin);
    expect(done.status).toBe(200);
    const ok = await poll(emu, code, "urn:ietf:params:oauth:grant-type:device_code");
    expect(ok.status).toBe(200);
    expect(claimsOf(ok.json.access_token).upn).toBe(admin);
    expect(ok.json.refresh_token).toEqual(expect.any(String));
    const again = await poll(emu, code);
    expect(again.json.error).toBe("invalid_grant");
  });

  it("a context the user cannot satisfy ends the poll with the CA error", async () => {
    const { json } = await deviceCode(emu, graphRead, acrsClaims(["c2"]));
    const done = await approveOnPage(emu, String(json.verification_uri), String(json.user_code), limited, ["c2"]);
    expect(done.status).toBe(400);
    const res = await poll(emu, String(json.device_code));
    expect(res.json.error).toBe("interaction_required");
    expect(res.json.error_codes).toEqual([53003]);
    expect(res.json.suberror).toBe("message_only");
  });

  it("an unknown user code is refused on the page", async () => {
    const uri = `${emu.url}/common/oauth2/deviceauth`;
    const entry = await emu.fetch(uri);
    const cookie = cookieOf(entry);
    const res = await emu.fetch(uri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ csrf: hiddenField(await entry.text(), "csrf"), user_code: "ZZZZZZZZZ" }).toString(),
    });
    expect(await res.text()).toContain('role="alert"');
  });

  it("an expired device code is expired_token", async () => {
    const { json } = await deviceCode(emu);
    emu.admin.clock.advance(901);
    const res = await poll(emu, String(json.device_code));
    expect(res.json.error).toBe("expired_token");
    emu.admin.reset();
  });

  it("an unknown device code is bad_verification_code", async () => {
    const res = await poll(emu, "DAQABnope");
    expect(res.json.error).toBe("bad_verification_code");
  });
});

describe("device code with autoSignIn", () => {
  it("is approved at the first poll", async () => {
    const emu = await startEmulator({ autoSignIn: admin });
    try {
      const { json } = await deviceCode(emu, `${graphRead} openid offline_access`, acrsClaims(["c1"]));
      const res = await poll(emu, String(json.device_code));
      expect(res.status).toBe(200);
      const at = claimsOf(res.json.access_token);
      expect(at.upn).toBe(admin);
      expect(at.acrs).toEqual(["c1"]);
    } finally {
      await emu.close();
    }
  });
});
