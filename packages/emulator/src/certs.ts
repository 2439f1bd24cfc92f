import { generate } from "selfsigned";

export interface EmulatorCertificates {
  /** The CA a client trusts for this emulator only (never a global trust store). */
  caCertPem: string;
  /** The server certificate, signed by the CA, for localhost / 127.0.0.1 / ::1. */
  leafCertPem: string;
  leafKeyPem: string;
}

export interface CertificateOptions {
  /** Reference time (default now). */
  now?: Date;
  /** DNS names and IP addresses of the leaf (default localhost, 127.0.0.1, ::1). */
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Validity of the leaf relative to `now`, in ms (default from 1 hour before to 30 days after). */
  leafNotBeforeMs?: number;
  leafNotAfterMs?: number;
}

/**
 * A fresh CA and leaf per emulator start, so nothing secret is ever committed and a leaked CA
 * is worthless after the process ends. EC P-256 keeps start-up in tens of milliseconds (tests
 * start many emulators); every client we care about (Node, undici, Chromium) accepts it. The
 * options serve tests of TLS clients (other names, a leaf out of its validity).
 */
export async function generateCertificates(o: CertificateOptions = {}): Promise<EmulatorCertificates> {
  const now = o.now ?? new Date();
  // Back-dated an hour so a client whose clock is slightly behind still accepts the chain.
  const notBeforeDate = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfterDate = new Date(now.getTime() + 30 * 24 * 60 * 60 * 1000);
  const ca = await generate([{ name: "commonName", value: "pimkit local tenant CA (generated at start)" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const dnsNames = o.dnsNames ?? ["localhost"];
  const ipAddresses = o.ipAddresses ?? ["127.0.0.1", "::1"];
  const leaf = await generate([{ name: "commonName", value: dnsNames[0] ?? ipAddresses[0] ?? "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: o.leafNotBeforeMs !== undefined ? new Date(now.getTime() + o.leafNotBeforeMs) : notBeforeDate,
    notAfterDate: o.leafNotAfterMs !== undefined ? new Date(now.getTime() + o.leafNotAfterMs) : notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          ...dnsNames.map((value) => ({ type: 2 as const, value })),
          ...ipAddresses.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { caCertPem: ca.cert, leafCertPem: leaf.cert, leafKeyPem: leaf.private };
}
