import { describe, expect, it } from "vitest";
import { accountsInCache, findCachedAccessToken, scopesAsCached } from "../../src/auth/scope-match";

const home = "oid-1.tid-1";
const env = "login.example.test";
const client = "client-1";
const now = 1_900_000_000;
const graph = "https://graph.microsoft.com";

/** A serialized MSAL cache as msal-node writes it (the cross-library schema), tokens as Entra files them. */
function cache(tokens: Array<Record<string, unknown>>): string {
  const at: Record<string, unknown> = {};
  tokens.forEach((t, i) => {
    at[`k${i}`] = {
      home_account_id: home,
      environment: env,
      credential_type: "AccessToken",
      client_id: client,
      realm: "tid-1",
      token_type: "Bearer",
      cached_at: String(now - 100),
      expires_on: String(now + 3500),
      ...t,
    };
  });
  return JSON.stringify({
    Account: {
      a: { home_account_id: home, environment: env, realm: "tid-1", local_account_id: "oid-1", username: "u@x.test" },
    },
    AccessToken: at,
  });
}

const q = (scopes: string[], over: Partial<Parameters<typeof findCachedAccessToken>[1]> = {}) => ({
  homeAccountId: home,
  environment: env,
  clientId: client,
  realm: "tid-1",
  graphResource: graph,
  scopes,
  nowSec: now,
  ...over,
});

describe("cached access tokens matched across scope spellings", () => {
  const graphToken = {
    target: "RoleEligibilitySchedule.Read.Directory RoleManagementPolicy.Read.Directory openid profile",
    secret: "graph-secret",
  };
  const armToken = { target: "https://management.azure.com/user_impersonation openid profile", secret: "arm-secret" };

  it("finds a Graph token filed unqualified for a qualified request, and spells the scopes as filed", () => {
    const text = cache([graphToken, armToken]);
    const hit = findCachedAccessToken(text, q([`${graph}/RoleEligibilitySchedule.Read.Directory`]));
    expect(hit?.secret).toBe("graph-secret");
    expect(hit?.scopes).toEqual(["RoleEligibilitySchedule.Read.Directory"]);
    expect(findCachedAccessToken(text, q(["https://management.azure.com/user_impersonation"]))?.secret).toBe(
      "arm-secret",
    );
  });

  it("misses when a scope is not covered, the token is near expiry, future-dated, due for refresh or another account's", () => {
    const wanted = [`${graph}/RoleEligibilitySchedule.Read.Directory`];
    expect(findCachedAccessToken(cache([graphToken]), q([`${graph}/AdministrativeUnit.Read.All`]))).toBeUndefined();
    expect(findCachedAccessToken(cache([{ ...graphToken, expires_on: String(now + 200) }]), q(wanted))).toBeUndefined();
    expect(findCachedAccessToken(cache([{ ...graphToken, cached_at: String(now + 60) }]), q(wanted))).toBeUndefined();
    expect(findCachedAccessToken(cache([{ ...graphToken, refresh_on: String(now - 1) }]), q(wanted))).toBeUndefined();
    expect(findCachedAccessToken(cache([graphToken]), q(wanted, { homeAccountId: "other" }))).toBeUndefined();
    expect(findCachedAccessToken(cache([graphToken]), q(wanted, { realm: "tid-2" }))).toBeUndefined();
    expect(findCachedAccessToken(cache([{ ...graphToken, token_type: "pop" }]), q(wanted))).toBeUndefined();
    // A Graph scope of another cloud's Graph is not the same scope.
    expect(
      findCachedAccessToken(
        cache([graphToken]),
        q(["https://graph.microsoft.us/RoleEligibilitySchedule.Read.Directory"]),
      ),
    ).toBeUndefined();
  });

  it("leaves the request as asked when nothing covers it, and reads accounts without MSAL", () => {
    const asked = [`${graph}/AdministrativeUnit.Read.All`];
    expect(scopesAsCached(cache([graphToken]), q(asked))).toEqual(asked);
    expect(scopesAsCached("not json", q(asked))).toEqual(asked);
    expect(accountsInCache(cache([]))).toEqual([
      { homeAccountId: home, environment: env, tenantId: "tid-1", username: "u@x.test", localAccountId: "oid-1" },
    ]);
    expect(accountsInCache("")).toEqual([]);
  });
});
