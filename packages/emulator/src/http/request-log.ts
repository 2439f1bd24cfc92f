import { createHash } from "node:crypto";
import type { Clock } from "../clock";
import type { RequestLog, RequestLogEntry } from "./faults";

/** Body and query keys whose values are credentials (or carry them) and never enter the log. */
const secretKeys = new Set([
  "code",
  "code_verifier",
  "refresh_token",
  "access_token",
  "id_token",
  "client_secret",
  "client_assertion",
  "device_code",
  "claims",
  "password",
  "authorization",
  "assertion",
  // One-time values of the sign-in pages' forms: replaying them could finish someone's sign-in.
  "csrf",
  "transaction",
  "user_code",
]);

/** Headers worth keeping: enough to see what a client sent without recording anything secret. */
const loggedHeaders = ["authorization", "content-type", "client-request-id", "origin", "user-agent", "retry-after"];

export const redacted = "<redacted>";

/** Longest body text kept for a body that is neither JSON nor a form. */
const maxTextBody = 4096;

export interface RequestLogOptions {
  clock: Clock;
  /** Oldest entries are dropped past this many (long benchmark runs must not grow without bound). */
  capacity?: number;
}

export interface RequestLogStore extends RequestLog {
  /** Entries with `seq` greater than `since`. */
  since(since: number): RequestLogEntry[];
}

export function createRequestLog(options: RequestLogOptions): RequestLogStore {
  const capacity = options.capacity ?? 50_000;
  let buffer: RequestLogEntry[] = [];
  let seq = 0;
  return {
    record(entry) {
      seq += 1;
      const full: RequestLogEntry = { seq, time: options.clock.now().toISOString(), ...entry };
      buffer.push(full);
      // Dropping in chunks keeps record() O(1) amortised instead of shifting on every call.
      if (buffer.length > capacity + Math.max(1, Math.floor(capacity / 10))) buffer = buffer.slice(-capacity);
      return full;
    },
    entries() {
      return buffer.length > capacity ? buffer.slice(-capacity) : buffer.slice();
    },
    since(since) {
      const all = buffer.length > capacity ? buffer.slice(-capacity) : buffer;
      return all.filter((e) => e.seq > since);
    },
    clear() {
      buffer = [];
    },
  };
}

/** `Bearer <redacted:1a2b3c4d>`: the fingerprint lets a reader tell tokens apart without seeing one. */
export function redactAuthorization(value: string): string {
  const space = value.indexOf(" ");
  const scheme = space > 0 ? value.slice(0, space) : "";
  const credential = space > 0 ? value.slice(space + 1).trim() : value;
  const fingerprint = createHash("sha256").update(credential).digest("hex").slice(0, 8);
  return `${scheme ? `${scheme} ` : ""}<redacted:${fingerprint}>`;
}

export function selectHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of loggedHeaders) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name] = name === "authorization" ? redactAuthorization(value) : value;
  }
  return out;
}

export function redactQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) {
    const safe = secretKeys.has(key.toLowerCase()) ? redacted : value;
    out[key] = out[key] === undefined ? safe : `${out[key]},${safe}`;
  }
  return out;
}

/** Deep copy with every secret key's value replaced, at any depth (`$batch` bodies nest requests). */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 32) return redacted;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = secretKeys.has(k.toLowerCase()) ? redacted : redactValue(v, depth + 1);
    }
    return out;
  }
  return value;
}

function formToObject(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    out[key] = out[key] === undefined ? value : `${out[key]},${value}`;
  }
  return out;
}

/** The request body as it should appear in the log: parsed when JSON or a form, secrets removed. */
export function loggableBody(contentType: string | undefined, text: string): unknown {
  if (text.length === 0) return undefined;
  const type = (contentType ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded")) return redactValue(formToObject(text));
  if (type.includes("json") || /^\s*[[{]/.test(text)) {
    try {
      return redactValue(JSON.parse(text));
    } catch {
      // Malformed JSON is logged as text: a client bug is easier to see that way.
    }
  }
  // Unknown text could hold anything; a form-looking body still gets its secret keys removed.
  if (/^[\w.-]+=/.test(text)) return redactValue(formToObject(text));
  return text.length > maxTextBody ? `${text.slice(0, maxTextBody)}…` : text;
}

/**
 * Context ids (`c1`) a sign-in asked for in its `claims` parameter, so tests can count step-ups
 * without the claims text itself ever being stored.
 */
export function requestedAcrs(...claimsValues: Array<string | undefined>): string[] | undefined {
  const found = new Set<string>();
  for (const raw of claimsValues) {
    if (!raw) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      continue;
    }
    const acrs = pick(pick(parsed, "access_token"), "acrs");
    const single = pick(acrs, "value");
    const many = pick(acrs, "values");
    if (typeof single === "string") found.add(single);
    if (Array.isArray(many)) for (const v of many) if (typeof v === "string") found.add(v);
  }
  return found.size > 0 ? [...found] : undefined;
}

function pick(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
