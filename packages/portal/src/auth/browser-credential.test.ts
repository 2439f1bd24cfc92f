import {
  type AccountInfo,
  type AuthenticationResult,
  InteractionRequiredAuthError,
  type IPublicClientApplication,
  type RedirectRequest,
  type SilentRequest,
} from "@azure/msal-browser";
import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../lib/storage";
import { BrowserCredential, InteractionBlockedError, type RedirectIntent } from "./browser-credential";
import { createInteractionGuard } from "./interaction-guard";

const account = { homeAccountId: "oid.tid", tenantId: "tid", username: "a@b.c" } as AccountInfo;
const graph = ["https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory"];
const c1 = '{"access_token":{"acrs":{"essential":true,"values":["c1"]}}}';

function result(token: string, minutes = 60): AuthenticationResult {
  return { accessToken: token, expiresOn: new Date(Date.now() + minutes * 60_000) } as AuthenticationResult;
}

/** MSAL's public client, reduced to the calls the credential makes (MSAL is not ours to emulate here). */
function fakePca(silent: (r: SilentRequest) => Promise<AuthenticationResult>) {
  const calls = { silent: [] as SilentRequest[], redirect: [] as RedirectRequest[] };
  const pca = {
    acquireTokenSilent: (r: SilentRequest) => {
      calls.silent.push(r);
      return silent(r);
    },
    acquireTokenRedirect: async (r: RedirectRequest) => {
      calls.redirect.push(r);
    },
  } as unknown as IPublicClientApplication;
  return { pca, calls };
}

function setup(silent: (r: SilentRequest) => Promise<AuthenticationResult>) {
  const { pca, calls } = fakePca(silent);
  const storage = createMemoryStorage();
  const saved: RedirectIntent[] = [];
  const credential = new BrowserCredential({
    pca,
    account: () => account,
    authority: () => "https://login.microsoftonline.com/tid",
    guard: createInteractionGuard(storage),
    beforeRedirect: (intent) => saved.push(intent),
    newId: () => "state-1",
  });
  return { credential, calls, saved, storage, pca };
}

const settle = (p: Promise<unknown>, ms = 30) =>
  Promise.race([
    p.then(
      () => "resolved",
      () => "rejected",
    ),
    new Promise((r) => setTimeout(() => r("pending"), ms)),
  ]);

describe("BrowserCredential", () => {
  it("gets tokens silently, never through a hidden iframe, passing the claims", async () => {
    const { credential, calls } = setup(async () => result("at-1"));
    const t = await credential.getToken(graph, { claims: c1 });
    expect(t?.token).toBe("at-1");
    expect(calls.silent[0]?.claims).toBe(c1);
    // AccessTokenAndRefreshToken: cache, then refresh token; no iframe fallback.
    expect(calls.silent[0]?.cacheLookupPolicy).toBe(2);
    expect(calls.redirect).toHaveLength(0);
  });

  it("saves the operation and redirects once with the claims when Entra wants the user", async () => {
    const { credential, calls, saved } = setup(async () => {
      throw new InteractionRequiredAuthError("interaction_required", "corr");
    });
    const pending = credential.getToken(graph, { claims: c1 });
    expect(await settle(pending)).toBe("pending");
    expect(saved).toEqual([{ scopes: graph, claims: c1 }]);
    expect(calls.redirect).toHaveLength(1);
    expect(calls.redirect[0]).toMatchObject({ scopes: graph, claims: c1, state: "state-1", account });
    // Anything else asked while the page leaves waits too, and starts no second interaction.
    expect(await settle(credential.getToken(["https://management.azure.com/user_impersonation"]))).toBe("pending");
    expect(calls.redirect).toHaveLength(1);
    expect(credential.isRedirecting).toBe(true);
  });

  it("does not loop: the same need after the redirect fails instead of redirecting again", async () => {
    const first = setup(async () => {
      throw new InteractionRequiredAuthError("interaction_required", "corr");
    });
    void first.credential.getToken(graph, { claims: c1 });
    await settle(Promise.resolve());
    // The page came back (same sessionStorage), and the service still asks for the same thing.
    const { pca, calls } = fakePca(async () => {
      throw new InteractionRequiredAuthError("interaction_required", "corr");
    });
    const again = new BrowserCredential({
      pca,
      account: () => account,
      authority: () => "https://login.microsoftonline.com/tid",
      guard: createInteractionGuard(first.storage),
      beforeRedirect: () => undefined,
    });
    await expect(again.getToken(graph, { claims: c1 })).rejects.toBeInstanceOf(InteractionBlockedError);
    expect(calls.redirect).toHaveLength(0);
  });

  it("hands the token from the redirect to the first matching request only", async () => {
    const { credential, calls } = setup(async () => result("silent"));
    credential.seed({ scopes: graph, claims: c1 }, result("from-redirect"));
    expect((await credential.getToken(graph, { claims: c1 }))?.token).toBe("from-redirect");
    expect(calls.silent).toHaveLength(0);
    expect((await credential.getToken(graph, { claims: c1 }))?.token).toBe("silent");
    // A different claims request never gets the seeded token.
    credential.seed({ scopes: graph, claims: c1 }, result("from-redirect"));
    expect((await credential.getToken(graph))?.token).toBe("silent");
  });

  it("passes other failures through and answers null when nobody is signed in", async () => {
    const { credential } = setup(async () => {
      throw new Error("network down");
    });
    await expect(credential.getToken(graph)).rejects.toThrow("network down");
    const { pca } = fakePca(async () => result("x"));
    const signedOut = new BrowserCredential({
      pca,
      account: () => null,
      authority: () => "https://login.microsoftonline.com/tid",
      guard: createInteractionGuard(createMemoryStorage()),
      beforeRedirect: () => undefined,
    });
    expect(await signedOut.getToken(graph)).toBeNull();
  });
});
