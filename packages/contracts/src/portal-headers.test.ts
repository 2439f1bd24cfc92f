import { describe, expect, it } from "vitest";
import { type Cloud, chinaCloud, publicCloud, usGovCloud } from "./clouds";
import {
  portalConnectSources,
  portalContentSecurityPolicy,
  portalRuntimeConfig,
  portalSecurityHeaders,
} from "./portal-headers";

const local: Cloud = {
  name: "pimkit-local",
  authorityHost: "https://127.0.0.1:8443",
  graphEndpoint: "https://127.0.0.1:8443/graph",
  armEndpoint: "https://127.0.0.1:8443/arm",
  graphResource: "https://graph.microsoft.com",
  armResource: "https://management.azure.com",
  caCertPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
  tenantId: "00000000-0000-0000-0000-000000000001",
};

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(";").map((d) => {
      const [name = "", ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe("portalSecurityHeaders", () => {
  it("lets the page connect only to itself and the cloud's sign-in, Graph and ARM hosts", () => {
    expect(directives(portalContentSecurityPolicy(publicCloud)).get("connect-src")).toEqual([
      "'self'",
      "https://login.microsoftonline.com",
      "https://graph.microsoft.com",
      "https://management.azure.com",
    ]);
    expect(portalConnectSources(usGovCloud)).toEqual([
      "https://login.microsoftonline.us",
      "https://graph.microsoft.us",
      "https://management.usgovcloudapi.net",
    ]);
    expect(portalConnectSources(chinaCloud)).toContain("https://microsoftgraph.chinacloudapi.cn");
    // A cloud whose endpoints share one origin (the local tenant) names it once, without paths.
    expect(portalConnectSources(local)).toEqual(["https://127.0.0.1:8443"]);
  });

  it("allows no inline or third-party script, no framing, no plugins, no base or form tricks", () => {
    const d = directives(portalContentSecurityPolicy(publicCloud));
    expect(d.get("default-src")).toEqual(["'none'"]);
    expect(d.get("script-src")).toEqual(["'self'"]);
    expect(d.get("style-src")).toEqual(["'self'"]);
    expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    expect(d.get("frame-src")).toEqual(["'none'"]);
    expect(d.get("object-src")).toEqual(["'none'"]);
    expect(d.get("base-uri")).toEqual(["'none'"]);
    expect(d.get("form-action")).toEqual(["'none'"]);
    expect(d.get("require-trusted-types-for")).toEqual(["'script'"]);
    const all = portalContentSecurityPolicy(publicCloud);
    expect(all).not.toMatch(/unsafe-inline|unsafe-eval|\*|https:(?!\/\/)/);
  });

  it("sends the companion headers, and HSTS only when asked (https deployments)", () => {
    const h = portalSecurityHeaders(publicCloud);
    expect(h["Cross-Origin-Opener-Policy"]).toBe("same-origin");
    expect(h["Referrer-Policy"]).toBe("no-referrer");
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
    expect(h["X-Frame-Options"]).toBe("DENY");
    expect(h["Permissions-Policy"]).toContain("camera=()");
    expect(h["Strict-Transport-Security"]).toBeUndefined();
    expect(portalSecurityHeaders(publicCloud, { hsts: true })["Strict-Transport-Security"]).toMatch(/^max-age=\d+/);
  });
});

describe("portalRuntimeConfig", () => {
  it("keeps what the browser needs and drops the CA and portal URL", () => {
    const c = portalRuntimeConfig({
      clientId: "11111111-1111-1111-1111-111111111111",
      tenant: "organizations",
      cloud: local,
    });
    expect(c.cloud).toEqual({
      name: "pimkit-local",
      authorityHost: local.authorityHost,
      graphEndpoint: local.graphEndpoint,
      armEndpoint: local.armEndpoint,
      graphResource: local.graphResource,
      armResource: local.armResource,
    });
    expect(JSON.stringify(c)).not.toContain("CERTIFICATE");
    expect(c.tenants).toBeUndefined();
  });
});
