/**
 * Error bodies in each plane's own envelope, for the answers the platform makes itself (faults,
 * size limit, unknown paths, our own crashes). Surfaces make their own domain errors.
 *  - Graph (OData): `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`
 *    (Microsoft Graph docs, concepts/errors.md; the 429 inner error follows concepts/throttling.md).
 *  - ARM (CloudError): `{"error":{"code","message"}}` (every Microsoft.Authorization swagger).
 *  - Entra (OAuth 2.0 error response): `error`, `error_description`, `error_codes`, `timestamp`,
 *    `trace_id`, `correlation_id`, as the v2.0 token endpoint answers.
 */
import type { RequestLogEntry } from "./faults";
import { type EmuResponse, json } from "./types";

export type SurfaceKind = RequestLogEntry["surface"];

export interface EnvelopeContext {
  surface: SurfaceKind;
  method: string;
  requestId: string;
  clientRequestId: string;
  now: Date;
}

const statusCodes: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  408: "RequestTimeout",
  409: "Conflict",
  413: "RequestEntityTooLarge",
  429: "TooManyRequests",
  500: "InternalServerError",
  501: "NotImplemented",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/** Graph's inner-error date: seconds precision, no zone designator (as in live responses). */
function graphDate(now: Date): string {
  return now.toISOString().slice(0, 19);
}

export function errorCodeFor(surface: SurfaceKind, status: number): string {
  // Graph spells its 503 code in camelCase (concepts/errors.md code table).
  if (surface === "graph" && status === 503) return "serviceNotAvailable";
  return statusCodes[status] ?? (status >= 500 ? "InternalServerError" : "BadRequest");
}

export function defaultMessageFor(surface: SurfaceKind, status: number, retryAfter: string | undefined): string {
  if (status === 429) {
    if (surface === "graph") return "Please retry again later.";
    if (surface === "arm") {
      return `The request is being throttled as the limit has been reached. Please try again after '${retryAfter ?? "1"}' seconds.`;
    }
    return "Too many requests. Please retry again later.";
  }
  if (status === 503) return "The service is temporarily unavailable. Please retry again later.";
  if (status === 413) return "The request size exceeds the maximum limit.";
  return `The request failed with status ${status}.`;
}

/** An error in the envelope of the surface that owns the path. */
export function errorEnvelope(
  ctx: EnvelopeContext,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): EmuResponse {
  switch (ctx.surface) {
    case "graph": {
      const innerError =
        status === 429
          ? {
              code: "429",
              date: graphDate(ctx.now),
              message: "Please retry after",
              "request-id": ctx.requestId,
              status: "429",
            }
          : { date: graphDate(ctx.now), "request-id": ctx.requestId, "client-request-id": ctx.clientRequestId };
      return json(status, { error: { code, message, innerError } }, headers);
    }
    case "entra": {
      const error = status === 429 || status >= 500 ? "temporarily_unavailable" : "invalid_request";
      return json(
        status,
        {
          error,
          error_description: `${message}\r\nTrace ID: ${ctx.requestId}\r\nCorrelation ID: ${ctx.clientRequestId}\r\nTimestamp: ${entraTimestamp(ctx.now)}`,
          error_codes: [],
          timestamp: entraTimestamp(ctx.now),
          trace_id: ctx.requestId,
          correlation_id: ctx.clientRequestId,
        },
        headers,
      );
    }
    default:
      return json(status, { error: { code, message } }, headers);
  }
}

/** `2026-01-01 08:00:00Z`: the token endpoint's timestamp format. */
function entraTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace("T", " ")}Z`;
}
