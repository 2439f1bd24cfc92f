import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { bodyLimitFor, type Dispatch, truncateBody } from "./dispatch";

export interface HttpsTransportOptions {
  host: string;
  port: number;
  keyPem: string;
  certPem: string;
  /** Set once the emulator is assembled; requests that arrive before that get a 503. */
  dispatch(): Dispatch | undefined;
  /** The public base every URL is rebuilt on (never the Host header, so issuers stay stable). */
  publicBase(): string;
  reportError(error: unknown, where: string): void;
}

export interface HttpsTransport {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Reads the body up to `limit`; past it, stops reading and reports the overflow. */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Uint8Array; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (Number.isFinite(declared) && declared > limit) {
      req.pause();
      resolve({ body: new Uint8Array(), tooLarge: true });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.pause();
        resolve({ body: new Uint8Array(), tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve({ body: new Uint8Array(Buffer.concat(chunks)), tooLarge: false });
    });
    req.on("error", (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
  });
}

export function startHttpsTransport(options: HttpsTransportOptions): Promise<HttpsTransport> {
  const sockets = new Set<Socket>();
  const closing = new AbortController();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const aborted = new AbortController();
    const onClosing = () => aborted.abort(new Error("the emulator is closing"));
    closing.signal.addEventListener("abort", onClosing, { once: true });
    res.on("close", () => {
      closing.signal.removeEventListener("abort", onClosing);
      if (!res.writableFinished) aborted.abort(new Error("the client went away"));
    });
    const dispatch = options.dispatch();
    if (!dispatch) {
      res.writeHead(503, { "Content-Type": "application/json; charset=utf-8", "Retry-After": "1" });
      res.end(JSON.stringify({ error: { code: "ServiceUnavailable", message: "The local tenant is starting." } }));
      return;
    }
    const url = new URL(req.url ?? "/", options.publicBase());
    const { body, tooLarge } = await readBody(req, bodyLimitFor(url.pathname));
    const outcome = await dispatch({
      method: (req.method ?? "GET").toUpperCase(),
      url,
      headers: headerRecord(req),
      body,
      bodyTooLarge: tooLarge,
      fromLoopback: isLoopback(req.socket.remoteAddress),
      signal: aborted.signal,
    });
    switch (outcome.kind) {
      case "aborted":
        res.destroy();
        return;
      case "reset":
        req.socket.destroy();
        return;
      case "hang":
        // Held open; the client's timeout or close() ends it.
        return;
      case "respond": {
        const { response, truncate } = outcome;
        const payload = truncate
          ? truncateBody(response.body)
          : typeof response.body === "string"
            ? Buffer.from(response.body)
            : (response.body ?? new Uint8Array());
        const headers: Record<string, string | number> = { ...(response.headers ?? {}) };
        // Node would add its own Content-Length/Date; ours are authoritative (truncation, clock).
        for (const name of Object.keys(headers)) if (name.toLowerCase() === "content-length") delete headers[name];
        const bodyless = response.status === 204 || response.status === 304 || req.method === "HEAD";
        if (!bodyless) headers["Content-Length"] = payload.length;
        res.sendDate = false;
        res.writeHead(response.status, headers);
        res.end(bodyless ? undefined : payload);
        if (tooLarge) res.on("finish", () => req.socket.destroy());
        return;
      }
    }
  };

  const server = createServer({ key: options.keyPem, cert: options.certPem }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.reportError(error, `transport ${req.method} ${req.url}`);
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: { code: "InternalServerError", message: "The local tenant failed." } }));
      } else res.destroy();
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // TLS handshake failures (a client that does not trust the CA) are the client's business.
  server.on("tlsClientError", () => undefined);

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      resolve({
        server,
        port: address.port,
        close() {
          closing.abort();
          return new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
            sockets.clear();
          });
        },
      });
    });
  });
}
