import { generate } from "selfsigned";

export interface EmulatorCertificates {
  /** The CA a client trusts for this emulator only (never a global trust store). */
  caCertPem: string;
  /** The server certificate, signed by the CA, for localhost / 127.0.0.1 / ::1. */
  leafCertPem: string;
  leafKeyPem: string;
}

/**
 * A fresh CA and leaf per emulator start, so nothing secret is ever committed and a leaked CA
 * is worthless after the process ends. EC P-256 keeps start-up in tens of milliseconds (tests
 * start many emulators); every client we care about (Node, undici, Chromium) accepts it.
 */
export async function generateCertificates(now: Date = new Date()): Promise<EmulatorCertificates> {
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
  const leaf = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { caCertPem: ca.cert, leafCertPem: leaf.cert, leafKeyPem: leaf.private };
}
