import { createHash } from "node:crypto";

/**
 * Name-based GUIDs (RFC 4122 version 5: SHA-1 over a namespace and a name), so a scenario that
 * leaves ids out gets the same ids on every load and every machine. Names are lower-cased first
 * because scenario references are case-insensitive, as Entra's are.
 */
const NAMESPACE = Buffer.from("6f1c7a0e2b7d4c4e9a35d1b0c8e2f417", "hex");

export function stableGuid(...parts: string[]): string {
  const hash = createHash("sha1")
    .update(NAMESPACE)
    .update(parts.map((p) => p.toLowerCase()).join("\u0000"))
    .digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(s: string): boolean {
  return GUID_RE.test(s);
}
