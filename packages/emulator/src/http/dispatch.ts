/**
 * One dispatch for both transports (HTTPS and in-process fetch): routing to the surfaces, the
 * headers every answer carries, latency, faults, the body size limit, the request log, and the
 * guarantee that a surface's exception becomes a 500 in the plane's envelope rather than a crash.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../clock";
import type { TokenVerifier } from "../entra/types";
import { defaultMessageFor, type EnvelopeContext, errorCodeFor, errorEnvelope, type SurfaceKind } from "./envelopes";
import type { ActiveFault, FaultInjector, RequestLog } from "./faults";
import { loggableBody, redactQuery, requestedAcrs, selectHeaders } from "./request-log";
import type { StaticFiles } from "./static-files";
import { type EmuRequest, type EmuResponse, json, responseHeader, type Surface } from "./types";

/** Requests to Graph, ARM and sign-in larger than this are refused (413). */
export const maxBodyBytes = 1024 * 1024;
/** Admin bodies carry whole scenarios; they get more room. */
export const maxAdminBodyBytes = 64 * 1024 * 1024;

export const graphResource = "https://graph.microsoft.com";
export const armResource = "https://management.azure.com";

export interface IncomingRequest {
  method: string;
  /** Absolute URL on the emulator's public base. */
  url: URL;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Uint8Array;
  /** The body went over the limit and was not read in full. */
  bodyTooLarge: boolean;
  /** The peer is on this machine (the admin API answers nobody else). */
  fromLoopback: boolean;
  /** Aborted when the client goes away or the emulator closes. */
  signal: AbortSignal;
}

export type DispatchOutcome =
  | { kind: "respond"; response: EmuResponse; truncate: boolean }
  /** Drop the connection without an answer. */
  | { kind: "reset" }
  /** Never answer; the transport holds the request until the client or the emulator gives up. */
  | { kind: "hang" }
  /** The client went away while we waited; nothing to write. */
  | { kind: "aborted" };

export interface DispatchDeps {
  clock: Clock;
  log: RequestLog;
  faults: FaultInjector;
  /** Latency added before every non-admin answer (changeable at runtime). */
  latencyMs(): number;
  admin: Surface;
  graph: Surface;
  arm: Surface;
  entra: Surface;
  portal?: StaticFiles | undefined;
  /** Used only to note the caller's oid in the log. */
  verifier(): TokenVerifier | undefined;
  /** Our own bugs go to stderr (without request bodies: they may hold secrets). */
  reportError(error: unknown, where: string): void;
}

export type Dispatch = (incoming: IncomingRequest) => Promise<DispatchOutcome>;

const entraSecondSegments = new Set(["oauth2", "v2.0", "discovery", ".well-known"]);

/** Which surface owns a path, before any surface is asked (the portal is decided later). */
export function classifyPath(path: string): SurfaceKind {
  const segments = path.split("/");
  const first = segments[1] ?? "";
  if (first === "_emulator") return "admin";
  if (first === "graph") return "graph";
  if (first === "arm") return "arm";
  if (first === "common" && segments[2] === "discovery") return "entra";
  if (first.length > 0 && entraSecondSegments.has(segments[2] ?? "")) return "entra";
  return "other";
}

export function bodyLimitFor(path: string): number {
  return classifyPath(path) === "admin" ? maxAdminBodyBytes : maxBodyBytes;
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal.aborted);
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function makeEmuRequest(incoming: IncomingRequest, requestId: string): EmuRequest {
  let text: string | undefined;
  return {
    method: incoming.method,
    url: incoming.url,
    path: incoming.url.pathname,
    headers: incoming.headers,
    body: incoming.body,
    requestId,
    text() {
      text ??= new TextDecoder().decode(incoming.body);
      return text;
    },
  };
}

const corsExposed = [
  "request-id",
  "client-request-id",
  "x-ms-request-id",
  "x-ms-correlation-request-id",
  "Retry-After",
  "WWW-Authenticate",
  "Location",
  "Date",
].join(", ");

function setIfAbsent(res: EmuResponse, name: string, value: string): void {
  if (responseHeader(res, name) !== undefined) return;
  res.headers = { ...(res.headers ?? {}), [name]: value };
}

export function createDispatcher(deps: DispatchDeps): Dispatch {
  return async (incoming) => {
    const started = performance.now();
    const requestId = randomUUID();
    const clientRequestId = incoming.headers["client-request-id"] || randomUUID();
    const req = makeEmuRequest(incoming, requestId);
    let surface = classifyPath(req.path);
    const envelope = (): EnvelopeContext => ({
      surface,
      method: req.method,
      requestId,
      clientRequestId,
      now: deps.clock.now(),
    });

    const finish = (res: EmuResponse): EmuResponse => {
      setIfAbsent(res, "request-id", requestId);
      setIfAbsent(res, "client-request-id", clientRequestId);
      setIfAbsent(res, "x-ms-request-id", requestId);
      setIfAbsent(res, "Date", deps.clock.now().toUTCString());
      if (surface === "arm") {
        setIfAbsent(res, "x-ms-correlation-request-id", incoming.headers["x-ms-correlation-request-id"] || requestId);
        const armClientRequestId = incoming.headers["x-ms-client-request-id"];
        if (armClientRequestId) setIfAbsent(res, "x-ms-client-request-id", armClientRequestId);
      }
      const origin = incoming.headers.origin;
      if (origin && (surface === "graph" || surface === "arm")) {
        setIfAbsent(res, "Access-Control-Allow-Origin", origin);
        setIfAbsent(res, "Access-Control-Expose-Headers", corsExposed);
        setIfAbsent(res, "Vary", "Origin");
      }
      return res;
    };

    const ask = async (target: Surface, where: string): Promise<EmuResponse | undefined> => {
      try {
        return await target(req);
      } catch (error) {
        deps.reportError(error, `${where} ${req.method} ${req.path}`);
        return errorEnvelope(
          envelope(),
          500,
          "InternalServerError",
          "The local tenant failed to process this request (an emulator bug; details are on its stderr).",
        );
      }
    };

    // The admin API: no latency, no faults, not logged (tests read the log through it), and only
    // for callers on this machine even when the server was bound elsewhere.
    if (surface === "admin") {
      if (!incoming.fromLoopback) {
        return { kind: "respond", truncate: false, response: finish(json(403, adminForbidden)) };
      }
      if (incoming.bodyTooLarge) {
        return { kind: "respond", truncate: false, response: finish(tooLarge(envelope(), maxAdminBodyBytes)) };
      }
      const res = (await ask(deps.admin, "admin")) ?? json(404, notFound(req.path));
      return { kind: "respond", truncate: false, response: finish(res) };
    }

    // Portal files are the product being served, not the tenant: no faults or latency, not logged.
    if (surface === "other" && deps.portal && (req.method === "GET" || req.method === "HEAD")) {
      const file = await deps.portal.lookup(req.path);
      if (file) {
        surface = "portal";
        try {
          return { kind: "respond", truncate: false, response: finish(await deps.portal.serve(file, req.method)) };
        } catch (error) {
          deps.reportError(error, `portal ${req.path}`);
          return { kind: "respond", truncate: false, response: finish(json(500, notFound(req.path))) };
        }
      }
    }

    const record = (status: number, fault: ActiveFault | undefined, answeredBy: SurfaceKind, oid?: string) => {
      const query = redactQuery(req.url.searchParams);
      const contentType = incoming.headers["content-type"];
      const bodyText = incoming.bodyTooLarge ? "" : req.text();
      const formClaims =
        contentType?.includes("application/x-www-form-urlencoded") && bodyText
          ? (new URLSearchParams(bodyText).get("claims") ?? undefined)
          : undefined;
      const acrs =
        answeredBy === "entra" ? requestedAcrs(req.url.searchParams.get("claims") ?? undefined, formClaims) : undefined;
      const body = loggableBody(contentType, bodyText);
      return deps.log.record({
        requestId,
        surface: answeredBy,
        method: req.method,
        path: req.path,
        query,
        headers: selectHeaders(incoming.headers),
        ...(body !== undefined ? { body } : {}),
        status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...(oid ? { callerOid: oid } : {}),
        ...(acrs ? { acrsRequested: acrs } : {}),
        ...(fault ? { fault: fault.kind } : {}),
      });
    };

    const callerOid = async (): Promise<string | undefined> => {
      const authorization = incoming.headers.authorization;
      const verifier = deps.verifier();
      if (!authorization || !verifier || (surface !== "graph" && surface !== "arm")) return undefined;
      try {
        const check = await verifier.verify(authorization, surface === "graph" ? graphResource : armResource);
        return check.ok ? check.claims.oid : undefined;
      } catch {
        return undefined;
      }
    };

    if (incoming.bodyTooLarge) {
      const res = finish(tooLarge(envelope(), maxBodyBytes));
      record(res.status, undefined, surface);
      return { kind: "respond", truncate: false, response: res };
    }

    // CORS preflights for the resource planes (a portal served from another origin, e.g. a dev
    // server). Sign-in answers its own preflights.
    if (
      req.method === "OPTIONS" &&
      (surface === "graph" || surface === "arm") &&
      incoming.headers.origin &&
      incoming.headers["access-control-request-method"]
    ) {
      const res = finish({
        status: 200,
        headers: {
          "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
          "Access-Control-Allow-Headers": incoming.headers["access-control-request-headers"] ?? "",
          "Access-Control-Max-Age": "3600",
        },
      });
      record(res.status, undefined, surface);
      return { kind: "respond", truncate: false, response: res };
    }

    const fault = deps.faults.pick(req.method, req.path + req.url.search, false);
    const delay = deps.latencyMs() + (fault?.kind === "latency" ? (fault.latencyMs ?? 0) : 0);
    if (!(await sleep(delay, incoming.signal))) {
      record(0, fault, surface);
      return { kind: "aborted" };
    }

    if (fault && !fault.afterHandling && (fault.kind === "reset" || fault.kind === "hang")) {
      record(0, fault, surface);
      return { kind: fault.kind };
    }

    if (fault?.kind === "status") {
      const status = fault.status ?? 429;
      const headers: Record<string, string> = {};
      const retryAfter = fault.retryAfter ?? (status === 429 || status === 503 ? "1" : undefined);
      // An empty retryAfter means "send no header", for clients that must fall back to backoff.
      if (retryAfter) headers["Retry-After"] = retryAfter;
      if (surface === "arm" && status === 429) {
        const kind = req.method === "GET" || req.method === "HEAD" ? "reads" : "writes";
        headers[`x-ms-ratelimit-remaining-subscription-${kind}`] = "0";
      }
      const res =
        fault.body !== undefined
          ? json(status, fault.body, headers)
          : errorEnvelope(
              envelope(),
              status,
              errorCodeFor(surface, status),
              defaultMessageFor(surface, status, retryAfter),
              headers,
            );
      finish(res);
      record(status, fault, surface);
      return { kind: "respond", truncate: false, response: res };
    }

    let res: EmuResponse | undefined;
    if (surface === "graph") res = await ask(deps.graph, "graph");
    else if (surface === "arm") res = await ask(deps.arm, "arm");
    else {
      // Sign-in owns its tenant-prefixed paths and may serve pages of its own elsewhere.
      res = await ask(deps.entra, "entra");
      if (res) surface = "entra";
    }
    res ??= errorEnvelope(
      envelope(),
      404,
      "NotFound",
      `No resource of the local tenant is served at ${req.method} ${req.path}.`,
    );
    finish(res);
    record(res.status, fault, surface, await callerOid());
    if (fault?.kind === "reset" || fault?.kind === "hang") return { kind: fault.kind };
    return { kind: "respond", truncate: fault?.kind === "truncate", response: res };
  };
}

const adminForbidden = {
  error: { code: "Forbidden", message: "The admin API answers only callers on this machine." },
};

function notFound(path: string) {
  return { error: { code: "NotFound", message: `Nothing is served at ${path}.` } };
}

function tooLarge(ctx: EnvelopeContext, limit: number): EmuResponse {
  return errorEnvelope(
    ctx,
    413,
    errorCodeFor(ctx.surface, 413),
    `The request size exceeds the maximum limit of ${limit} bytes.`,
    { Connection: "close" },
  );
}

/** Cuts a body in the middle, so a JSON client sees well-framed but unparseable content. */
export function truncateBody(body: EmuResponse["body"]): Uint8Array {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : (body ?? new Uint8Array());
  if (bytes.length <= 1) return bytes;
  return bytes.slice(0, Math.max(1, Math.floor(bytes.length / 2)));
}
