/**
 * The Microsoft Graph surface: `/graph/v1.0/*` and `/graph/beta/*` (beta only where the API exists
 * only there). Every request is authenticated first (401 `InvalidAuthenticationToken`), then routed;
 * handlers check the delegated scope, read the OData options strictly, and answer through the
 * engine. Errors come back in Graph's envelope; unimplemented routes answer 501 naming the route.
 * Faults, latency and the request log of the outer request are the platform's (http/dispatch.ts);
 * `$batch` items get their own here.
 */
import { type EmulatorContext, withState } from "../context";
import type { EmuResponse, Surface } from "../http/types";
import { authenticate } from "./auth";
import { runBatch } from "./batch";
import type { GraphCall, GraphResult, GraphVersion } from "./call";
import { errorBody, GraphError } from "./errors";
import { innerErrorDate } from "./format";
import { compileRoutes, route } from "./router";
import { directoryRoleRoutes } from "./routes/directory-roles";
import { groupRoutes } from "./routes/groups";
import { identityRoutes } from "./routes/identity";
import { policyRoutes } from "./routes/policies";

const compiled = compileRoutes([...directoryRoleRoutes, ...groupRoutes, ...policyRoutes, ...identityRoutes]);

function errorResult(ctx: EmulatorContext, requestId: string, clientRequestId: string, e: GraphError): GraphResult {
  return {
    status: e.status,
    headers: { "Content-Type": "application/json", ...e.headers },
    body: errorBody(e.code, e.message, innerErrorDate(ctx.clock.now()), requestId, clientRequestId),
  };
}

/** Runs one call (a request or a batch item) to its answer; Graph errors become error answers. */
export async function executeGraphCall(call: GraphCall): Promise<GraphResult> {
  try {
    return await route(compiled, call);
  } catch (e) {
    if (e instanceof GraphError) return errorResult(call.ctx, call.requestId, call.clientRequestId, e);
    throw e;
  }
}

function toResponse(result: GraphResult, requestId: string, clientRequestId: string): EmuResponse {
  const headers = { ...(result.headers ?? {}), "request-id": requestId, "client-request-id": clientRequestId };
  if (result.body === undefined) return { status: result.status, headers };
  return { status: result.status, headers, body: JSON.stringify(result.body) };
}

export function createGraphSurface(ctx: EmulatorContext): Surface {
  return async (req) => {
    if (req.path !== "/graph" && !req.path.startsWith("/graph/")) return undefined;
    const requestId = req.requestId;
    const clientRequestId = req.headers["client-request-id"] || requestId;
    const fail = (e: GraphError) =>
      toResponse(errorResult(ctx, requestId, clientRequestId, e), requestId, clientRequestId);

    const m = /^\/graph\/([^/]*)(\/.*)?$/.exec(req.path);
    const version = m?.[1] ?? "";
    if (version !== "v1.0" && version !== "beta") {
      return fail(new GraphError(400, "BadRequest", `Invalid version: ${version || "(none)"}`));
    }
    let caller: GraphCall["caller"];
    try {
      caller = await authenticate(ctx.tokens, req.headers.authorization);
    } catch (e) {
      if (e instanceof GraphError) return fail(e);
      throw e;
    }
    // A token for a guest tenant sees that tenant (read once: reset and scenario loads replace it).
    const home = ctx.state;
    const tenantState = home.forTenant(caller.tid);
    const call: GraphCall = {
      ctx: tenantState === home ? ctx : withState(ctx, tenantState),
      method: req.method,
      version: version as GraphVersion,
      path: m?.[2] ?? "",
      query: req.url.searchParams,
      headers: req.headers,
      body: req.text(),
      requestId,
      clientRequestId,
      caller,
    };
    let result: GraphResult;
    if (/^\/(\$|%24)batch\/?$/i.test(call.path)) {
      try {
        result = await runBatch(call, executeGraphCall);
      } catch (e) {
        if (e instanceof GraphError) return fail(e);
        throw e;
      }
    } else {
      result = await executeGraphCall(call);
    }
    return toResponse(result, requestId, clientRequestId);
  };
}
