import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createEmulator, type Emulator } from "@pimkit/emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  completeDeviceCodeSignIn,
  completeSignInPage,
  createEmulatorCredential,
  EmulatorSignInError,
  headlessOpenBrowser,
  SignInPageError,
} from "../src/index";

const admin = "alex.morgan@contoso.example.com";
const limited = "sam.lindqvist@contoso.example.com";
const graph = "https://graph.microsoft.com/RoleEligibilitySchedule.Read.Directory";
const arm = "https://management.azure.com/user_impersonation";
const c1 = JSON.stringify({ access_token: { acrs: { essential: true, value: "c1" } } });
const c1c2 = JSON.stringify({ access_token: { acrs: { essential: true, values: ["c1", "c2"] } } });

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

function tokenGrants(emu: Emulator): string[] {
  return emu.admin
    .requests()
    .filter((e) => e.path.endsWith("/oauth2/v2.0/token"))
    .map((e) => String((e.body as Record<string, unknown> | undefined)?.grant_type));
}

function authorizeCount(emu: Emulator): number {
  return emu.admin.requests().filter((e) => e.path.endsWith("/oauth2/v2.0/authorize")).length;
}

describe("createEmulatorCredential with autoSignIn", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await createEmulator({ listen: false, autoSignIn: admin });
  });
  afterAll(async () => {
    await emu.close();
  });
  afterEach(() => {
    emu.admin.reset();
  });

  it("signs in once, caches per scope set and uses the refresh token for another resource", async () => {
    const credential = createEmulatorCredential(emu, { upn: admin });
    const first = await credential.getToken(graph);
    expect(first?.expiresOnTimestamp).toBeGreaterThan(Date.now());
    expect(claimsOf(first?.token ?? "").aud).toBe("https://graph.microsoft.com");
    const again = await credential.getToken([graph]);
    expect(again?.token).toBe(first?.token);
    const armToken = await credential.getToken(arm);
    expect(claimsOf(armToken?.token ?? "").aud).toBe("https://management.azure.com");
    expect(credential.interactiveCount).toBe(1);
    expect(authorizeCount(emu)).toBe(1);
    expect(tokenGrants(emu)).toEqual(["authorization_code", "refresh_token"]);
  });

  it("declares cp1 and gets MFA for a user who can do it", async () => {
    const credential = createEmulatorCredential(emu, { upn: admin });
    const t = claimsOf((await credential.getToken(graph))?.token ?? "");
    expect(t.xms_cc).toEqual(["cp1"]);
    expect(t.amr).toEqual(["pwd", "mfa"]);
  });

  it("steps up once for claims, then serves the other resource's claims silently", async () => {
    const credential = createEmulatorCredential(emu, { upn: admin });
    await credential.getToken(graph);
    const stepped = await credential.getToken(graph, { claims: c1c2 });
    expect(claimsOf(stepped?.token ?? "").acrs).toEqual(["c1", "c2"]);
    const armStepped = await credential.getToken(arm, { claims: c1c2 });
    expect(claimsOf(armStepped?.token ?? "").acrs).toEqual(["c1", "c2"]);
    expect(credential.interactiveCount).toBe(2);
    expect(credential.stepUps).toEqual([["c1", "c2"]]);
    expect(credential.claimsSeen).toEqual([
      ["c1", "c2"],
      ["c1", "c2"],
    ]);
    // Later requests without claims keep the satisfied contexts (refresh tokens remember them).
    const later = await createEmulatorCredential(emu, { upn: admin }).getToken(arm);
    expect(claimsOf(later?.token ?? "")).not.toHaveProperty("acrs");
  });

  it("claimsMode interactive signs in for every claims request", async () => {
    const credential = createEmulatorCredential(emu, { upn: admin, claimsMode: "interactive" });
    await credential.getToken(graph, { claims: c1 });
    await credential.getToken(arm, { claims: c1 });
    expect(credential.interactiveCount).toBe(2);
    expect(credential.stepUps).toEqual([["c1"], ["c1"]]);
  });

  it("concurrent first requests sign in once", async () => {
    const credential = createEmulatorCredential(emu, { upn: admin });
    const [a, b] = await Promise.all([credential.getToken(graph), credential.getToken(arm)]);
    expect(a?.token).toBeTruthy();
    expect(b?.token).toBeTruthy();
    expect(credential.interactiveCount).toBe(1);
  });

  it("renews an expiring token with the refresh token, not a new sign-in", async () => {
    let now = Date.now();
    const credential = createEmulatorCredential(emu, { upn: admin, now: () => now });
    const first = await credential.getToken(graph);
    now += 3400 * 1000;
    const second = await credential.getToken(graph);
    expect(second?.token).not.toBe(first?.token);
    expect(credential.interactiveCount).toBe(1);
    expect(tokenGrants(emu)).toEqual(["authorization_code", "refresh_token"]);
  });

  it("signOut forgets the tokens", async () => {
    const credential = createEmulatorCredential(emu, { upn: admin });
    await credential.getToken(graph);
    credential.signOut();
    await credential.getToken(graph);
    expect(credential.interactiveCount).toBe(2);
  });
});

describe("createEmulatorCredential through the sign-in page", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await createEmulator({ listen: false });
  });
  afterAll(async () => {
    await emu.close();
  });

  it("completes the page for its user", async () => {
    const credential = createEmulatorCredential(emu, { upn: limited });
    const t = claimsOf((await credential.getToken(graph))?.token ?? "");
    expect(t.upn).toBe(limited);
    const stepped = claimsOf((await credential.getToken(graph, { claims: c1 }))?.token ?? "");
    expect(stepped.acrs).toEqual(["c1"]);
  });

  it("without MFA approval the token has pwd only", async () => {
    const credential = createEmulatorCredential(emu, { upn: admin, approveMfa: false });
    expect(claimsOf((await credential.getToken(graph))?.token ?? "").amr).toEqual(["pwd"]);
  });

  it("a context the user cannot satisfy is the CA error, not a token", async () => {
    const credential = createEmulatorCredential(emu, { upn: limited });
    await credential.getToken(graph);
    const failure = await credential.getToken(graph, { claims: c1c2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(EmulatorSignInError);
    expect(failure).toMatchObject({ error: "access_denied", errorCodes: [53003] });
  });

  it("a user the tenant does not have cannot sign in", async () => {
    const credential = createEmulatorCredential(emu, { upn: "nobody@contoso.example.com" });
    await expect(credential.getToken(graph)).rejects.toBeInstanceOf(SignInPageError);
  });
});

describe("completeSignInPage, completeDeviceCodeSignIn and headlessOpenBrowser", () => {
  let emu: Emulator;
  let loopback: Server;
  let received: string[] = [];
  let loopbackUrl: string;
  beforeAll(async () => {
    emu = await createEmulator({ listen: false });
    loopback = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push(`${req.method} ${req.url} ${Buffer.concat(chunks).toString("utf8")}`);
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => loopback.listen(0, "127.0.0.1", resolve));
    // The default client registers http://localhost (any port), as msal-node uses it.
    loopbackUrl = `http://localhost:${(loopback.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => loopback.close(resolve));
    await emu.close();
  });
  afterEach(() => {
    received = [];
  });

  function authorize(mode: string, redirectUri = "http://localhost:1234"): string {
    return `${emu.url}/${emu.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams({
      client_id: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
      response_type: "code",
      redirect_uri: redirectUri,
      response_mode: mode,
      scope: `${graph} openid`,
      state: "abc",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
      claims: c1,
    }).toString()}`;
  }

  it("returns a query answer", async () => {
    const answer = await completeSignInPage(authorize("query"), { upn: admin, fetch: emu.fetch });
    expect(answer.mode).toBe("query");
    expect(answer.redirectUri).toBe("http://localhost:1234/");
    expect(answer.params.get("code")).toEqual(expect.any(String));
    expect(answer.params.get("state")).toBe("abc");
  });

  it("returns a form_post answer and an error when a context is withheld", async () => {
    const answer = await completeSignInPage(authorize("form_post"), { upn: admin, fetch: emu.fetch, contexts: [] });
    expect(answer.mode).toBe("form_post");
    expect(answer.params.get("error")).toBe("access_denied");
  });

  it("cancel answers access_denied", async () => {
    const answer = await completeSignInPage(authorize("fragment"), { upn: admin, fetch: emu.fetch, cancel: true });
    expect(answer.mode).toBe("fragment");
    expect(answer.params.get("error_subcode")).toBe("cancel");
  });

  it("an error page becomes a SignInPageError with its AADSTS code", async () => {
    const failure = await completeSignInPage(authorize("query", "https://evil.example.net/"), {
      upn: admin,
      fetch: emu.fetch,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(SignInPageError);
    expect(failure).toMatchObject({ status: 400, code: 50011 });
  });

  it("headlessOpenBrowser posts a form_post answer to the app's loopback listener", async () => {
    const open = headlessOpenBrowser(emu, admin);
    await open(authorize("form_post", loopbackUrl));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/^POST \/ code=[^&]+&state=abc&session_state=/);
  });

  it("headlessOpenBrowser GETs a query answer", async () => {
    await headlessOpenBrowser(emu, admin)(authorize("query", loopbackUrl));
    expect(received[0]).toMatch(/^GET \/\?code=/);
  });

  it("completeDeviceCodeSignIn approves a device code on the page", async () => {
    const res = await emu.fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/devicecode`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
        scope: `${graph} openid`,
      }).toString(),
    });
    const dc = (await res.json()) as { user_code: string; device_code: string; verification_uri: string };
    const done = await completeDeviceCodeSignIn(dc.verification_uri, dc.user_code, { upn: admin, fetch: emu.fetch });
    expect(done.status).toBe(200);
    const poll = await emu.fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
        grant_type: "device_code",
        device_code: dc.device_code,
      }).toString(),
    });
    expect(poll.status).toBe(200);
  });
});
