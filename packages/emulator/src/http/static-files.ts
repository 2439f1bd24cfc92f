import { readFile, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import type { EmuResponse } from "./types";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/**
 * The portal's pages are served with a strict policy: its own scripts and styles only, API calls
 * to this origin only (the local tenant serves sign-in, Graph and ARM from the same origin), and
 * no framing.
 */
export const portalContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export interface StaticFiles {
  /** The file that serves this URL path, when there is one. */
  lookup(path: string): Promise<string | undefined>;
  serve(file: string, method: string): Promise<EmuResponse>;
}

export interface StaticFilesOptions {
  /** Security headers for every file (the portal's, for the emulator's cloud); replaces the default CSP. */
  headers?: () => Record<string, string>;
  /** Files answered from memory by URL path (the portal's `/config.json`). */
  generated?: Record<string, () => { contentType: string; body: string }>;
}

const generatedPrefix = "\0generated:";

export function createStaticFiles(root: string, options: StaticFilesOptions = {}): StaticFiles {
  const base = resolve(root);
  const isFile = async (p: string) => {
    try {
      return (await stat(p)).isFile();
    } catch {
      return false;
    }
  };
  return {
    async lookup(path) {
      if (options.generated && Object.hasOwn(options.generated, path)) return `${generatedPrefix}${path}`;
      let decoded: string;
      try {
        decoded = decodeURIComponent(path);
      } catch {
        return undefined;
      }
      // No hidden files, no NUL, no backslash tricks; resolve() then the prefix check stops `..`.
      if (decoded.includes("\0") || decoded.includes("\\") || /(^|\/)\./.test(decoded)) return undefined;
      const target = resolve(base, `.${decoded}`);
      if (target !== base && !target.startsWith(base + sep)) return undefined;
      if (decoded.endsWith("/")) {
        const index = resolve(target, "index.html");
        return (await isFile(index)) ? index : undefined;
      }
      return (await isFile(target)) ? target : undefined;
    },
    async serve(file, method) {
      if (file.startsWith(generatedPrefix)) {
        const make = options.generated?.[file.slice(generatedPrefix.length)];
        const generated = make?.() ?? { contentType: "text/plain; charset=utf-8", body: "" };
        return {
          status: 200,
          headers: {
            ...(options.headers?.() ?? {}),
            "Content-Type": generated.contentType,
            "Cache-Control": "no-store",
          },
          body: method === "HEAD" ? new Uint8Array() : new TextEncoder().encode(generated.body),
        };
      }
      const type = contentTypes[extname(file).toLowerCase()] ?? "application/octet-stream";
      const headers: Record<string, string> = {
        "Content-Type": type,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
      };
      if (options.headers) Object.assign(headers, options.headers());
      else if (type.startsWith("text/html")) {
        headers["Content-Security-Policy"] = portalContentSecurityPolicy;
        headers["X-Frame-Options"] = "DENY";
      }
      const body = method === "HEAD" ? new Uint8Array() : new Uint8Array(await readFile(file));
      return { status: 200, headers, body };
    },
  };
}
