/**
 * JSON batching (`POST /$batch`, concepts/json-batching.md): at most 20 requests, unique ids,
 * `dependsOn` ordering with 424 for dependants of a failed request, `Content-Type` required on
 * items with a body, each item served by the same handlers with the outer request's token, and
 * faults decided per item so that one item can be throttled while the batch answers 200.
 */
import { defaultMessageFor, errorCodeFor } from "../http/envelopes";
import type { ActiveFault } from "../http/faults";
import { loggableBody, redactQuery, selectHeaders } from "../http/request-log";
import { type GraphCall, type GraphResult, readJsonBody } from "./call";
import { errorBody, GraphError, messages } from "./errors";
import { innerErrorDate } from "./format";

export const batchLimit = 20;

interface Item {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function invalid(message: string): GraphError {
  return new GraphError(400, "BadRequest", message);
}

function readItems(call: GraphCall): Item[] {
  const body = readJsonBody(call);
  const requests = body.requests;
  if (!Array.isArray(requests)) throw invalid("Invalid batch payload format: the 'requests' array is missing.");
  if (requests.length > batchLimit) throw invalid(messages.batchTooLarge);
  const items: Item[] = [];
  requests.forEach((raw: unknown, index) => {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      throw invalid(`Invalid batch payload format: request at index ${index} is not an object.`);
    }
    const r = raw as Record<string, unknown>;
    for (const key of ["id", "method", "url"] as const) {
      if (typeof r[key] !== "string" || r[key] === "") {
        throw invalid(`Invalid batch payload format: request at index ${index} has no '${key}'.`);
      }
    }
    const headers: Record<string, string> = {};
    if (r.headers !== undefined && r.headers !== null) {
      if (typeof r.headers !== "object" || Array.isArray(r.headers)) {
        throw invalid(`Invalid batch payload format: 'headers' of request '${String(r.id)}' is not an object.`);
      }
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
    }
    let dependsOn: string[] = [];
    if (r.dependsOn !== undefined && r.dependsOn !== null) {
      if (!Array.isArray(r.dependsOn) || r.dependsOn.some((d) => typeof d !== "string")) {
        throw invalid(`Invalid batch payload format: 'dependsOn' of request '${String(r.id)}' is not an array of ids.`);
      }
      dependsOn = r.dependsOn as string[];
    }
    items.push({
      id: r.id as string,
      method: (r.method as string).toUpperCase(),
      url: r.url as string,
      headers,
      ...(r.body !== undefined ? { body: r.body } : {}),
      dependsOn,
    });
  });
  // Ids are case-insensitive and must be unique, or the whole batch fails (json-batching.md).
  const ids = new Map<string, Item>();
  for (const item of items) {
    const key = item.id.toLowerCase();
    if (ids.has(key)) throw invalid(`Batch request ids must be unique; '${item.id}' appears more than once.`);
    ids.set(key, item);
  }
  for (const item of items) {
    for (const dep of item.dependsOn) {
      if (!ids.has(dep.toLowerCase()) || dep.toLowerCase() === item.id.toLowerCase()) {
        throw invalid(`Request '${item.id}' depends on '${dep}', which is not another request of this batch.`);
      }
    }
  }
  return items;
}

/** Input order, each item after the items it depends on; a cycle fails the batch. */
function order(items: Item[]): Item[] {
  const byId = new Map(items.map((i) => [i.id.toLowerCase(), i]));
  const out: Item[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (item: Item) => {
    const key = item.id.toLowerCase();
    const s = state.get(key);
    if (s === "done") return;
    if (s === "visiting") throw invalid(`The dependsOn references of request '${item.id}' form a cycle.`);
    state.set(key, "visiting");
    for (const dep of item.dependsOn) {
      const d = byId.get(dep.toLowerCase());
      if (d) visit(d);
    }
    state.set(key, "done");
    out.push(item);
  };
  for (const item of items) visit(item);
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function itemError(
  call: GraphCall,
  requestId: string,
  status: number,
  code: string,
  message: string,
): BatchItemResponse {
  return {
    id: "",
    status,
    headers: { "Content-Type": "application/json" },
    body: errorBody(code, message, innerErrorDate(call.ctx.clock.now()), requestId, call.clientRequestId),
  };
}

function faultResponse(call: GraphCall, requestId: string, fault: ActiveFault): BatchItemResponse {
  const status = fault.status ?? 429;
  const retryAfter = fault.retryAfter ?? (status === 429 || status === 503 ? "1" : undefined);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (retryAfter) headers["Retry-After"] = retryAfter;
  if (fault.body !== undefined) return { id: "", status, headers, body: fault.body };
  const date = innerErrorDate(call.ctx.clock.now());
  const message = defaultMessageFor("graph", status, retryAfter);
  const body =
    status === 429
      ? {
          error: {
            code: "TooManyRequests",
            message,
            innerError: { code: "429", date, message: "Please retry after", "request-id": requestId, status: "429" },
          },
        }
      : errorBody(errorCodeFor("graph", status), message, date, requestId, call.clientRequestId);
  return { id: "", status, headers, body };
}

export type Executor = (call: GraphCall) => Promise<GraphResult>;

export async function runBatch(outer: GraphCall, execute: Executor): Promise<GraphResult> {
  if (outer.method !== "POST") {
    throw new GraphError(405, "BadRequest", "Specified HTTP method is not allowed for the request target.");
  }
  const original = readItems(outer);
  const items = order(original);
  const results = new Map<string, BatchItemResponse>();
  const ctx = outer.ctx;

  for (const item of items) {
    const started = performance.now();
    const requestId = ctx.newId();
    const relative = item.url.startsWith("/") ? item.url : `/${item.url}`;
    const url = new URL(`${ctx.publicBase}/graph/${outer.version}${relative}`);
    const path = url.pathname.slice(`/graph/${outer.version}`.length);
    let fault: ActiveFault | undefined;
    let bodyText = "";
    let response: BatchItemResponse;

    const failedDep = item.dependsOn.find((d) => (results.get(d.toLowerCase())?.status ?? 0) >= 400);
    if (failedDep !== undefined) {
      response = itemError(
        outer,
        requestId,
        424,
        "FailedDependency",
        `Request '${failedDep}' that this request depends on failed.`,
      );
    } else if (/^[a-z][a-z0-9+.-]*:/i.test(item.url)) {
      response = itemError(
        outer,
        requestId,
        400,
        "BadRequest",
        "Batch request URLs must be relative to the service root.",
      );
    } else if (/^\/(\$|%24)batch\b/i.test(path)) {
      response = itemError(
        outer,
        requestId,
        400,
        "BadRequest",
        "A batch request cannot contain another batch request.",
      );
    } else if (item.body !== undefined && !item.headers["content-type"]) {
      response = itemError(outer, requestId, 400, "BadRequest", messages.contentTypeMissing);
    } else {
      if (item.body !== undefined) {
        // JSON bodies are inlined; anything else is base64 (json-batching.md).
        bodyText =
          typeof item.body === "string" && !/json/i.test(item.headers["content-type"] ?? "")
            ? Buffer.from(item.body, "base64").toString("utf8")
            : JSON.stringify(item.body);
      }
      fault = ctx.faults.pick(item.method, `/graph/${outer.version}${relative}`, true);
      if (fault?.kind === "latency" && fault.latencyMs) await sleep(fault.latencyMs);
      if (fault?.kind === "status") {
        response = faultResponse(outer, requestId, fault);
      } else {
        const result = await execute({
          ...outer,
          method: item.method,
          path,
          query: url.searchParams,
          headers: item.headers,
          body: bodyText,
          requestId,
        });
        response = { id: "", status: result.status, headers: result.headers ?? {} };
        if (result.body !== undefined) response.body = result.body;
      }
    }
    response.id = item.id;
    results.set(item.id.toLowerCase(), response);
    const logged = loggableBody(item.headers["content-type"], bodyText);
    ctx.log.record({
      requestId,
      surface: "graph",
      method: item.method,
      path: `/graph/${outer.version}${path}`,
      query: redactQuery(url.searchParams),
      headers: selectHeaders(item.headers),
      ...(logged !== undefined ? { body: logged } : {}),
      status: response.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      batch: { requestId: outer.requestId, itemId: item.id },
      callerOid: outer.caller.oid,
      ...(fault ? { fault: fault.kind } : {}),
    });
  }

  // Answers in the order the requests were sent (clients must correlate by id anyway).
  const responses = original.map((i) => results.get(i.id.toLowerCase()));
  return { status: 200, headers: { "Content-Type": "application/json; charset=utf-8" }, body: { responses } };
}
