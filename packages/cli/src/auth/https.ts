import { Agent, request as httpsRequest } from "node:https";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import type { Cloud } from "@pimkit/contracts";

/**
 * TLS trust for a cloud that brings its own CA (the local tenant's cloud file): requests to that
 * cloud's hosts go through node:https with that CA and nothing else; every other URL uses the
 * platform's normal trust. No global TLS setting is ever changed.
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface SignInTraceEvent {
  method: string;
  url: string;
  status: number;
  durationMs: number;
  error?: string;
}

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

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function pinnedRequest(
  agent: Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new DOMException("The operation was aborted.", "AbortError"));
      return;
    }
    const req = httpsRequest(url, { method, headers, agent, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : String(v);
        }
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks) });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function bodyBuffer(body: BodyInit | null | undefined): Promise<Buffer | undefined> {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  return Buffer.from(await new Response(body).arrayBuffer());
}

export interface CloudTransport {
  fetch: FetchLike;
  networkClient: INetworkModule;
  close(): void;
}

/**
 * One transport per cloud: a WHATWG `fetch` for the core and an MSAL `INetworkModule` for
 * sign-in, both trusting the cloud's CA for the cloud's hosts only.
 */
export function createCloudTransport(cloud: Cloud, trace?: (e: SignInTraceEvent) => void): CloudTransport {
  const origins = cloudOrigins(cloud);
  const agent = cloud.caCertPem ? new Agent({ ca: cloud.caCertPem, keepAlive: true }) : undefined;
  const pinned = (url: string) => {
    if (!agent) return false;
    try {
      return origins.has(new URL(url).origin);
    } catch {
      return false;
    }
  };

  const fetchImpl: FetchLike = async (input, init) => {
    const req = input instanceof Request ? input : undefined;
    const url = req ? req.url : String(input);
    if (!pinned(url) || !agent) return globalThis.fetch(input, init);
    const method = (init?.method ?? req?.method ?? "GET").toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(init?.headers ?? req?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const body = await bodyBuffer(init?.body ?? (req ? await req.arrayBuffer() : undefined));
    if (body && headers["content-length"] === undefined) headers["content-length"] = String(body.length);
    const raw = await pinnedRequest(agent, url, method, headers, body, init?.signal ?? req?.signal ?? undefined);
    const nullBody = raw.status === 204 || raw.status === 304 || method === "HEAD";
    const responseHeaders = new Headers();
    for (const [k, v] of Object.entries(raw.headers)) responseHeaders.append(k, v);
    return new Response(nullBody ? null : new Uint8Array(raw.body), { status: raw.status, headers: responseHeaders });
  };

  const send = async <T>(
    url: string,
    method: "GET" | "POST",
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    const started = Date.now();
    const headers: Record<string, string> = { ...(options?.headers ?? {}) };
    const body = method === "POST" ? Buffer.from(options?.body ?? "") : undefined;
    if (body) headers["content-length"] = String(body.length);
    let raw: RawResponse;
    try {
      if (pinned(url) && agent) {
        raw = await pinnedRequest(agent, url, method, headers, body, undefined);
      } else {
        const res = await globalThis.fetch(url, { method, headers, ...(body ? { body: new Uint8Array(body) } : {}) });
        const h: Record<string, string> = {};
        res.headers.forEach((v, k) => {
          h[k] = v;
        });
        raw = { status: res.status, headers: h, body: Buffer.from(await res.arrayBuffer()) };
      }
    } catch (e) {
      trace?.({ method, url, status: 0, durationMs: Date.now() - started, error: (e as Error).message });
      throw e;
    }
    trace?.({ method, url, status: raw.status, durationMs: Date.now() - started });
    let parsed: unknown = {};
    try {
      parsed = raw.body.length ? JSON.parse(raw.body.toString("utf8")) : {};
    } catch {
      parsed = {};
    }
    // MSAL reads status and body; an error status is a resolved response, not a rejection.
    return { status: raw.status, headers: raw.headers, body: parsed as T };
  };

  return {
    fetch: fetchImpl,
    networkClient: {
      sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, "GET", options),
      sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, "POST", options),
    },
    close() {
      agent?.destroy();
    },
  };
}
