import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggableBody } from "../../src/http/request-log";
import {
  buildEnterpriseScenario,
  buildScaleScenario,
  type Emulator,
  ScenarioError,
  type ScenarioInput,
  validateScenario,
} from "../../src/index";
import { admin, claimsOf, cookieOf, defaultClient, graphRead, hiddenField, startEmulator, token } from "./support";

async function deviceCode(emu: Emulator): Promise<Record<string, unknown>> {
  const res = await emu.fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/devicecode`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: defaultClient, scope: `${graphRead} openid offline_access` }).toString(),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const poll = (emu: Emulator, code: unknown) =>
  token(emu, { client_id: defaultClient, grant_type: "device_code", device_code: String(code) });

describe("package entry", () => {
  it("exports the scenario builders and validateScenario", () => {
    const input: ScenarioInput = buildScaleScenario(12);
    const scenario = validateScenario(input);
    expect(scenario.eligibilities).toHaveLength(12);
    expect(validateScenario(buildEnterpriseScenario({ subscriptions: 2 })).subscriptions).toHaveLength(2);
    expect(() => validateScenario({ tenant: {} })).toThrow(ScenarioError);
  });
});

describe("admin API and the sign-in surface", () => {
  let emu: Emulator;
  const adminCall = async (method: string, path: string, body?: unknown) => {
    const res = await emu.fetch(`${emu.url}/_emulator${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
  };

  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  it("reset forgets pending device codes (method and HTTP)", async () => {
    const first = await deviceCode(emu);
    expect((await poll(emu, first.device_code)).json.error).toBe("authorization_pending");
    emu.admin.reset();
    expect((await poll(emu, first.device_code)).json.error).toBe("bad_verification_code");

    const second = await deviceCode(emu);
    expect((await adminCall("POST", "/reset")).status).toBe(200);
    expect((await poll(emu, second.device_code)).json.error).toBe("bad_verification_code");
  });

  it("reset with keepSignIns keeps pending sign-ins (method and HTTP)", async () => {
    const first = await deviceCode(emu);
    emu.admin.reset({ keepSignIns: true });
    expect((await poll(emu, first.device_code)).json.error).toBe("authorization_pending");
    expect((await adminCall("POST", "/reset?keepSignIns=true")).status).toBe(200);
    expect((await poll(emu, first.device_code)).json.error).toBe("authorization_pending");
    emu.admin.reset();
    expect((await poll(emu, first.device_code)).json.error).toBe("bad_verification_code");
  });

  it("setAutoSignIn turns auto sign-in on and off; settings report it; reset restores it", async () => {
    expect(emu.admin.settings().autoSignIn).toBeNull();
    const pending = await deviceCode(emu);
    expect((await poll(emu, pending.device_code)).json.error).toBe("authorization_pending");

    emu.admin.setAutoSignIn(admin);
    const done = await poll(emu, pending.device_code);
    expect(done.status).toBe(200);
    expect(claimsOf(done.json.access_token).upn).toBe(admin);

    const off = await adminCall("PATCH", "/settings", { autoSignIn: null });
    expect(off.status).toBe(200);
    expect(off.json.autoSignIn).toBeNull();
    const again = await deviceCode(emu);
    expect((await poll(emu, again.device_code)).json.error).toBe("authorization_pending");

    const on = await adminCall("PATCH", "/settings", { autoSignIn: admin });
    expect(on.json.autoSignIn).toBe(admin);
    expect((await adminCall("GET", "/settings")).json.autoSignIn).toBe(admin);
    emu.admin.reset();
    expect(emu.admin.settings().autoSignIn).toBeNull();
  });

  it("refuses a UPN the tenant does not hold and changes nothing", async () => {
    const bad = await adminCall("PATCH", "/settings", { autoSignIn: "nobody@contoso.example.com", pageSize: 7 });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe("InvalidRequest");
    expect(emu.admin.settings()).toMatchObject({ autoSignIn: null });
    expect(emu.admin.settings().pageSize).not.toBe(7);
    expect(() => emu.admin.setAutoSignIn("nobody@contoso.example.com")).toThrow(RangeError);
  });

  it("keeps the device page's csrf and user_code out of the request log", async () => {
    const code = await deviceCode(emu);
    const uri = String(code.verification_uri);
    const entry = await emu.fetch(uri);
    const csrf = hiddenField(await entry.text(), "csrf");
    const userCode = String(code.user_code);
    emu.admin.clearRequests();
    await emu.fetch(uri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieOf(entry) },
      body: new URLSearchParams({ csrf, user_code: userCode }).toString(),
    });
    const logged = emu.admin.requests();
    const text = JSON.stringify(logged);
    expect(csrf.length).toBeGreaterThan(8);
    expect(text).not.toContain(csrf);
    expect(text).not.toContain(userCode);
    expect(logged[0]?.body).toMatchObject({ csrf: "<redacted>", user_code: "<redacted>" });
  });
});

describe("request log redaction of sign-in form fields", () => {
  it("redacts transaction, csrf, user_code and password in forms and JSON", () => {
    const form = "transaction=T-CANARY&csrf=C-CANARY&user=abc&password=P-CANARY&user_code=U-CANARY&action=signin";
    expect(loggableBody("application/x-www-form-urlencoded", form)).toEqual({
      transaction: "<redacted>",
      csrf: "<redacted>",
      user: "abc",
      password: "<redacted>",
      user_code: "<redacted>",
      action: "signin",
    });
    const json = JSON.stringify({ nested: { Transaction: "T", CSRF: "C", password: "P" } });
    expect(loggableBody("application/json", json)).toEqual({
      nested: { Transaction: "<redacted>", CSRF: "<redacted>", password: "<redacted>" },
    });
  });
});
