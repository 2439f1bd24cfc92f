/**
 * Fault injection contract (implemented in `http/fault-injector.ts`). Faults match on method and a
 * path regex; they apply to HTTP requests, and the Graph `$batch` surface asks for per-item faults
 * (`inBatch: true`) so that one item can be throttled while the outer response is 200.
 */
export type FaultKind =
  | "status" // answer `status` with `retryAfter` / body (429, 503, ...)
  | "reset" // destroy the connection without an answer (in-process fetch: TypeError)
  | "hang" // never answer (until the client gives up or the emulator closes)
  | "truncate" // answer the real response cut in the middle of its JSON body
  | "latency"; // add `latencyMs` before answering

export interface FaultSpec {
  kind: FaultKind;
  /** Upper-case method to match; any when absent. */
  method?: string;
  /** Regular expression (source) tested against the path (+ `?query`); any when absent. */
  path?: string;
  /** Match only inside `$batch` (true), only outside (false), or both (absent). */
  inBatch?: boolean;
  status?: number;
  /** Retry-After header value as sent: "2", "0.5", or an HTTP-date. */
  retryAfter?: string;
  /** Body for `status` faults; a Graph/ARM-shaped error is made when absent. */
  body?: unknown;
  latencyMs?: number;
  /** How many matching requests this fault applies to; unlimited when absent. */
  times?: number;
  /** Skip this many matching requests first. */
  after?: number;
  /** Probability in [0,1] per matching request (seeded, reproducible). */
  probability?: number;
  /**
   * `reset` / `hang` only: let the request reach its surface first (a write takes effect), then
   * drop or stall the connection — the ambiguous failure a client must not answer by resending.
   */
  afterHandling?: boolean;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  /** Matching requests seen so far (including skipped ones). */
  seen: number;
  /** Times it fired. */
  fired: number;
}

export interface FaultInjector {
  add(spec: FaultSpec): ActiveFault;
  remove(id: string): void;
  clear(): void;
  list(): ActiveFault[];
  /** The fault to apply to this request, if any (counts it as seen/fired). */
  pick(method: string, pathAndQuery: string, inBatch: boolean): ActiveFault | undefined;
}

export interface RequestLogEntry {
  seq: number;
  time: string;
  requestId: string;
  surface: "entra" | "graph" | "arm" | "admin" | "portal" | "other";
  method: string;
  path: string;
  query: Record<string, string>;
  /** Selected headers, with Authorization reduced to its scheme and a token fingerprint. */
  headers: Record<string, string>;
  /** Parsed body with secrets (codes, tokens, verifiers, client secrets, claims values) redacted. */
  body?: unknown;
  status: number;
  durationMs: number;
  /** Set on Graph `$batch` items: the outer request's id, and the item's id. */
  batch?: { requestId: string; itemId: string };
  /** oid of the caller, when the request carried a valid token. */
  callerOid?: string;
  /** Authentication contexts requested by a sign-in request (ids only; never the claims text). */
  acrsRequested?: string[];
  /** Fault applied, if any. */
  fault?: string;
}

export interface RequestLog {
  record(entry: Omit<RequestLogEntry, "seq" | "time">): RequestLogEntry;
  entries(): RequestLogEntry[];
  clear(): void;
}
