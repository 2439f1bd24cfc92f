/**
 * `pimkit portal`: serves the built portal for one cloud on a loopback address, with the portal's
 * security headers on every answer and `/config.json` telling the app where to sign in. Static
 * files only: nothing here proxies or sees a token.
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type Cloud, portalRuntimeConfig, portalSecurityHeaders } from "@pimkit/contracts";

export interface ServePortalOptions {
  cloud: Cloud;
  /** Application (client) id of the portal's app registration (a single-page application). */
  clientId: string;
  /** Tenant id or domain, or `organizations` (default). */
  tenant?: string;
  /** Guest tenants offered by the tenant switcher. */
  tenants?: { id: string; displayName: string }[];
  /** 0 (default) picks a free port. */
  port?: number;
  /** 127.0.0.1 by default: the portal is for this machine unless told otherwise. */
  host?: string;
  /** The built portal (`packages/portal/dist`); found next to this module when absent. */
  distDir?: string;
}

export interface PortalServer {
  /** `http://127.0.0.1:<port>`; register `${url}/` as the app's redirect URI. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/** Where the built portal is, from this module (sources) or from a bundle that inlined it (the CLI). */
export function defaultPortalDistDir(): string | undefined {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const candidates = [
    resolve(here, "../../dist"),
    resolve(here, "../../portal/dist"),
    resolve(here, "../../../packages/portal/dist"),
  ];
  return candidates.find((d) => existsSync(resolve(d, "index.html")));
}

export class PortalNotBuiltError extends Error {
  override readonly name = "PortalNotBuiltError";
}

export async function servePortal(options: ServePortalOptions): Promise<PortalServer> {
  const dist = options.distDir ?? defaultPortalDistDir();
  if (!dist || !existsSync(resolve(dist, "index.html"))) {
    throw new PortalNotBuiltError("The portal is not built: run `npm run build` first.");
  }
  const host = options.host ?? "127.0.0.1";
  const configBody = JSON.stringify(
    portalRuntimeConfig({
      clientId: options.clientId,
      tenant: options.tenant ?? "organizations",
      cloud: options.cloud,
      ...(options.tenants ? { tenants: options.tenants } : {}),
    }),
  );
  const files = createFileResolver(dist);
  // Plain http on loopback: no HSTS (it would pin the host name to https for every local port).
  const securityHeaders = portalSecurityHeaders(options.cloud);
  const security = () => ({ ...securityHeaders });

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, security(), "text/plain; charset=utf-8", "Internal error\n", req.method);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const headers = security();
    if (method !== "GET" && method !== "HEAD") {
      send(res, 405, { ...headers, Allow: "GET, HEAD" }, "text/plain; charset=utf-8", "Method not allowed\n", method);
      return;
    }
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://localhost").pathname;
    } catch {
      send(res, 400, headers, "text/plain; charset=utf-8", "Bad request\n", method);
      return;
    }
    if (path === "/config.json") {
      send(res, 200, { ...headers, "Cache-Control": "no-store" }, contentTypes[".json"] ?? "", configBody, method);
      return;
    }
    const file = await files(path);
    if (!file) {
      send(res, 404, headers, "text/plain; charset=utf-8", "Not found\n", method);
      return;
    }
    const type = contentTypes[extname(file).toLowerCase()] ?? "application/octet-stream";
    // Hashed build assets never change under their name; everything else is revalidated.
    const cache = path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    send(res, 200, { ...headers, "Cache-Control": cache }, type, await readFile(file), method);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  type: string,
  body: string | Uint8Array,
  method: string | undefined,
): void {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, "Content-Type": type, "Content-Length": String(bytes.byteLength) });
  res.end(method === "HEAD" ? undefined : bytes);
}

/** URL path → file under `root`, refusing anything that leaves it or names a hidden file. */
export function createFileResolver(root: string): (path: string) => Promise<string | undefined> {
  const base = resolve(root);
  return async (path) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded.includes("\0") || decoded.includes("\\") || /(^|\/)\./.test(decoded)) return undefined;
    let target = resolve(base, `.${decoded}`);
    if (target !== base && !target.startsWith(base + sep)) return undefined;
    if (decoded.endsWith("/")) target = resolve(target, "index.html");
    try {
      return (await stat(target)).isFile() ? target : undefined;
    } catch {
      return undefined;
    }
  };
}
