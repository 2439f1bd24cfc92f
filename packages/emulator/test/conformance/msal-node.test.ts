/**
 * Real, unmodified @azure/msal-node against the local tenant over HTTPS: every flow pimkit's CLI
 * relies on, the step-up (claims challenge) path, and the failures the tenant must produce.
 * The sign-in page is completed over HTTP by the testkit (no autoSignIn), the way a person would.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  type AuthenticationResult,
  InteractionRequiredAuthError,
  LogLevel,
  PublicClientApplication,
  ServerError,
} from "@azure/msal-node";
import { completeDeviceCodeSignIn, completeSignInPage, headlessOpenBrowser } from "@pimkit/testkit";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { createEmulator, type Emulator } from "../../src/index";
import { admin, limited, testScenario } from "../entra/support";
import { caPinnedNetworkClient, claimsRequest, jwksVerifier } from "./msal-support";

const clientId = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const graph = "https://graph.microsoft.com/RoleEligibilitySchedule.Read.Directory";
const arm = "https://management.azure.com/user_impersonation";

let emu: Emulator;
let verifySignature: (jwt: string) => Promise<Record<string, unknown>>;
const msalLog: string[] = [];

beforeAll(async () => {
  emu = await createEmulator({ scenario: testScenario() });
  verifySignature = await jwksVerifier(`${emu.url}/${emu.tenantId}/discovery/v2.0/keys`, emu.caCertPem);
});
afterAll(async () => {
  await emu.close();
});

function newApp(): PublicClientApplication {
  msalLog.length = 0;
  onTestFailed(() => {
    // MSAL masks most failures as endpoints_resolution_error; its own log is the only clue.
    process.stderr.write(`MSAL log:\n${msalLog.join("\n")}\n`);
  });
  return new PublicClientApplication({
    auth: {
      clientId,
      authority: `${emu.url}/${emu.tenantId}`,
      knownAuthorities: [new URL(emu.url).host],
      clientCapabilities: ["cp1"],
    },
    system: {
      networkClient: caPinnedNetworkClient(emu.caCertPem),
      loggerOptions: {
        logLevel: LogLevel.Verbose,
        piiLoggingEnabled: false,
        loggerCallback: (_level, message) => msalLog.push(message),
      },
    },
  });
}

async function verified(result: AuthenticationResult | null): Promise<Record<string, unknown>> {
  if (!result) throw new Error("no result");
  const at = await verifySignature(result.accessToken);
  await verifySignature(result.idToken);
  return at;
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function oidOf(upn: string): string {
  return emu.users.find((u) => u.upn === upn)?.oid ?? "";
}

async function codeFromPage(app: PublicClientApplication, challenge: string, state: string, redirectUri: string) {
  const url = await app.getAuthCodeUrl({
    scopes: [graph],
    redirectUri,
    codeChallenge: challenge,
    codeChallengeMethod: "S256",
    state,
  });
  const answer = await completeSignInPage(url, { upn: admin, fetch: emu.fetch });
  const code = answer.params.get("code");
  if (!code) throw new Error(`no code: ${answer.params.get("error_description")}`);
  expect(answer.params.get("state")).toBe(state);
  return { code, clientInfo: answer.params.get("client_info") ?? undefined };
}

function serverErrorOf(error: unknown): { code: string; aadsts: string | undefined } {
  expect(error).toBeInstanceOf(ServerError);
  const e = error as ServerError;
  return { code: e.errorCode, aadsts: /AADSTS(\d+)/.exec(e.errorMessage)?.[1] };
}

describe("msal-node 7 against the local tenant", () => {
  it("auth code + PKCE: getAuthCodeUrl, the sign-in page, acquireTokenByCode", async () => {
    const app = newApp();
    const { verifier, challenge } = pkce();
    const redirectUri = "http://localhost:7171";
    const { code, clientInfo } = await codeFromPage(app, challenge, "state-1", redirectUri);
    const result = await app.acquireTokenByCode(
      { code, scopes: [graph], redirectUri, codeVerifier: verifier, state: "state-1" },
      { code, state: "state-1", ...(clientInfo ? { client_info: clientInfo } : {}) },
    );
    const at = await verified(result);
    expect(at).toMatchObject({ aud: "https://graph.microsoft.com", upn: admin, xms_cc: ["cp1"] });
    expect(result.account?.homeAccountId).toBe(`${oidOf(admin)}.${emu.tenantId}`);
    expect(result.account?.username).toBe(admin);
    expect(result.tenantId).toBe(emu.tenantId);
  });

  it("a wrong code_verifier is refused (invalid_grant AADSTS501481)", async () => {
    const app = newApp();
    const { challenge } = pkce();
    const redirectUri = "http://localhost:7172";
    const { code } = await codeFromPage(app, challenge, "state-2", redirectUri);
    const error = await app
      .acquireTokenByCode({ code, scopes: [graph], redirectUri, codeVerifier: pkce().verifier })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(serverErrorOf(error)).toEqual({ code: "invalid_grant", aadsts: "501481" });
  });

  it("a code works once (invalid_grant AADSTS54005 the second time)", async () => {
    const app = newApp();
    const { verifier, challenge } = pkce();
    const redirectUri = "http://localhost:7173";
    const { code } = await codeFromPage(app, challenge, "state-3", redirectUri);
    const request = { code, scopes: [graph], redirectUri, codeVerifier: verifier };
    await app.acquireTokenByCode(request);
    const error = await app.acquireTokenByCode(request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(serverErrorOf(error)).toEqual({ code: "invalid_grant", aadsts: "54005" });
  });

  it("interactive (loopback, form_post), silent from cache, then a claims step-up", async () => {
    const app = newApp();
    const openBrowser = headlessOpenBrowser(emu, admin);
    const first = await app.acquireTokenInteractive({ scopes: [arm], openBrowser });
    const at = await verified(first);
    expect(at).toMatchObject({ aud: "https://management.azure.com", scp: "user_impersonation", amr: ["pwd", "mfa"] });
    expect(at).not.toHaveProperty("acrs");
    const authorize = emu.admin.requests().filter((e) => e.path.endsWith("/oauth2/v2.0/authorize"));
    expect(authorize.at(-1)?.query.response_mode).toBe("form_post");
    const account = first.account;
    if (!account) throw new Error("no account");

    const tokenCalls = () => emu.admin.requests().filter((e) => e.path.endsWith("/oauth2/v2.0/token")).length;
    const before = tokenCalls();
    const cached = await app.acquireTokenSilent({ account, scopes: [arm] });
    expect(cached.fromCache).toBe(true);
    expect(tokenCalls()).toBe(before);

    const claims = claimsRequest(["c1", "c2"]);
    const challenge = await app.acquireTokenSilent({ account, scopes: [arm], claims }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(challenge).toBeInstanceOf(InteractionRequiredAuthError);
    const stepUpClaims = (challenge as InteractionRequiredAuthError).claims;
    expect(JSON.parse(stepUpClaims).access_token.acrs.values).toEqual(["c1", "c2"]);

    const stepped = await app.acquireTokenInteractive({ scopes: [arm], claims: stepUpClaims, openBrowser, account });
    const steppedAt = await verified(stepped);
    expect(steppedAt.acrs).toEqual(["c1", "c2"]);
    expect(steppedAt.xms_cc).toEqual(["cp1"]);

    // The session now satisfies c1 and c2: silent with the same claims is served by the refresh token.
    const silent = await app.acquireTokenSilent({ account, scopes: [arm], claims });
    expect(silent.fromCache).toBe(false);
    const silentAt = await verified(silent);
    expect(silentAt.acrs).toEqual(["c1", "c2"]);
    expect(silentAt.xms_cc).toEqual(["cp1"]);
  });

  it("device code: the code is entered on the emulator's page", async () => {
    const app = newApp();
    let pageDone: Promise<unknown> = Promise.resolve();
    const result = await app.acquireTokenByDeviceCode({
      scopes: [graph],
      deviceCodeCallback: (response) => {
        expect(response.verificationUri).toBe(`${emu.url}/common/oauth2/deviceauth`);
        pageDone = completeDeviceCodeSignIn(response.verificationUri, response.userCode, {
          upn: admin,
          fetch: emu.fetch,
        });
      },
    });
    expect((await pageDone) as { status: number }).toMatchObject({ status: 200 });
    const at = await verified(result);
    expect(at.upn).toBe(admin);
  });

  it("a user who cannot satisfy c2 gets the Conditional Access error, not a token", async () => {
    const app = newApp();
    const error = await app
      .acquireTokenInteractive({
        scopes: [graph],
        claims: claimsRequest(["c2"]),
        openBrowser: headlessOpenBrowser(emu, limited),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(serverErrorOf(error)).toEqual({ code: "access_denied", aadsts: "53003" });
  });
});
