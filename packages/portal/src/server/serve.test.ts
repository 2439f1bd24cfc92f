import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { portalSecurityHeaders, publicCloud } from "@pimkit/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PortalNotBuiltError, type PortalServer, servePortal } from "./serve";

let dist: string;
let server: PortalServer;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), "pimkit-portal-"));
  await mkdir(join(dist, "assets"));
  await writeFile(join(dist, "index.html"), "<!doctype html><title>t</title>");
  await writeFile(join(dist, "assets", "index-abc12345.js"), "export {};");
  await writeFile(join(dist, ".secret"), "no");
  server = await servePortal({ cloud: publicCloud, clientId: "11111111-2222-3333-4444-555555555555", distDir: dist });
});

afterAll(async () => {
  await server?.close();
});

describe("servePortal", () => {
  it("listens on loopback and sends the cloud's headers with every answer", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const path of ["/", "/assets/index-abc12345.js", "/config.json", "/missing"]) {
      const res = await fetch(`${server.url}${path}`);
      for (const [name, value] of Object.entries(portalSecurityHeaders(publicCloud))) {
        expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      }
    }
  });

  it("serves config.json for the deployment, without the CA", async () => {
    const res = await fetch(`${server.url}/config.json`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      clientId: "11111111-2222-3333-4444-555555555555",
      tenant: "organizations",
      cloud: {
        name: "public",
        authorityHost: "https://login.microsoftonline.com",
        graphEndpoint: "https://graph.microsoft.com",
        armEndpoint: "https://management.azure.com",
        graphResource: "https://graph.microsoft.com",
        armResource: "https://management.azure.com",
      },
    });
  });

  it("caches hashed assets for good and revalidates the page", async () => {
    expect((await fetch(`${server.url}/assets/index-abc12345.js`)).headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${server.url}/`)).headers.get("cache-control")).toBe("no-cache");
    expect((await fetch(`${server.url}/assets/index-abc12345.js`)).headers.get("content-type")).toMatch(
      /^text\/javascript/,
    );
  });

  it("refuses other methods, hidden files and paths that leave the folder", async () => {
    expect((await fetch(`${server.url}/`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${server.url}/.secret`)).status).toBe(404);
    expect((await fetch(`${server.url}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
    expect((await fetch(`${server.url}/assets/..%2f..%2findex.html`)).status).toBe(404);
  });

  it("says the portal must be built when it is not", async () => {
    await expect(
      servePortal({ cloud: publicCloud, clientId: "x", distDir: join(dist, "assets") }),
    ).rejects.toBeInstanceOf(PortalNotBuiltError);
  });
});
