import { publicCloud, usGovCloud } from "@pimkit/contracts";
import { describe, expect, it } from "vitest";
import { knownAuthoritiesFor, msalConfiguration, signInRequestScopes } from "./msal-config";

describe("MSAL configuration", () => {
  it("uses the redirect URI of the page, sessionStorage and the cp1 capability", () => {
    const c = msalConfiguration({
      clientId: "11111111-2222-3333-4444-555555555555",
      tenant: "organizations",
      cloud: publicCloud,
      origin: "https://pim.contoso.com",
    });
    expect(c.auth.authority).toBe("https://login.microsoftonline.com/organizations");
    expect(c.auth.redirectUri).toBe("https://pim.contoso.com/");
    expect(c.auth.clientCapabilities).toEqual(["cp1"]);
    expect(c.cache?.cacheLocation).toBe("sessionStorage");
    expect(c.auth.knownAuthorities).toEqual([]);
  });

  it("declares a custom cloud's sign-in host as a known authority, not a built-in one", () => {
    expect(knownAuthoritiesFor(usGovCloud)).toEqual([]);
    expect(knownAuthoritiesFor({ ...publicCloud, authorityHost: "https://127.0.0.1:8443" })).toEqual([
      "127.0.0.1:8443",
    ]);
  });

  it("asks at sign-in only for what the first screen reads (no directory-wide write scope)", () => {
    const scopes = signInRequestScopes(publicCloud);
    expect(scopes).toContain("offline_access");
    expect(scopes).toContain("https://graph.microsoft.com/RoleEligibilitySchedule.Read.Directory");
    expect(scopes.some((s) => /RoleManagement\.ReadWrite|Directory\.ReadWrite|user_impersonation/.test(s))).toBe(false);
  });
});
