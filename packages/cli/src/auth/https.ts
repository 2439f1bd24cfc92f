import type { IncomingMessage } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { createSecureContext } from "node:tls";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import type { Cloud } from "@pimkit/contracts";
import type { ByteStreamLike, HttpResponseLike } from "@pimkit/core";
import { PinnedAgent, parseAnchors } from "./pinned-tls";

/**
 * The CLI's one HTTP transport, on `node:https` for every request (sign-in, Graph, ARM):
 * - TLS trust: a cloud that brings its own CA (the local tenant's cloud file) is trusted for that
 *   cloud's hosts only, and only that CA is trusted there (pinned, see pinned-tls.ts); every other
 *   URL uses the platform's normal trust. No global TLS setting is ever changed.
 * - Connections are kept alive and reused within a run.
 * - The WHATWG fetch stack (undici) is never loaded: it costs a short command a large share of
 *   its start-up time, and the core needs only a status, a header lookup and a body stream.
 * Redirects are not followed (the core sends with `redirect: "error"`; a 3xx is an answer it
 * refuses like any other non-success).
 */

export interface SignInTraceEvent {
  method: string;
  url: string;
  status: number;
  durationMs: number;
  error?: string;
}

export interface TransportRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  redirect?: "error";
}

export interface TransportResponse extends HttpResponseLike {
  readonly ok: boolean;
  /** The whole body as text (at most `maxTextBytes`). */
  text(): Promise<string>;
  /** The whole body parsed as JSON. */
  json(): Promise<unknown>;
}

export type TransportFetch = (url: string, init?: TransportRequestInit) => Promise<TransportResponse>;

/** Upper bound on a body read whole by `text()` / `json()` (the core reads with its own limit). */
export const maxTextBytes = 32 * 1024 * 1024;

export function cloudOrigins(cloud: Cloud): Set<string> {
  const out = new Set<string>();
  for (const u of [cloud.authorityHost, cloud.graphEndpoint, cloud.armEndpoint, cloud.portalUrl]) {
    if (!u) continue;
    try {
      out.add(new URL(u).origin);
    } catch {
      // validated when the cloud was read
    }
  }
  return out;
}

function abortReason(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const e = new Error("The operation was aborted.");
  e.name = "AbortError";
  return e;
}

function headerRecord(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}

/**
 * The body of an answer as the core's chunked stream: chunks are taken one at a time (the
 * response is paused between reads, so a large body is not buffered ahead of its reader), and
 * `cancel` drops the connection.
 */
function byteStream(res: IncomingMessage): ByteStreamLike {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  res.on("data", (chunk: Buffer) => {
    queue.push(chunk);
    res.pause();
    notify();
  });
  res.on("end", () => {
    ended = true;
    notify();
  });
  res.on("error", (e: Error) => {
    failure ??= e;
    notify();
  });
  res.on("close", () => {
    if (!ended) failure ??= new Error("The connection closed before the answer was complete.");
    notify();
  });
  const cancel = async () => {
    res.destroy();
  };
  const read = async (): Promise<{ done: boolean; value?: Uint8Array }> => {
    for (;;) {
      const chunk = queue.shift();
      if (chunk) return { done: false, value: chunk };
      if (failure) throw failure;
      if (ended) return { done: true };
      const arrived = new Promise<void>((resolve) => {
        wake = resolve;
      });
      res.resume();
      await arrived;
    }
  };
  return { getReader: () => ({ read, cancel }), cancel };
}

async function readAll(stream: ByteStreamLike, limit: number): Promise<Buffer> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done || !value) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new Error(`The answer is larger than ${limit} bytes.`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}

function send(
  agent: Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const req = httpsRequest(url, { method, headers, agent, ...(signal ? { signal } : {}) }, resolve);
    req.on("error", reject);
    req.end(body);
  });
}

function toResponse(res: IncomingMessage, method: string): TransportResponse {
  const status = res.statusCode ?? 0;
  const headers = headerRecord(res);
  const noBody = status === 204 || status === 304 || method === "HEAD";
  if (noBody) res.resume();
  const body = noBody ? null : byteStream(res);
  let consumed = false;
  const whole = async (): Promise<Buffer> => {
    if (consumed) throw new TypeError("The body has already been read.");
    consumed = true;
    return body ? readAll(body, maxTextBytes) : Buffer.alloc(0);
  };
  const text = async () => (await whole()).toString("utf8");
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: (name) => headers[name.toLowerCase()] ?? null },
    body,
    text,
    json: async () => JSON.parse(await text()) as unknown,
  };
}

export interface CloudTransport {
  fetch: TransportFetch;
  networkClient: INetworkModule;
  close(): void;
}

/**
 * One transport per cloud: the core's `fetch` and MSAL's `INetworkModule` for sign-in, both
 * trusting the cloud's CA for the cloud's hosts only.
 */
export function createCloudTransport(cloud: Cloud, trace?: (e: SignInTraceEvent) => void): CloudTransport {
  const origins = cloudOrigins(cloud);
  // A cloud with its own CA: that CA only, pinned (see pinned-tls.ts).
  const pinnedAgent = cloud.caCertPem ? new PinnedAgent(parseAnchors(cloud.caCertPem)) : undefined;
  let publicAgent: Agent | undefined;
  const agentFor = (url: string): Agent => {
    let origin: string | undefined;
    try {
      origin = new URL(url).origin;
    } catch {
      origin = undefined;
    }
    if (pinnedAgent && origin !== undefined && origins.has(origin)) return pinnedAgent;
    // One TLS context shared by every connection (one per connection would rebuild the trust
    // store for each parallel request); the platform's trust, built on first use.
    publicAgent ??= new Agent({ secureContext: createSecureContext(), keepAlive: true });
    return publicAgent;
  };

  const fetchImpl: TransportFetch = async (url, init = {}) => {
    const method = (init.method ?? "GET").toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
    const body = init.body !== undefined ? Buffer.from(init.body, "utf8") : undefined;
    if (body && headers["content-length"] === undefined) headers["content-length"] = String(body.length);
    const res = await send(agentFor(url), url, method, headers, body, init.signal);
    return toResponse(res, method);
  };

  const msalSend = async <T>(
    url: string,
    method: "GET" | "POST",
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    const started = Date.now();
    const headers: Record<string, string> = { ...(options?.headers ?? {}) };
    const body = method === "POST" ? Buffer.from(options?.body ?? "") : undefined;
    if (body) headers["content-length"] = String(body.length);
    let status: number;
    let responseHeaders: Record<string, string>;
    let raw: Buffer;
    try {
      const res = await send(agentFor(url), url, method, headers, body, undefined);
      status = res.statusCode ?? 0;
      responseHeaders = headerRecord(res);
      raw = await readAll(byteStream(res), maxTextBytes);
    } catch (e) {
      trace?.({ method, url, status: 0, durationMs: Date.now() - started, error: (e as Error).message });
      throw e;
    }
    trace?.({ method, url, status, durationMs: Date.now() - started });
    let parsed: unknown = {};
    try {
      parsed = raw.length ? JSON.parse(raw.toString("utf8")) : {};
    } catch {
      parsed = {};
    }
    // MSAL reads status and body; an error status is a resolved response, not a rejection.
    return { status, headers: responseHeaders, body: parsed as T };
  };

  return {
    fetch: fetchImpl,
    networkClient: {
      sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => msalSend<T>(url, "GET", options),
      sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => msalSend<T>(url, "POST", options),
    },
    close() {
      pinnedAgent?.destroy();
      publicAgent?.destroy();
    },
  };
}
