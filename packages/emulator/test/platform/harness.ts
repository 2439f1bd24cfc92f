/**
 * The platform (dispatch, both transports, log, faults) around stand-in surfaces, so transport and
 * fault behaviour is pinned independently of what Graph, ARM and sign-in answer. Tests of the whole
 * emulator use `createEmulator` instead.
 */

import { generateCertificates } from "../../src/certs";
import { createClock } from "../../src/clock";
import type { TokenVerifier } from "../../src/entra/types";
import { createDispatcher, type Dispatch } from "../../src/http/dispatch";
import { createFaultInjector } from "../../src/http/fault-injector";
import type { FaultInjector } from "../../src/http/faults";
import { createInProcessFetch, type FetchLike } from "../../src/http/in-process-fetch";
import { createRequestLog, type RequestLogStore } from "../../src/http/request-log";
import { type HttpsTransport, startHttpsTransport } from "../../src/http/server";
import { createStaticFiles } from "../../src/http/static-files";
import { type EmuRequest, json, type Surface } from "../../src/http/types";

export interface Platform {
  url: string;
  caCertPem: string;
  fetch: FetchLike;
  log: RequestLogStore;
  faults: FaultInjector;
  /** Requests each stand-in surface saw (to prove a fault stopped or let a request through). */
  seen: EmuRequest[];
  errors: string[];
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export interface PlatformOptions {
  portalDir?: string;
  /** Replace a stand-in surface. */
  graph?: Surface;
  entra?: Surface;
  verifier?: TokenVerifier;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const clock = createClock();
  const log = createRequestLog({ clock });
  const faults = createFaultInjector();
  const seen: EmuRequest[] = [];
  const errors: string[] = [];
  let latency = 0;
  const echo =
    (name: string, prefix: string): Surface =>
    (req) => {
      if (!req.path.startsWith(prefix)) return undefined;
      seen.push(req);
      if (req.path.endsWith("/boom")) throw new Error("surface exploded");
      return json(200, { surface: name, method: req.method, path: req.path, body: req.text() });
    };
  const certs = await generateCertificates();
  let dispatch: Dispatch | undefined;
  let base = "";
  const transport: HttpsTransport = await startHttpsTransport({
    host: "127.0.0.1",
    port: 0,
    keyPem: certs.leafKeyPem,
    certPem: certs.leafCertPem,
    dispatch: () => dispatch,
    publicBase: () => base,
    reportError: (e, where) => errors.push(`${where}: ${String(e)}`),
  });
  base = `https://127.0.0.1:${transport.port}`;
  const entraFallback = echo("entra", "/");
  dispatch = createDispatcher({
    clock,
    log,
    faults,
    latencyMs: () => latency,
    admin: (req) => (req.path.startsWith("/_emulator") ? json(200, { admin: true }) : undefined),
    graph: options.graph ?? echo("graph", "/graph/"),
    arm: echo("arm", "/arm/"),
    // The stand-in sign-in surface answers only tenant-prefixed sign-in paths.
    entra:
      options.entra ??
      ((req) => (/^\/[^/]+\/(oauth2|v2\.0|discovery)\//.test(req.path) ? entraFallback(req) : undefined)),
    portal: options.portalDir ? createStaticFiles(options.portalDir) : undefined,
    verifier: () => options.verifier,
    reportError: (e, where) => errors.push(`${where}: ${String(e)}`),
  });
  const ready = dispatch;
  const closing = new AbortController();
  return {
    url: base,
    caCertPem: certs.caCertPem,
    fetch: createInProcessFetch({ publicBase: () => base, dispatch: () => ready, closing: closing.signal }),
    log,
    faults,
    seen,
    errors,
    setLatency: (ms) => {
      latency = ms;
    },
    close: async () => {
      closing.abort();
      await transport.close();
    },
  };
}
