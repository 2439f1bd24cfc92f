/**
 * OData resource paths to handlers. Path segments match case-insensitively (Graph accepts
 * `IdentityGovernance/...`); keys may be written `/{id}` or `('{id}')`; bound functions carry their
 * parameters in the segment (`filterByCurrentUser(on='principal')`).
 */
import type { GraphCall, GraphResult, GraphVersion } from "./call";
import { GraphError, notImplemented } from "./errors";

export interface Segment {
  name: string;
  /** Function parameters (`on='principal'` -> `{ on: "principal" }`), when the segment is a call. */
  params?: Record<string, string>;
}

export interface Match {
  /** Values of `{name}` segments. */
  params: Record<string, string>;
  /** Parameters of the function segment, if the route has one. */
  fn: Record<string, string>;
}

export type Handler = (call: GraphCall, match: Match) => GraphResult | Promise<GraphResult>;

export interface Route {
  /** `a/b/{id}/c`; a segment `fn:name` is a bound function call. */
  pattern: string;
  versions?: readonly GraphVersion[];
  methods: Partial<Record<string, Handler>>;
}

function badSegment(raw: string): GraphError {
  return new GraphError(400, "BadRequest", `Resource not found for the segment '${raw}'.`);
}

function parseParams(raw: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw badSegment(raw);
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith("'") && value.endsWith("'") && value.length >= 2)
      value = value.slice(1, -1).replace(/''/g, "'");
    out[name] = value;
  }
  return out;
}

/** Splits an encoded path into OData segments (a key in parentheses becomes its own segment). */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const encoded of path.split("/")) {
    if (encoded === "") continue;
    let raw: string;
    try {
      raw = decodeURIComponent(encoded);
    } catch {
      throw badSegment(encoded);
    }
    const m = /^([^()]+)\((.*)\)$/s.exec(raw);
    if (!m?.[1]) {
      if (raw.includes("(") || raw.includes(")")) throw badSegment(raw);
      out.push({ name: raw });
      continue;
    }
    // Bound functions may be namespace-qualified (`microsoft.graph.filterByCurrentUser(...)`).
    const name = m[1].replace(/^microsoft\.graph\./i, "");
    const inner = (m[2] ?? "").trim();
    if (inner.includes("=")) {
      out.push({ name, params: parseParams(raw, inner) });
    } else if (inner === "") {
      out.push({ name, params: {} });
    } else {
      // Key segment: `entitySet('key')`.
      out.push({ name });
      out.push({ name: inner.startsWith("'") && inner.endsWith("'") ? inner.slice(1, -1).replace(/''/g, "'") : inner });
    }
  }
  return out;
}

interface CompiledRoute {
  route: Route;
  segments: Array<{ kind: "literal" | "param" | "fn"; name: string }>;
}

export function compileRoutes(routes: readonly Route[]): CompiledRoute[] {
  return routes.map((route) => ({
    route,
    segments: route.pattern.split("/").map((s) => {
      if (s.startsWith("{") && s.endsWith("}")) return { kind: "param" as const, name: s.slice(1, -1) };
      if (s.startsWith("fn:")) return { kind: "fn" as const, name: s.slice(3).toLowerCase() };
      return { kind: "literal" as const, name: s.toLowerCase() };
    }),
  }));
}

function matchRoute(compiled: CompiledRoute, segments: readonly Segment[]): Match | undefined {
  if (compiled.segments.length !== segments.length) return undefined;
  const match: Match = { params: {}, fn: {} };
  for (let i = 0; i < segments.length; i += 1) {
    const want = compiled.segments[i];
    const got = segments[i];
    if (!want || !got) return undefined;
    if (want.kind === "fn") {
      if (!got.params || got.name.toLowerCase() !== want.name) return undefined;
      match.fn = got.params;
    } else if (got.params) {
      return undefined;
    } else if (want.kind === "param") {
      match.params[want.name] = got.name;
    } else if (got.name.toLowerCase() !== want.name) {
      return undefined;
    }
  }
  return match;
}

/** Finds and runs the handler of a call; unknown routes and methods answer 501 naming them. */
export async function route(compiled: readonly CompiledRoute[], call: GraphCall): Promise<GraphResult> {
  const segments = parsePath(call.path);
  const display = `/${call.version}${call.path}`;
  for (const c of compiled) {
    if (c.route.versions && !c.route.versions.includes(call.version)) continue;
    const match = matchRoute(c, segments);
    if (!match) continue;
    const handler = c.route.methods[call.method];
    if (!handler) throw notImplemented(call.method, display);
    return await handler(call, match);
  }
  throw notImplemented(call.method, display);
}
