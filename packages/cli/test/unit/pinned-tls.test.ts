import { X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { type EmulatorCertificates, generateCertificates } from "@pimkit/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudTransport } from "../../src/auth/https";
import { PinnedCertificateError, parseAnchors, verifyPinnedChain } from "../../src/auth/pinned-tls";

/**
 * The pinned-CA transport (clouds that bring their own CA): a connection is handed to HTTP only
 * when the server's chain leads to that CA and names the host — otherwise nothing is written,
 * so no token can reach the wrong server.
 */

interface TestServer {
  url: string;
  /** Requests the server received (a request line means bytes were sent). */
  requests: string[];
  close(): Promise<void>;
}

async function serve(certs: EmulatorCertificates): Promise<TestServer> {
  const requests: string[] = [];
  const server: Server = createServer({ key: certs.leafKeyPem, cert: certs.leafCertPem }, (req, res) => {
    requests.push(`${req.method} ${req.url} auth=${req.headers.authorization ? "yes" : "no"}`);
    res.writeHead(200, { "content-type": "application/json", "x-ms-request-id": "abc" });
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function cloudFor(url: string, caCertPem: string) {
  return {
    name: "test",
    authorityHost: url,
    graphEndpoint: `${url}/graph`,
    graphResource: `${url}/graph`,
    armEndpoint: `${url}/arm`,
    armResource: `${url}/arm`,
    caCertPem,
  } as Parameters<typeof createCloudTransport>[0];
}

let good: EmulatorCertificates;
let other: EmulatorCertificates;
beforeAll(async () => {
  good = await generateCertificates();
  other = await generateCertificates();
});

describe("transport of a cloud with its own CA", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve(good);
  });
  afterAll(async () => {
    await server.close();
  });

  it("talks to a server whose certificate the cloud's CA issued, reusing the connection", async () => {
    const t = createCloudTransport(cloudFor(server.url, good.caCertPem));
    try {
      for (let i = 0; i < 3; i++) {
        const res = await t.fetch(`${server.url}/graph/v1.0/me`, { headers: { authorization: "Bearer x" } });
        expect(res.status).toBe(200);
        expect(res.headers.get("X-MS-Request-Id")).toBe("abc");
        expect(await res.json()).toEqual({ ok: true });
      }
      expect(server.requests).toHaveLength(3);
    } finally {
      t.close();
    }
  });

  it("streams a body to the core's reader and stops when cancelled", async () => {
    const t = createCloudTransport(cloudFor(server.url, good.caCertPem));
    try {
      const res = await t.fetch(`${server.url}/graph/v1.0/me`);
      const reader = res.body?.getReader();
      const first = await reader?.read();
      expect(first?.done).toBe(false);
      expect(new TextDecoder().decode(first?.value)).toBe('{"ok":true}');
      expect((await reader?.read())?.done).toBe(true);
    } finally {
      t.close();
    }
  });
});

describe("a server the cloud's CA did not issue", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve(other);
  });
  afterAll(async () => {
    await server.close();
  });

  it("is refused before any byte of the request (or its token) is sent", async () => {
    const t = createCloudTransport(cloudFor(server.url, good.caCertPem));
    try {
      await expect(
        t.fetch(`${server.url}/graph/v1.0/me`, { headers: { authorization: "Bearer canary-token" } }),
      ).rejects.toMatchObject({ code: "CERT_NOT_PINNED" });
      expect(server.requests).toEqual([]);
    } finally {
      t.close();
    }
  });

  it("is refused for sign-in traffic too (MSAL's network module)", async () => {
    const t = createCloudTransport(cloudFor(server.url, good.caCertPem));
    try {
      await expect(
        t.networkClient.sendGetRequestAsync(`${server.url}/tenant/v2.0/.well-known/x`),
      ).rejects.toMatchObject({
        code: "CERT_NOT_PINNED",
      });
      expect(server.requests).toEqual([]);
    } finally {
      t.close();
    }
  });
});

describe("verifyPinnedChain", () => {
  it("accepts the leaf for its names and refuses other names", () => {
    const leaf = new X509Certificate(good.leafCertPem);
    const anchors = parseAnchors(good.caCertPem);
    const now = Date.now();
    expect(() => verifyPinnedChain([leaf], "127.0.0.1", anchors, now)).not.toThrow();
    expect(() => verifyPinnedChain([leaf], "localhost", anchors, now)).not.toThrow();
    expect(() => verifyPinnedChain([leaf], "127.0.0.2", anchors, now)).toThrow(
      expect.objectContaining({ code: "CERT_NAME_MISMATCH" }),
    );
    expect(() => verifyPinnedChain([leaf], "login.example.com", anchors, now)).toThrow(
      expect.objectContaining({ code: "CERT_NAME_MISMATCH" }),
    );
  });

  it("refuses a leaf outside its validity, and one from another CA", async () => {
    const expired = await generateCertificates({ leafNotBeforeMs: -3 * 86_400_000, leafNotAfterMs: -86_400_000 });
    const expiredLeaf = new X509Certificate(expired.leafCertPem);
    expect(() => verifyPinnedChain([expiredLeaf], "127.0.0.1", parseAnchors(expired.caCertPem), Date.now())).toThrow(
      expect.objectContaining({ code: "CERT_NOT_VALID_NOW" }),
    );
    const leaf = new X509Certificate(good.leafCertPem);
    expect(() => verifyPinnedChain([leaf], "127.0.0.1", parseAnchors(other.caCertPem), Date.now())).toThrow(
      expect.objectContaining({ code: "CERT_NOT_PINNED" }),
    );
    // A CA bundle with the right CA among others is fine.
    expect(() =>
      verifyPinnedChain([leaf], "127.0.0.1", parseAnchors(other.caCertPem + good.caCertPem), Date.now()),
    ).not.toThrow();
  });

  it("refuses an empty chain and a CA file that holds no certificate", () => {
    expect(() => verifyPinnedChain([], "127.0.0.1", parseAnchors(good.caCertPem), Date.now())).toThrow(
      PinnedCertificateError,
    );
    expect(() => parseAnchors("not a certificate")).toThrow(expect.objectContaining({ code: "CA_INVALID" }));
  });
});
