/** Small helpers the sign-in surface shares: encodings, randomness, request parameters, CORS. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { EmuRequest, EmuResponse } from "../http/types";

export function base64url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64url");
}

/** An unguessable opaque string (codes, refresh tokens, transaction ids). */
export function randomToken(bytes = 32): string {
  return base64url(randomBytes(bytes));
}

export function sha256Base64url(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64url");
}

/** Constant-time comparison of two strings (PKCE, CSRF). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return guidPattern.test(value);
}

/**
 * The parameters of a request: the query for GET, the form body for POST (Entra accepts the
 * authorize parameters either way; the token endpoint reads only the body).
 */
export function formParams(req: EmuRequest): URLSearchParams {
  const type = req.headers["content-type"] ?? "";
  if (req.method === "POST" && type.toLowerCase().includes("application/x-www-form-urlencoded")) {
    return new URLSearchParams(req.text());
  }
  return new URLSearchParams();
}

export function requestParams(req: EmuRequest): URLSearchParams {
  if (req.method === "POST") return formParams(req);
  return req.url.searchParams;
}

/** Cookie header → map (first value wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** The answer to a CORS preflight on the endpoints a single-page app calls. */
export function preflight(req: EmuRequest, methods: string): EmuResponse {
  return {
    status: 204,
    headers: {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": methods,
      "Access-Control-Allow-Headers": req.headers["access-control-request-headers"] ?? "content-type",
      "Access-Control-Max-Age": "86400",
    },
  };
}

export function withCors(res: EmuResponse): EmuResponse {
  res.headers = {
    ...(res.headers ?? {}),
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "client-request-id, x-ms-request-id",
  };
  return res;
}

/** `2024-05-01 10:11:12Z`, the timestamp format of Entra's error bodies. */
export function entraTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace("T", " ")}Z`;
}
