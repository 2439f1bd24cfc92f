import { describe, expect, it } from "vitest";
import { ConfigError, loadRuntimeConfig, parseRuntimeConfig } from "./runtime-config";

const cloud = {
  name: "public",
  authorityHost: "https://login.microsoftonline.com/",
  graphEndpoint: "https://graph.microsoft.com",
  armEndpoint: "https://management.azure.com",
};

describe("runtime configuration", () => {
  it("reads client id, tenant and cloud, defaulting the tenant to organizations", () => {
    const c = parseRuntimeConfig({ clientId: "11111111-2222-3333-4444-555555555555", cloud });
    expect(c.tenant).toBe("organizations");
    expect(c.cloud.authorityHost).toBe("https://login.microsoftonline.com");
    expect(c.cloud.graphResource).toBe("https://graph.microsoft.com");
  });

  it("names every problem", () => {
    expect(() =>
      parseRuntimeConfig({
        clientId: "nope",
        tenant: "bad tenant!",
        cloud: { ...cloud, graphEndpoint: "http://graph" },
      }),
    ).toThrow(/clientId.*tenant.*graphEndpoint must be an https URL/);
    expect(() => parseRuntimeConfig([])).toThrow(ConfigError);
  });

  it("keeps only well-formed guest tenants", () => {
    const c = parseRuntimeConfig({
      clientId: "11111111-2222-3333-4444-555555555555",
      tenant: "contoso.example.com",
      cloud,
      tenants: [{ id: "fabrikam.example.com", displayName: "Fabrikam" }, { id: "<x>" }, "y"],
    });
    expect(c.tenants).toEqual([{ id: "fabrikam.example.com", displayName: "Fabrikam" }]);
  });

  it("explains a missing or broken config.json", async () => {
    await expect(loadRuntimeConfig(async () => new Response("no", { status: 404 }))).rejects.toThrow(/HTTP 404/);
    await expect(loadRuntimeConfig(async () => new Response("{", { status: 200 }))).rejects.toThrow(/not valid JSON/);
  });
});
