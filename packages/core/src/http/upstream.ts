import { PimError, type PimErrorCode } from "../errors";
import type { UpstreamError } from "../types";

/**
 * The one place upstream (Graph / ARM) error codes become pimkit codes. Keys are compared
 * case-insensitively; rule names come from the message by regex because the service has used
 * two formats (`["MfaRule"]` and `MfaRule - Multi-factor authentication is required`).
 */
const codeMap: Record<string, PimErrorCode> = {
  roleassignmentrequestacrsvalidationfailed: "auth_context_not_satisfied",
  roleassignmentexists: "role_assignment_exists",
  roleassignmentdoesnotexist: "not_active",
  activedurationtooshort: "active_duration_too_short",
  pendingroleassignmentrequest: "pending_request_exists",
  authorizationfailed: "forbidden",
  authorization_requestdenied: "forbidden",
  permissionscopenotgranted: "forbidden",
  unauthorizedaccessexception: "forbidden",
  insufficientpermissions: "forbidden",
  invalidauthenticationtoken: "unauthorized",
  expiredauthenticationtoken: "unauthorized",
  toomanyrequests: "throttled",
  rolenotfound: "not_eligible",
  roleeligibilityschedulenotfound: "not_eligible",
  roleeligibilityschedulerequestnotfound: "not_eligible",
  roledefinitiondoesnotexist: "not_eligible",
  subjectnotfound: "not_eligible",
  requestconflict: "conflict",
};

const ruleMap: Record<string, PimErrorCode> = {
  JustificationRule: "justification_required",
  TicketingRule: "ticket_required",
  MfaRule: "mfa_required",
  ExpirationRule: "duration_too_long",
  EligibilityRule: "not_eligible",
};

export interface ParsedUpstream {
  upstream: UpstreamError;
  /** The innermost service code (unwrapping `UnknownError` JSON messages). */
  code: string | null;
  rawMessage: string;
}

export function parseUpstream(
  status: number,
  headers: { get(name: string): string | null },
  body: unknown,
): ParsedUpstream {
  const err = isObject(body) && isObject(body.error) ? body.error : undefined;
  let code = err && typeof err.code === "string" ? err.code : null;
  const rawMessage = err && typeof err.message === "string" ? err.message : "";
  // Graph wraps some PIM refusals as UnknownError with a JSON message carrying `errorCode`.
  if (code === null || /^unknownerror$/i.test(code)) {
    const inner = innerCode(rawMessage);
    if (inner) code = inner;
  }
  const inner = err ? ((err.innerError ?? err.innererror) as unknown) : undefined;
  const bodyRequestId = isObject(inner) && typeof inner["request-id"] === "string" ? inner["request-id"] : null;
  const requestId =
    headers.get("request-id") ??
    headers.get("x-ms-request-id") ??
    bodyRequestId ??
    headers.get("x-ms-correlation-request-id");
  return {
    upstream: {
      status,
      code: err && typeof err.code === "string" ? err.code : null,
      message: rawMessage ? redactClaimsText(rawMessage) : null,
      requestId,
    },
    code,
    rawMessage,
  };
}

function innerCode(message: string): string | null {
  const m = /"?(?:errorCode|code)"?\s*[:=]\s*"?([A-Za-z_]+)"?/.exec(message);
  if (m?.[1] && !/^unknownerror$/i.test(m[1])) return m[1];
  const bare = /\b(RoleAssignment\w+|ActiveDurationTooShort|PendingRoleAssignmentRequest)\b/.exec(message);
  return bare?.[1] ?? null;
}

/** Rule names a policy refusal names, in order, distinct. */
export function policyRules(message: string): string[] {
  return [...new Set([...message.matchAll(/\b([A-Z][A-Za-z]+Rule)\b/g)].map((m) => m[1] ?? ""))].filter(Boolean);
}

export function upstreamToError(
  status: number,
  headers: { get(name: string): string | null },
  body: unknown,
): PimError {
  const { upstream, code, rawMessage } = parseUpstream(status, headers, body);
  const key = (code ?? "").toLowerCase();
  if (key === "roleassignmentrequestpolicyvalidationfailed") {
    const rules = policyRules(rawMessage);
    const mapped = rules.map((r) => ruleMap[r]).find((c) => c !== undefined) ?? "policy_validation_failed";
    return new PimError(mapped, policyMessage(mapped, rules), { upstream, rules });
  }
  const mapped = codeMap[key];
  if (mapped) return new PimError(mapped, messageFor(mapped, status), { upstream });
  if (status === 401) return new PimError("unauthorized", messageFor("unauthorized", status), { upstream });
  if (status === 403) return new PimError("forbidden", messageFor("forbidden", status), { upstream });
  if (status === 404) return new PimError("not_found", messageFor("not_found", status), { upstream });
  if (status === 409) return new PimError("conflict", messageFor("conflict", status), { upstream });
  if (status === 429) return new PimError("throttled", messageFor("throttled", status), { upstream });
  if (status === 503)
    return new PimError("service_unavailable", messageFor("service_unavailable", status), { upstream });
  if (status >= 500) return new PimError("server_error", messageFor("server_error", status), { upstream });
  if (status === 400) return new PimError("bad_request", messageFor("bad_request", status), { upstream });
  return new PimError("upstream_error", `The service answered HTTP ${status}.`, { upstream });
}

function policyMessage(code: PimErrorCode, rules: string[]): string {
  const named = rules.length ? ` (${rules.join(", ")})` : "";
  switch (code) {
    case "justification_required":
      return `The role's policy requires a justification${named}.`;
    case "ticket_required":
      return `The role's policy requires ticket information${named}.`;
    case "mfa_required":
      return `The role's policy requires multi-factor authentication in this sign-in${named}.`;
    case "duration_too_long":
      return `The requested duration is longer than the role's policy allows${named}.`;
    case "not_eligible":
      return `You are not eligible for this role at this scope${named}.`;
    default:
      return `The request does not satisfy the role's policy${named}.`;
  }
}

function messageFor(code: PimErrorCode, status: number): string {
  switch (code) {
    case "auth_context_not_satisfied":
      return "The role requires an authentication context that the sign-in did not satisfy.";
    case "role_assignment_exists":
      return "The role is already active (or an activation for it already exists).";
    case "not_active":
      return "There is no active assignment to deactivate.";
    case "active_duration_too_short":
      return "An activation cannot be deactivated in its first 5 minutes.";
    case "pending_request_exists":
      return "A request for this role is already pending.";
    case "forbidden":
      return "You do not have permission for this operation.";
    case "unauthorized":
      return "The service did not accept the sign-in token.";
    case "throttled":
      return "The service is throttling requests; try again later.";
    case "not_eligible":
      return "You are not eligible for this role at this scope.";
    case "not_found":
      return "The service did not find the requested item.";
    case "conflict":
      return "The service reported a conflicting request.";
    case "service_unavailable":
      return "The service is temporarily unavailable.";
    case "server_error":
      return `The service failed (HTTP ${status}).`;
    case "bad_request":
      return "The service refused the request as invalid.";
    default:
      return `The service answered HTTP ${status}.`;
  }
}

/** Claims values never leave the core in an error message: whatever follows `claims=` is cut. */
export function redactClaimsText(message: string): string {
  let out = "";
  let rest = message;
  for (;;) {
    const m = /claims=\s*/i.exec(rest);
    if (!m) return out + rest;
    out += `${rest.slice(0, m.index)}claims=REDACTED`;
    rest = rest.slice(m.index + m[0].length);
    if (rest.startsWith("{")) {
      let depth = 0;
      let i = 0;
      for (; i < rest.length; i++) {
        if (rest[i] === "{") depth++;
        else if (rest[i] === "}" && --depth === 0) break;
      }
      rest = rest.slice(i + 1);
    } else {
      rest = rest.replace(/^\\?"?[^\s"&,]*/, "");
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
