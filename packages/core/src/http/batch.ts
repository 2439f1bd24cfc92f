import { graphBatchLimit } from "@pimkit/contracts";
import { mergeClaims, parseClaimsChallenge } from "../claims";
import { mapLimit } from "../concurrency";
import { isPimError, PimError } from "../errors";
import type { Logger } from "../logger";
import type { Pipeline } from "./pipeline";
import { parseRetryAfter, recordHeaders } from "./retry-after";
import type { AuthSession } from "./tokens";
import { upstreamToError } from "./upstream";

export interface BatchItem {
  method: "GET" | "POST";
  /** Path relative to the Graph version root, starting with `/`. */
  path: string;
  body?: unknown;
  /** Token scopes this item needs (the outer request asks for the union). */
  scopes: readonly string[];
  /** Writes are never resent after an ambiguous failure without `reconcile` saying they did not land. */
  write?: boolean;
  reconcile?: (signal: AbortSignal | undefined) => Promise<BatchItemResult | undefined>;
  fallbackClaims?: string;
}

export interface BatchItemResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** True when the result came from reading back state after an ambiguous failure. */
  reconciled?: boolean;
}

export type BatchOutcome = { ok: true; result: BatchItemResult } | { ok: false; error: PimError };

export interface BatchOptions {
  graphBase: string;
  signal?: AbortSignal;
  maxAttempts: number;
  maxDelayMs: number;
  baseDelayMs: number;
  logger: Logger;
  /** Batches in flight at once. */
  concurrency?: number;
}

interface Pending {
  idx: number;
  item: BatchItem;
  failures: number;
  steppedUp: boolean;
  refreshed: boolean;
  lastError?: PimError;
}

/**
 * Graph JSON batching: 20 items per request, per-item outcomes, per-item 429 retried in a new
 * batch after the longest Retry-After, per-item claims challenges answered with ONE step-up for
 * all of them, writes reconciled before any resend. One item's failure never touches the others.
 */
export async function graphBatch(
  pipeline: Pipeline,
  session: AuthSession,
  items: BatchItem[],
  opts: BatchOptions,
): Promise<BatchOutcome[]> {
  const results: (BatchOutcome | undefined)[] = new Array(items.length).fill(undefined);
  let queue: Pending[] = items.map((item, idx) => ({ idx, item, failures: 0, steppedUp: false, refreshed: false }));
  const clock = pipeline.clock;
  while (queue.length > 0) {
    if (opts.signal?.aborted) {
      for (const p of queue)
        results[p.idx] = { ok: false, error: new PimError("aborted", "The operation was cancelled.") };
      break;
    }
    const next: Pending[] = [];
    // The claims this round's items are sent with (a step-up finished meanwhile covers them).
    const sentWith = session.claims;
    let waitMs = 0;
    let throttled = false;
    const challenges: string[] = [];
    const challengeScopes = new Set<string>();
    const chunks: Pending[][] = [];
    for (let i = 0; i < queue.length; i += graphBatchLimit) chunks.push(queue.slice(i, i + graphBatchLimit));

    const runChunk = async (chunk: Pending[]) => {
      const scopes = [...new Set(chunk.flatMap((p) => [...p.item.scopes]))];
      const hasWrite = chunk.some((p) => p.item.write);
      const requests = chunk.map((p) => ({
        id: String(p.idx + 1),
        method: p.item.method,
        url: p.item.path,
        ...(p.item.body !== undefined ? { headers: { "Content-Type": "application/json" }, body: p.item.body } : {}),
      }));
      let responses: { id: string; status: number; headers: Record<string, string>; body: unknown }[];
      try {
        const res = await pipeline.send(
          {
            method: "POST",
            url: `${opts.graphBase}/$batch`,
            plane: "graph",
            scopes,
            body: { requests },
            // The outer request itself is safe to repeat only when it carries no writes.
            write: hasWrite,
            ...(opts.signal ? { signal: opts.signal } : {}),
          },
          session,
        );
        responses = readResponses(res.body);
      } catch (e) {
        const err = isPimError(e) ? e : new PimError("network_error", "The batch request failed.", { cause: e });
        if (err.code === "ambiguous_write" || err.code === "malformed_response") {
          // The batch may have been applied in part: settle each write on its own.
          for (const p of chunk) await settleAmbiguous(p, err);
        } else {
          for (const p of chunk) results[p.idx] = { ok: false, error: err };
        }
        return;
      }
      const byId = new Map(responses.map((r) => [r.id, r]));
      for (const p of chunk) {
        const r = byId.get(String(p.idx + 1));
        if (!r) {
          await settleAmbiguous(p, new PimError("malformed_response", "The batch answer has no response for an item."));
          continue;
        }
        const headers = recordHeaders(r.headers);
        if (r.status === 429) {
          p.failures++;
          throttled = true;
          const ra = parseRetryAfter(headers, clock.now());
          waitMs = Math.max(waitMs, ra ?? backoff(opts, p.failures));
          p.lastError = upstreamToError(r.status, headers, r.body);
          requeue(p);
          continue;
        }
        if (r.status === 400 || r.status === 401 || r.status === 403) {
          const ch = parseClaimsChallenge(r.status, headers, r.body);
          const wanted = ch?.claims ?? (ch?.acrs ? p.item.fallbackClaims : undefined);
          if (ch && wanted) {
            if (p.steppedUp) {
              results[p.idx] = {
                ok: false,
                error: new PimError(
                  "auth_context_not_satisfied",
                  "The role still requires an authentication context after one additional sign-in.",
                  { upstream: upstreamToError(r.status, headers, r.body).upstream, claims: wanted },
                ),
              };
            } else {
              p.steppedUp = true;
              challenges.push(wanted);
              for (const s of p.item.scopes) challengeScopes.add(s);
              next.push(p);
            }
            continue;
          }
          if (r.status === 401 && !p.refreshed) {
            // The token lapsed between the outer check and this item: a fresh one next round.
            p.refreshed = true;
            pipeline.invalidateToken(scopes, session.claims);
            next.push(p);
            continue;
          }
        }
        if (r.status === 408 || r.status >= 500) {
          p.failures++;
          p.lastError = upstreamToError(r.status, headers, r.body);
          waitMs = Math.max(waitMs, parseRetryAfter(headers, clock.now()) ?? backoff(opts, p.failures));
          if (p.item.write) await settleAmbiguous(p, p.lastError);
          else requeue(p);
          continue;
        }
        results[p.idx] = { ok: true, result: { status: r.status, headers: r.headers ?? {}, body: r.body } };
      }
    };

    const requeue = (p: Pending) => {
      if (p.failures >= opts.maxAttempts) {
        const last = p.lastError ?? new PimError("throttled", "The service kept refusing the request.");
        results[p.idx] = {
          ok: false,
          error: new PimError(
            last.code,
            `${last.message} Gave up after retrying.`,
            last.upstream ? { upstream: last.upstream } : {},
          ),
        };
      } else next.push(p);
    };

    const settleAmbiguous = async (p: Pending, err: PimError) => {
      if (!p.item.write) {
        p.failures++;
        p.lastError = err;
        waitMs = Math.max(waitMs, backoff(opts, p.failures));
        requeue(p);
        return;
      }
      if (!p.item.reconcile) {
        results[p.idx] = {
          ok: false,
          error: new PimError(
            "ambiguous_write",
            "The request may or may not have been applied; it was not sent again.",
            {
              cause: err,
            },
          ),
        };
        return;
      }
      try {
        const found = await p.item.reconcile(opts.signal);
        if (found) {
          results[p.idx] = { ok: true, result: { ...found, reconciled: true } };
          return;
        }
      } catch (e) {
        results[p.idx] = {
          ok: false,
          error: new PimError("ambiguous_write", "The request may or may not have been applied, and checking failed.", {
            cause: e,
          }),
        };
        return;
      }
      p.failures++;
      p.lastError = err;
      waitMs = Math.max(waitMs, backoff(opts, p.failures));
      requeue(p);
    };

    // A pool, not waves: a slow batch never holds back the start of the next one.
    await mapLimit(chunks, Math.max(1, opts.concurrency ?? 4), runChunk);

    if (challenges.length > 0) {
      try {
        // One acquisition for every challenged item, whatever contexts they named.
        let merged: string | undefined;
        for (const c of challenges) merged = merged === undefined ? c : mergeTwo(merged, c);
        if (merged !== undefined) await session.react(merged, [...challengeScopes], opts.signal, sentWith);
      } catch (e) {
        const err = isPimError(e) ? e : new PimError("step_up_failed", "The additional sign-in did not complete.");
        for (const p of next)
          if (p.steppedUp && results[p.idx] === undefined) results[p.idx] = { ok: false, error: err };
        queue = next.filter((p) => results[p.idx] === undefined);
        continue;
      }
    }
    queue = next.filter((p) => results[p.idx] === undefined);
    if (queue.length > 0 && waitMs > 0) {
      if (waitMs > opts.maxDelayMs) {
        for (const p of queue) {
          const err = p.lastError ?? new PimError("throttled", "The service asked to wait too long.");
          results[p.idx] = {
            ok: false,
            error: new PimError(
              err.code,
              `${err.message} The service asked to wait ${Math.round(waitMs / 1000)} s.`,
              err.upstream ? { upstream: err.upstream, retryAfterMs: waitMs } : { retryAfterMs: waitMs },
            ),
          };
        }
        break;
      }
      opts.logger.log("info", "batch-retry", {
        count: queue.length,
        retryAfterMs: waitMs,
        code: throttled ? "throttled" : "transient",
      });
      try {
        await clock.sleep(waitMs, opts.signal);
      } catch {
        for (const p of queue)
          results[p.idx] = { ok: false, error: new PimError("aborted", "The operation was cancelled.") };
        break;
      }
    }
  }
  return results.map(
    (r) => r ?? { ok: false as const, error: new PimError("upstream_error", "The batch item has no outcome.") },
  );
}

function mergeTwo(a: string, b: string): string {
  return mergeClaims(a, b) ?? b;
}

function backoff(opts: BatchOptions, failures: number): number {
  return Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, failures - 1));
}

function readResponses(
  body: unknown,
): { id: string; status: number; headers: Record<string, string>; body: unknown }[] {
  const responses = typeof body === "object" && body !== null ? (body as { responses?: unknown }).responses : undefined;
  if (!Array.isArray(responses)) throw new PimError("malformed_response", "The batch answer has no `responses` array.");
  return responses.flatMap((r) => {
    if (typeof r !== "object" || r === null) return [];
    const o = r as Record<string, unknown>;
    if (typeof o.id !== "string" || typeof o.status !== "number") return [];
    const headers: Record<string, string> = {};
    if (typeof o.headers === "object" && o.headers !== null) {
      for (const [k, v] of Object.entries(o.headers as Record<string, unknown>)) {
        if (typeof v === "string" || typeof v === "number") headers[k] = String(v);
      }
    }
    return [{ id: o.id, status: o.status, headers, body: o.body }];
  });
}
