/**
 * The emulator's token signing key: RS256, generated at start (nothing secret is ever stored),
 * published as a JWKS. A second, unpublished key signs forged tokens for negative tests; it
 * carries the same `kid`, so only a real signature check tells them apart.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";

export interface SigningKeys {
  kid: string;
  publicKey: CryptoKey;
  publicJwk: JWK;
  sign(payload: JWTPayload, options?: { forge?: boolean }): Promise<string>;
}

type KeyPair = { publicKey: CryptoKey; privateKey: CryptoKey };

// RSA key generation takes a few hundred milliseconds; one spare pair is made in the background
// so the next emulator of this process starts without waiting. Every emulator still gets its own.
let spare: Promise<KeyPair> | undefined;

function generate(): Promise<KeyPair> {
  return generateKeyPair("RS256", { extractable: true });
}

function takeKeyPair(): Promise<KeyPair> {
  const next = spare ?? generate();
  spare = generate();
  // A spare nobody takes must not surface as an unhandled rejection.
  spare.catch(() => undefined);
  return next;
}

export async function createSigningKeys(): Promise<SigningKeys> {
  const { publicKey, privateKey } = await takeKeyPair();
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  const publicJwk: JWK = { kty: "RSA", use: "sig", kid, x5t: kid, n: exported.n, e: exported.e, alg: "RS256" };
  let forgeKey: Promise<CryptoKey> | undefined;
  const forger = () => {
    forgeKey ??= takeKeyPair().then((pair) => pair.privateKey);
    return forgeKey;
  };
  return {
    kid,
    publicKey,
    publicJwk,
    async sign(payload, options) {
      const key = options?.forge ? await forger() : privateKey;
      return new SignJWT(payload).setProtectedHeader({ typ: "JWT", alg: "RS256", kid, x5t: kid }).sign(key);
    },
  };
}
