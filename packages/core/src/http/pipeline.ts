import type { Cloud } from "@pimkit/contracts";
import { onAbort } from "../abort";
import { parseClaimsChallenge } from "../claims";
import type { FetchLike, HeaderLookup, HttpResponseLike } from "../client-types";
import type { Clock } from "../clock";
import { isAbortError, isPimError, PimError } from "../errors";
import { type Logger, redactUrl, silentLogger, type TraceHook } from "../logger";
import { parseRetryAfter } from "./retry-after";
import type { AuthSession, TokenPlane, TokenProvider } from "./tokens";
import { upstreamToError } from "./upstream";

export type FetchFn = FetchLike;

/** What one logical request needs; the pipeline does the rest (ids, auth, retry, parsing). */
export interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  plane: TokenPlane;
  scopes: readonly string[];
  body?: unknown;
  /**
   * A write that must not be sent twice. After an ambiguous failure (no answer, timeout, 5xx,
   * unreadable body) the pipeline calls `reconcile` before any resend: a result means the first
   * attempt took effect (use it); undefined means it did not (resend is safe).
   */
  write?: boolean;
  reconcile?: (signal: AbortSignal | undefined) => Promise<HttpResult | undefined>;
  /** Claims to ask for when a refusal names an authentication context but carries no claims. */
  fallbackClaims?: string;
  /** Leave claims challenges to the caller (Graph `$batch` items are handled by the batcher). */
  noChallengeHandling?: boolean;
  signal?: AbortSignal;
}

export interface HttpResult {
  status: number;
  headers: HeaderLookup;
  /** Parsed JSON body (undefined when empty). */
  body: unknown;
  /** The service's request id. */
  requestId: string | null;
  /** True when the result came from reconciliation rather than the write itself. */
  reconciled?: boolean;
}

export interface PipelineConfig {
  cloud: Cloud;
  fetch: FetchFn;
  clock: Clock;
  logger: Logger;
  trace?: TraceHook;
  tokens: TokenProvider;
  userAgent: string;
  maxAttempts: number;
  maxRetryTimeMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  attemptTimeoutMs: number;
  maxResponseBytes: number;
  random: () => number;
  newGuid: () => string;
}

/** Named steps, in the order a request passes them (reported in logs as `step`). */
export const pipelineSteps = [
  "request-id",
  "user-agent",
  "bearer-auth",
  "retry",
  "transport",
  "error-parsing",
] as const;

/** Raised inside the transport step when a response arrived but its body is not usable JSON. */
class MalformedBody extends Error {}

export class Pipeline {
  constructor(private readonly cfg: PipelineConfig) {}

  get clock(): Clock {
    return this.cfg.clock;
  }

  /** Drops a cached token the service refused (per-item 401 inside `$batch`). */
  invalidateToken(scopes: readonly string[], claims: string | undefined): void {
    this.cfg.tokens.invalidate(scopes, claims);
  }

  /** Sends and returns a 2xx result; any other outcome is a `PimError`. */
  async send(spec: RequestSpec, session: AuthSession): Promise<HttpResult> {
    const res = await this.sendRaw(spec, session);
    if (res.status >= 200 && res.status < 300) return res;
    throw upstreamToError(res.status, res.headers, res.body);
  }

  /**
   * Sends with retries, auth refresh and step-up, and returns the final response whatever its
   * status (callers that classify 4xx themselves use this).
   */
  async sendRaw(spec: RequestSpec, session: AuthSession): Promise<HttpResult> {
    this.checkUrl(spec.url, spec.plane);
    const started = this.cfg.clock.now();
    let attempt = 0;
    let refreshed = false;
    let steppedUp = false;
    let transientFailures = 0;
    for (;;) {
      if (spec.signal?.aborted) throw new PimError("aborted", "The operation was cancelled.");
      attempt++;
      const claims = session.claims;
      let res: HttpResult;
      try {
        const token = await this.cfg.tokens.get(spec.scopes, claims, spec.signal);
        res = await this.transport(spec, token, attempt);
      } catch (e) {
        if (isPimError(e) && !isAmbiguousTransport(e)) throw e;
        // No usable answer: network error, timeout, truncated body.
        const err = isPimError(e)
          ? e
          : new PimError("network_error", "The request failed before an answer.", { cause: e });
        transientFailures++;
        const found = await this.waitThenSettle(spec, err, undefined, started, transientFailures);
        if (found) return found;
        continue;
      }
      const { status } = res;
      if ((status === 400 || status === 401 || status === 403) && !spec.noChallengeHandling) {
        const challenge = parseClaimsChallenge(status, res.headers, res.body);
        const claimsWanted = challenge?.claims ?? (challenge?.acrs ? spec.fallbackClaims : undefined);
        if (challenge && claimsWanted) {
          if (steppedUp) {
            throw new PimError(
              "auth_context_not_satisfied",
              "The role still requires an authentication context after one additional sign-in.",
              { upstream: upstreamToError(status, res.headers, res.body).upstream, claims: claimsWanted },
            );
          }
          steppedUp = true;
          this.cfg.logger.log("info", "step-up", { status, plane: spec.plane, step: "bearer-auth" });
          await session.react(claimsWanted, spec.scopes, spec.signal, claims);
          continue;
        }
      }
      if (status === 401 && !refreshed) {
        // Expired or revoked token (e.g. it lapsed mid-batch): the request was refused, not run.
        refreshed = true;
        this.cfg.tokens.invalidate(spec.scopes, claims);
        continue;
      }
      if (status === 429 || status === 408 || status >= 500) {
        const err = upstreamToError(status, res.headers, res.body);
        const retryAfter = parseRetryAfter(res.headers, this.cfg.clock.now());
        transientFailures++;
        // A 429 is a refusal; anything else from a write may or may not have been applied.
        if (status === 429 || !spec.write) {
          await this.beforeRetry(spec, err, retryAfter, started, transientFailures);
          continue;
        }
        const found = await this.waitThenSettle(spec, err, retryAfter, started, transientFailures);
        if (found) return found;
        continue;
      }
      return res;
    }
  }

  /**
   * After an ambiguous failure: wait as for any retry, then (writes) read back before a resend.
   * When retries are used up, a write is still read back once so an applied one is reported as such.
   */
  private async waitThenSettle(
    spec: RequestSpec,
    err: PimError,
    retryAfterMs: number | undefined,
    started: number,
    failures: number,
  ): Promise<HttpResult | undefined> {
    if (!spec.write) {
      await this.beforeRetry(spec, err, retryAfterMs, started, failures);
      return undefined;
    }
    try {
      await this.beforeRetry(spec, err, retryAfterMs, started, failures);
    } catch (e) {
      if (isPimError(e) && e.code === "aborted") throw e;
      const found = spec.reconcile ? await this.reconcile(spec, err) : undefined;
      if (found) return found;
      throw e;
    }
    return this.reconcile(spec, err);
  }

  /** Waits before the next attempt, or throws when attempts or time are used up. */
  private async beforeRetry(
    spec: RequestSpec,
    err: PimError,
    retryAfterMs: number | undefined,
    started: number,
    failures: number,
  ): Promise<void> {
    const { maxAttempts, maxRetryTimeMs, baseDelayMs, maxDelayMs } = this.cfg;
    if (failures >= maxAttempts) throw this.exhausted(err, retryAfterMs);
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (failures - 1));
    // Full jitter on exponential backoff; a server-given Retry-After is honoured as is.
    const delay =
      retryAfterMs !== undefined ? retryAfterMs : Math.round(backoff / 2 + (this.cfg.random() * backoff) / 2);
    if (delay > maxDelayMs || this.cfg.clock.now() + delay - started > maxRetryTimeMs)
      throw this.exhausted(err, retryAfterMs);
    this.cfg.logger.log("info", "retry", {
      method: spec.method,
      url: redactUrl(spec.url),
      code: err.code,
      attempt: failures,
      retryAfterMs: delay,
      step: "retry",
    });
    try {
      await this.cfg.clock.sleep(delay, spec.signal);
    } catch (e) {
      throw new PimError("aborted", "The operation was cancelled.", { cause: e });
    }
  }

  private exhausted(err: PimError, retryAfterMs: number | undefined): PimError {
    return new PimError(err.code, `${err.message} Gave up after retrying.`, {
      ...(err.upstream ? { upstream: err.upstream } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      cause: err,
    });
  }

  private async reconcile(spec: RequestSpec, err: PimError): Promise<HttpResult | undefined> {
    if (!spec.reconcile) {
      throw new PimError("ambiguous_write", "The request may or may not have been applied; it was not sent again.", {
        ...(err.upstream ? { upstream: err.upstream } : {}),
        cause: err,
      });
    }
    let found: HttpResult | undefined;
    try {
      found = await spec.reconcile(spec.signal);
    } catch (e) {
      throw new PimError(
        "ambiguous_write",
        "The request may or may not have been applied, and checking failed; it was not sent again.",
        { cause: e },
      );
    }
    this.cfg.logger.log("info", "reconciled", {
      url: redactUrl(spec.url),
      outcome: found ? "found" : "absent",
      step: "retry",
    });
    return found ? { ...found, reconciled: true } : undefined;
  }

  private checkUrl(url: string, plane: TokenPlane): void {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new PimError("insecure_url", "Refusing to send a token to an invalid URL.");
    }
    if (u.protocol !== "https:") throw new PimError("insecure_url", `Refusing to send a token over ${u.protocol}.`);
    const base = new URL(plane === "graph" ? this.cfg.cloud.graphEndpoint : this.cfg.cloud.armEndpoint);
    const prefix = base.pathname.replace(/\/+$/, "");
    if (u.origin !== base.origin || !(u.pathname === prefix || u.pathname.startsWith(`${prefix}/`))) {
      throw new PimError("untrusted_host", `Refusing to send a ${plane} token to ${u.origin}.`);
    }
  }

  private async transport(spec: RequestSpec, token: string, attempt: number): Promise<HttpResult> {
    const clientRequestId = this.cfg.newGuid();
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: `Bearer ${token}`,
      "User-Agent": this.cfg.userAgent,
    };
    if (spec.plane === "graph") headers["client-request-id"] = clientRequestId;
    else headers["x-ms-client-request-id"] = clientRequestId;
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers["Content-Type"] = "application/json";
    }
    const controller = new AbortController();
    const stopListening = onAbort(spec.signal, () => controller.abort(spec.signal?.reason));
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Per-attempt timeout on real time: a hung connection must end even when the clock is fake.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
        reject(new PimError("timeout", `No answer within ${this.cfg.attemptTimeoutMs} ms.`));
      }, this.cfg.attemptTimeoutMs);
    });
    const t0 = this.cfg.clock.now();
    const startedReal = Date.now();
    // Redacting the URL costs a parse: only when something will read it.
    const observed = this.cfg.trace !== undefined || this.cfg.logger !== silentLogger;
    const traceBase = {
      method: spec.method,
      url: observed ? redactUrl(spec.url) : "",
      requestId: clientRequestId,
      attempt,
    };
    try {
      const exchange = (async () => {
        const res = await this.cfg.fetch(spec.url, {
          method: spec.method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: controller.signal,
          redirect: "error",
        });
        const text = await readLimited(res, this.cfg.maxResponseBytes);
        return { res, text };
      })();
      // The losing promise of the race must not surface as an unhandled rejection.
      exchange.catch(() => undefined);
      const { res, text } = await Promise.race([exchange, timeout]);
      const serviceRequestId = res.headers.get("request-id") ?? res.headers.get("x-ms-request-id");
      const durationMs = Math.max(this.cfg.clock.now() - t0, Date.now() - startedReal);
      let parsed: unknown;
      let malformed: unknown;
      if (text.trim().length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          if (res.status >= 200 && res.status < 300) malformed = e;
          parsed = undefined;
        }
      }
      this.cfg.trace?.({
        ...traceBase,
        status: res.status,
        durationMs,
        serviceRequestId,
        ...(malformed !== undefined ? { error: "malformed_response" } : {}),
      });
      this.cfg.logger.log("debug", "http", { ...traceBase, status: res.status, durationMs, step: "transport" });
      if (malformed !== undefined) throw new MalformedBody("unparseable", { cause: malformed });
      return { status: res.status, headers: res.headers, body: parsed, requestId: serviceRequestId };
    } catch (e) {
      const durationMs = Date.now() - startedReal;
      let err: PimError;
      if (e instanceof MalformedBody) {
        // Already traced with its status.
        throw new PimError("malformed_response", "The service's answer was not valid JSON (truncated or corrupted).", {
          cause: e,
        });
      }
      if (isPimError(e)) err = e;
      else if (timedOut)
        err = new PimError("timeout", `No answer within ${this.cfg.attemptTimeoutMs} ms.`, { cause: e });
      else if (spec.signal?.aborted || isAbortError(e))
        err = new PimError("aborted", "The operation was cancelled.", { cause: e });
      else err = new PimError("network_error", "The connection failed before an answer arrived.", { cause: e });
      this.cfg.trace?.({ ...traceBase, status: 0, durationMs, serviceRequestId: null, error: err.code });
      throw err;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      stopListening();
    }
  }
}

function isAmbiguousTransport(e: PimError): boolean {
  return e.code === "network_error" || e.code === "timeout" || e.code === "malformed_response";
}

async function readLimited(res: HttpResponseLike, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new PimError("response_too_large", `The answer is larger than ${maxBytes} bytes.`);
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done || !value) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PimError("response_too_large", `The answer is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
