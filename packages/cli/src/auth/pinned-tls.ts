import { X509Certificate } from "node:crypto";
import { Agent, type AgentOptions, type RequestOptions } from "node:https";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import { connect, createSecureContext, type SecureContext } from "node:tls";

/**
 * TLS for a cloud that brings its own CA (a cloud file's `caCertPem`, such as the local tenant's):
 * the server's chain must lead to that CA and nothing else — certificate pinning.
 *
 * Node's own `ca` option would do the same check, but building any trust store in Node 20 first
 * parses the whole bundled root list (about 30 ms, once per process): a third of a short
 * command's own time. So the TLS context here holds no trust anchors at all, and the chain is
 * checked against the pinned CA in `verifyPinnedChain` when the handshake completes — before the
 * connection is handed to HTTP, so no byte of a request (no token) is ever written to a server
 * that failed the check. The handshake itself still proves the server holds the key of the
 * certificate it presented.
 *
 * The server's certificate must be issued by a CA of the cloud file (a file may hold several:
 * put an intermediate there to trust what it issues); Node 20 does not expose the rest of a
 * chain the server sends when the context holds no trust store.
 */

export class PinnedCertificateError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "PinnedCertificateError";
    this.code = code;
  }
}

const serverAuth = "1.3.6.1.5.5.7.3.1";

function validNow(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

/**
 * Checks a presented chain (leaf first) against pinned CAs for `host` at time `now`: every
 * certificate on the path is within its validity, each is signed by the next, the ones above
 * the leaf are CAs, the last one is signed by a pinned CA, and the leaf names the host.
 * Throws a `PinnedCertificateError` otherwise.
 */
export function verifyPinnedChain(
  chain: readonly X509Certificate[],
  host: string,
  anchors: readonly X509Certificate[],
  now: number,
): void {
  const leaf = chain[0];
  if (!leaf) throw new PinnedCertificateError("CERT_MISSING", "The server presented no certificate.");
  const named = isIP(host) ? leaf.checkIP(host) : leaf.checkHost(host, { subject: "never" });
  if (named === undefined) {
    throw new PinnedCertificateError("CERT_NAME_MISMATCH", `The server's certificate is not for ${host}.`);
  }
  // A leaf that restricts its extended key usage must allow serving TLS.
  if (leaf.keyUsage !== undefined && leaf.keyUsage.length > 0 && !leaf.keyUsage.includes(serverAuth)) {
    throw new PinnedCertificateError("CERT_BAD_USAGE", "The server's certificate is not for TLS servers.");
  }
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i] as X509Certificate;
    if (!validNow(cert, now)) {
      throw new PinnedCertificateError("CERT_NOT_VALID_NOW", "The server's certificate is expired or not yet valid.");
    }
    if (i > 0 && !cert.ca) {
      throw new PinnedCertificateError("CERT_BAD_CHAIN", "The server's certificate chain is not valid.");
    }
    const anchor = anchors.find((a) => cert.checkIssued(a) && cert.verify(a.publicKey));
    if (anchor) {
      if (!validNow(anchor, now)) {
        throw new PinnedCertificateError(
          "CERT_NOT_VALID_NOW",
          "The cloud's CA certificate is expired or not yet valid.",
        );
      }
      return;
    }
    const issuer = chain[i + 1];
    if (!issuer || !cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) break;
  }
  throw new PinnedCertificateError(
    "CERT_NOT_PINNED",
    "The server's certificate is not issued by the CA this cloud trusts.",
  );
}

/** Parses the PEM bundle of a cloud file's CA (one or more certificates). */
export function parseAnchors(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const anchors = blocks.map((b) => new X509Certificate(b));
  if (anchors.length === 0) throw new PinnedCertificateError("CA_INVALID", "The cloud's CA certificate is not PEM.");
  return anchors;
}

/**
 * A keep-alive agent whose connections are handed to HTTP only once the server's chain leads
 * to one of `anchors`.
 */
export class PinnedAgent extends Agent {
  private readonly context: SecureContext;

  constructor(
    private readonly anchors: readonly X509Certificate[],
    options: AgentOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    super({ keepAlive: true, ...options });
    // No trust anchors: an empty `ca` list skips Node's bundled roots (see above).
    this.context = createSecureContext({ ca: [] });
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? "localhost").replace(/^\[|\]$/g, "");
    const socket = connect({
      host,
      port: Number(options.port ?? 443),
      ...(isIP(host) ? {} : { servername: host }),
      secureContext: this.context,
      // The chain is checked below, against the pinned CA only.
      rejectUnauthorized: false,
      ALPNProtocols: ["http/1.1"],
    });
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      callback?.(err, socket);
    };
    socket.once("error", fail);
    socket.once("secureConnect", () => {
      try {
        const leaf = socket.getPeerX509Certificate();
        verifyPinnedChain(leaf ? [leaf] : [], host, this.anchors, this.now());
      } catch (e) {
        fail(e as Error);
        return;
      }
      settled = true;
      socket.removeListener("error", fail);
      callback?.(null, socket);
    });
    return undefined;
  }
}
