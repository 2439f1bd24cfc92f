/**
 * A WHATWG `fetch` served by the emulator in this process (no socket), for fast tests. It goes
 * through the same dispatch as the HTTPS server, so faults, latency, the log and every header are
 * identical; transport faults surface the way undici reports them (`TypeError: fetch failed` with a
 * socket error as `cause`), so clients exercise their real error paths.
 */
import { STATUS_CODES } from "node:http";
import { bodyLimitFor, type Dispatch, type DispatchOutcome, truncateBody } from "./dispatch";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface InProcessFetchOptions {
  publicBase(): string;
  dispatch(): Dispatch;
  /** Aborted by `close()`: requests still waiting end as a dropped connection. */
  closing: AbortSignal;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
const maxRedirects = 20;

function socketClosed(): TypeError {
  const cause = Object.assign(new Error("other side closed"), { name: "SocketError", code: "UND_ERR_SOCKET" });
  return new TypeError("fetch failed", { cause });
}

function notServed(url: URL, base: string): TypeError {
  const cause = Object.assign(
    new Error(`the in-process fetch of the local tenant serves only ${base}, not ${url.origin}`),
    {
      code: "ENOTFOUND",
    },
  );
  return new TypeError("fetch failed", { cause });
}

function sameEmulator(url: URL, base: URL): boolean {
  if (url.protocol !== base.protocol || url.port !== base.port) return false;
  const loopbackNames = new Set(["127.0.0.1", "localhost", "[::1]"]);
  return url.hostname === base.hostname || (loopbackNames.has(url.hostname) && loopbackNames.has(base.hostname));
}

function toResponse(
  outcome: Extract<DispatchOutcome, { kind: "respond" }>,
  url: URL,
  method: string,
  redirected: boolean,
) {
  const { response, truncate } = outcome;
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (name.toLowerCase() === "content-length") continue;
    headers.append(name, value);
  }
  const payload = truncate
    ? truncateBody(response.body)
    : typeof response.body === "string"
      ? new TextEncoder().encode(response.body)
      : (response.body ?? new Uint8Array());
  const bodyless = nullBodyStatuses.has(response.status) || method === "HEAD";
  if (!bodyless) headers.set("Content-Length", String(payload.length));
  const res = new Response(bodyless ? null : new Uint8Array(payload), {
    status: response.status,
    statusText: STATUS_CODES[response.status] ?? "",
    headers,
  });
  // A constructed Response has an empty url; clients (and MSAL) may read it.
  Object.defineProperty(res, "url", { value: url.toString() });
  Object.defineProperty(res, "redirected", { value: redirected });
  return res;
}

export function createInProcessFetch(options: InProcessFetchOptions): FetchLike {
  // One listener on `closing` for all requests in flight: a listener per request trips Node's
  // leak warning once more than ten are waiting at the same time.
  const inFlight = new Set<AbortController>();
  options.closing.addEventListener(
    "abort",
    () => {
      for (const controller of inFlight) controller.abort();
      inFlight.clear();
    },
    { once: true },
  );

  const once = async (request: Request, url: URL, body: Uint8Array): Promise<DispatchOutcome> => {
    const controller = new AbortController();
    const abort = () => controller.abort();
    request.signal.addEventListener("abort", abort, { once: true });
    if (options.closing.aborted) controller.abort();
    else inFlight.add(controller);
    try {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      const tooLarge = body.length > bodyLimitFor(url.pathname);
      const work = options.dispatch()({
        method: request.method.toUpperCase(),
        url,
        headers,
        body: tooLarge ? new Uint8Array() : body,
        bodyTooLarge: tooLarge,
        fromLoopback: true,
        signal: controller.signal,
      });
      // A real fetch rejects as soon as its signal fires, whatever the server is doing.
      const stop = new Promise<DispatchOutcome>((resolve) => {
        if (controller.signal.aborted) resolve({ kind: "aborted" });
        controller.signal.addEventListener("abort", () => resolve({ kind: "aborted" }), { once: true });
      });
      const outcome = await Promise.race([work, stop]);
      if (outcome.kind !== "hang") return outcome;
      return await stop;
    } finally {
      request.signal.removeEventListener("abort", abort);
      inFlight.delete(controller);
    }
  };

  return async (input, init) => {
    let request = new Request(input, init);
    const base = new URL(options.publicBase());
    let url = new URL(request.url);
    if (!sameEmulator(url, base)) throw notServed(url, base.origin);
    let body = new Uint8Array(await request.arrayBuffer());
    let redirected = false;
    for (let hop = 0; ; hop++) {
      if (request.signal.aborted) throw request.signal.reason;
      if (options.closing.aborted) throw socketClosed();
      const onBase = new URL(url.pathname + url.search, base);
      const outcome = await once(request, onBase, body);
      if (outcome.kind === "aborted" || outcome.kind === "hang") {
        if (request.signal.aborted) throw request.signal.reason;
        throw socketClosed();
      }
      if (outcome.kind === "reset") throw socketClosed();
      const response = toResponse(outcome, url, request.method, redirected);
      const location = response.headers.get("location");
      if (!redirectStatuses.has(response.status) || !location || request.redirect === "manual") return response;
      if (request.redirect === "error") {
        throw new TypeError("fetch failed", { cause: new Error("unexpected redirect") });
      }
      if (hop >= maxRedirects) throw new TypeError("fetch failed", { cause: new Error("redirect count exceeded") });
      const next = new URL(location, url);
      // Fetch's method rewrite: 303 always, 301/302 for POST, turn into a bodiless GET.
      const toGet =
        (response.status === 303 && request.method !== "HEAD") ||
        ((response.status === 301 || response.status === 302) && request.method === "POST");
      const headers = new Headers(request.headers);
      if (toGet) {
        for (const name of [
          "content-type",
          "content-length",
          "content-encoding",
          "content-language",
          "content-location",
        ]) {
          headers.delete(name);
        }
        body = new Uint8Array();
      }
      const nextInit: RequestInit = {
        method: toGet ? "GET" : request.method,
        headers,
        redirect: request.redirect,
        signal: request.signal,
        ...(body.length > 0 ? { body } : {}),
      };
      redirected = true;
      if (!sameEmulator(next, base)) {
        // Leaving the emulator (e.g. a loopback redirect URI): that hop is a real network request.
        return globalThis.fetch(next, nextInit);
      }
      request = new Request(next, nextInit);
      url = next;
    }
  };
}
