/**
 * Logging is allow-listed by construction: only the fields named in `allowedLogFields` ever reach
 * the injected logger, and only as numbers, booleans or short strings. Tokens, claims, bodies and
 * headers have no field to travel in.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogFields {
  method?: string;
  url?: string;
  status?: number;
  durationMs?: number;
  requestId?: string;
  attempt?: number;
  plane?: string;
  code?: string;
  count?: number;
  roleId?: string;
  kind?: string;
  outcome?: string;
  retryAfterMs?: number;
  step?: string;
}

export interface Logger {
  log(level: LogLevel, event: string, fields: LogFields): void;
}

export const allowedLogFields: readonly (keyof LogFields)[] = [
  "method",
  "url",
  "status",
  "durationMs",
  "requestId",
  "attempt",
  "plane",
  "code",
  "count",
  "roleId",
  "kind",
  "outcome",
  "retryAfterMs",
  "step",
];

export const silentLogger: Logger = { log: () => undefined };

/** One HTTP exchange as the `PIMKIT_DEBUG=api` trace prints it; the URL has no secrets in it. */
export interface TraceEvent {
  method: string;
  /** URL with sensitive query values replaced by `REDACTED`. */
  url: string;
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  status: number;
  durationMs: number;
  /** Our `client-request-id` for this attempt. */
  requestId: string;
  /** The service's request id (`request-id` / `x-ms-request-id`), when it sent one. */
  serviceRequestId: string | null;
  attempt: number;
  /** Set when the attempt failed without a response. */
  error?: string;
}

export type TraceHook = (event: TraceEvent) => void;

const sensitiveQuery =
  /^(code|token|access_token|id_token|refresh_token|claims|client_secret|code_verifier|sig|signature|\$skiptoken|skiptoken)$/i;

/** Drops the values of query parameters that could carry secrets, and any userinfo. */
export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "<invalid url>";
  }
  u.username = "";
  u.password = "";
  u.hash = "";
  for (const key of [...u.searchParams.keys()]) {
    if (sensitiveQuery.test(key)) u.searchParams.set(key, "REDACTED");
  }
  const text = u.toString();
  try {
    // Readable `$filter=principalId eq '…'` in traces; an odd escape keeps the encoded form.
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Keeps only allow-listed fields with primitive values; long strings are cut. */
export function sanitizeFields(fields: Record<string, unknown>): LogFields {
  const out: Record<string, string | number> = {};
  for (const key of allowedLogFields) {
    const v = fields[key];
    if (typeof v === "number" && Number.isFinite(v)) out[key] = v;
    else if (typeof v === "string") out[key] = v.length > 300 ? `${v.slice(0, 300)}…` : v;
  }
  return out as LogFields;
}

export function createSafeLogger(inner: Logger | undefined): Logger {
  if (!inner) return silentLogger;
  return {
    log(level, event, fields) {
      try {
        inner.log(level, event, sanitizeFields(fields as Record<string, unknown>));
      } catch {
        // A broken logger must never break an activation.
      }
    },
  };
}
