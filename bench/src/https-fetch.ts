/**
 * A WHATWG-style fetch over node:https that trusts exactly one CA (the local tenant's), with
 * keep-alive connections. Every comparator in the bench reaches the emulator through this one
 * transport, so none of them gains or loses from the HTTP stack. Redirects are never followed
 * (`redirect: "manual"` semantics), which is what the sign-in helpers expect.
 */
import { Agent, request as httpsRequest } from "node:https";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface PinnedFetch extends FetchLike {
  /** Closes idle keep-alive sockets. */
  close(): void;
}

async function bodyBytes(body: BodyInit | null | undefined): Promise<Buffer | undefined> {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  return Buffer.from(await new Response(body).arrayBuffer());
}

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init).forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/** Statuses a Response may not carry a body with. */
const nullBodyStatus = new Set([101, 103, 204, 205, 304]);

export function createPinnedFetch(caPem: string): PinnedFetch {
  const agent = new Agent({ ca: caPem, keepAlive: true });
  const pinned = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    const method = (init.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const headers = headerRecord(init.headers ?? (input instanceof Request ? input.headers : undefined));
    const body = await bodyBytes(init.body);
    if (body) headers["content-length"] = String(body.length);
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason ?? new DOMException("The operation was aborted.", "AbortError"));
        return;
      }
      const req = httpsRequest(url, { method, headers, agent, ...(signal ? { signal } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v === undefined) continue;
            for (const one of Array.isArray(v) ? v : [String(v)]) out.append(k, one);
          }
          const status = res.statusCode ?? 0;
          resolve(new Response(nullBodyStatus.has(status) ? null : Buffer.concat(chunks), { status, headers: out }));
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  };
  return Object.assign(pinned, { close: () => agent.destroy() });
}
