/**
 * A man in the middle for the Graph and ARM endpoints of a cloud: forwards every request to the
 * local tenant unchanged, except the answers a rule replaces — the bodies a broken proxy, a buggy
 * service or a hostile one could send (200 with the wrong shape, HTML, paging loops, 17 MiB).
 * It listens on 127.0.0.1 only with its own CA, and the cloud file it writes trusts that CA next
 * to the tenant's for this cloud alone.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import type { Emulator } from "@pimkit/emulator";
import { generate } from "selfsigned";

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface TamperRule {
  method?: string;
  /** Tested against the path and query of the request (`/arm/providers/...?api-version=...`). */
  path: RegExp;
  /** Replaces the whole answer; the tenant never sees the request. */
  respond?: (url: URL) => Answer;
  /** Inside a Graph `$batch` answer: replaces the answer of each item whose `url` matches. */
  batchItem?: { url: RegExp; status: number; body: unknown };
}

export interface TamperProxy {
  url: string;
  caCertPem: string;
  rules: TamperRule[];
  /** Requests the proxy answered itself, per rule index. */
  hits: number[];
  close(): Promise<void>;
}

async function certificates(): Promise<{ ca: string; cert: string; key: string }> {
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  const notAfterDate = new Date(Date.now() + 24 * 60 * 60 * 1000);
  const ca = await generate([{ name: "commonName", value: "pimkit suite tampering proxy CA" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  return { ca: ca.cert, cert: leaf.cert, key: leaf.private };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function forward(emu: Emulator, req: IncomingMessage, body: Buffer): Promise<Upstream> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === "host" || k === "connection") continue;
    headers[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const up = httpsRequest(
      `${emu.url}${req.url ?? "/"}`,
      { method: req.method, headers, ca: emu.caCertPem },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v === undefined || k === "transfer-encoding" || k === "connection") continue;
            out[k] = Array.isArray(v) ? v.join(", ") : v;
          }
          resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
        res.on("error", reject);
      },
    );
    up.on("error", reject);
    up.end(body);
  });
}

interface BatchRequest {
  requests?: { id?: string; url?: string }[];
}
interface BatchAnswer {
  responses?: { id?: string; status?: number; headers?: Record<string, string>; body?: unknown }[];
}

function rewriteBatch(rule: TamperRule, request: Buffer, answer: Buffer): Buffer | undefined {
  const item = rule.batchItem;
  if (!item) return undefined;
  try {
    const sent = JSON.parse(request.toString("utf8")) as BatchRequest;
    const got = JSON.parse(answer.toString("utf8")) as BatchAnswer;
    const urls = new Map((sent.requests ?? []).map((r) => [r.id ?? "", r.url ?? ""]));
    let changed = false;
    for (const r of got.responses ?? []) {
      if (item.url.test(urls.get(r.id ?? "") ?? "")) {
        r.status = item.status;
        r.headers = { "content-type": "application/json" };
        r.body = item.body;
        changed = true;
      }
    }
    return changed ? Buffer.from(JSON.stringify(got)) : undefined;
  } catch {
    return undefined;
  }
}

export async function startTamperProxy(emu: Emulator): Promise<TamperProxy> {
  const { ca, cert, key } = await certificates();
  const proxy: TamperProxy = {
    url: "",
    caCertPem: ca,
    rules: [],
    hits: [],
    close: async () => undefined,
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", proxy.url);
    const target = `${url.pathname}${url.search}`;
    const index = proxy.rules.findIndex(
      (r) => (r.method === undefined || r.method === req.method) && r.path.test(target),
    );
    const rule = proxy.rules[index];
    if (rule?.respond) {
      proxy.hits[index] = (proxy.hits[index] ?? 0) + 1;
      const a = rule.respond(url);
      res.writeHead(a.status, { "content-type": "application/json", ...(a.headers ?? {}) });
      res.end(a.body);
      return;
    }
    const up = await forward(emu, req, body);
    const rewritten = rule ? rewriteBatch(rule, body, up.body) : undefined;
    if (rewritten) proxy.hits[index] = (proxy.hits[index] ?? 0) + 1;
    const out = rewritten ?? up.body;
    res.writeHead(up.status, { ...up.headers, "content-length": String(out.length) });
    res.end(out);
  };
  const server = createServer({ cert, key }, (req, res) => {
    handle(req, res).catch(() => {
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  proxy.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

/** The cloud as pimkit sees it through the proxy: sign-in straight to the tenant, Graph and ARM via the proxy. */
export function proxiedCloud(emu: Emulator, proxy: TamperProxy): Record<string, unknown> {
  const cloud = emu.cloud as unknown as Record<string, unknown>;
  const swap = (v: unknown) => (typeof v === "string" ? v.replace(emu.url, proxy.url) : v);
  return {
    ...cloud,
    graphEndpoint: swap(cloud.graphEndpoint),
    armEndpoint: swap(cloud.armEndpoint),
    caCertPem: `${emu.caCertPem.trim()}\n${proxy.caCertPem.trim()}\n`,
  };
}
