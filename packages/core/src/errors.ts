import type { ErrorInfo, UpstreamError } from "./types";

/**
 * Every error the core reports carries one of these codes. `docs/errors.md` has one line per code
 * (meaning, when, what the user can do); keep the two in step.
 */
export const pimErrorCodes = [
  // transport and pipeline
  "network_error",
  "timeout",
  "aborted",
  "throttled",
  "service_unavailable",
  "server_error",
  "malformed_response",
  "response_too_large",
  "paging_loop",
  "too_many_pages",
  "insecure_url",
  "untrusted_host",
  "ambiguous_write",
  // sign-in and permissions
  "sign_in_required",
  "token_unavailable",
  "unauthorized",
  "forbidden",
  "policy_unreadable",
  "auth_context_not_satisfied",
  "step_up_failed",
  "mfa_required",
  // input and planning
  "invalid_input",
  "invalid_duration",
  "invalid_start",
  "start_in_past",
  "start_outside_eligibility",
  "justification_required",
  "ticket_required",
  "not_eligible",
  "invalid_scope",
  "scope_not_eligible",
  "plan_invalid",
  "unknown_role",
  "unknown_request",
  // service refusals
  "duration_too_long",
  "policy_validation_failed",
  "role_assignment_exists",
  "not_active",
  "active_duration_too_short",
  "pending_request_exists",
  "request_not_cancelable",
  "approval_denied",
  "request_failed",
  "not_found",
  "bad_request",
  "conflict",
  "upstream_error",
] as const;

export type PimErrorCode = (typeof pimErrorCodes)[number];

export interface PimErrorOptions {
  upstream?: UpstreamError;
  /** Set on throttling errors: how long the service asked us to wait. */
  retryAfterMs?: number;
  /** A claims request carried by the failure (step-up); never logged or printed. */
  claims?: string;
  /** Policy rule names named by a `RoleAssignmentRequestPolicyValidationFailed`. */
  rules?: string[];
  cause?: unknown;
}

export class PimError extends Error {
  override readonly name = "PimError";
  readonly code: PimErrorCode;
  readonly upstream: UpstreamError | undefined;
  readonly retryAfterMs: number | undefined;
  readonly rules: string[];
  /** Kept off the enumerable surface so that JSON output and logs never carry it. */
  declare readonly claims: string | undefined;

  constructor(code: PimErrorCode, message: string, options: PimErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.upstream = options.upstream;
    this.retryAfterMs = options.retryAfterMs;
    this.rules = options.rules ?? [];
    Object.defineProperty(this, "claims", { value: options.claims, enumerable: false });
  }

  toInfo(): ErrorInfo {
    return toErrorInfo(this);
  }
}

export function isPimError(e: unknown): e is PimError {
  return e instanceof PimError;
}

/** The JSON-safe form used in results; unknown errors become `upstream_error` without their text. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof PimError) {
    const info: ErrorInfo = { code: e.code, message: e.message };
    if (e.upstream) info.upstream = { ...e.upstream };
    return info;
  }
  if (isAbortError(e)) return { code: "aborted", message: "The operation was cancelled." };
  // Foreign errors may quote a server message; anything after `claims=` is cut.
  const text = e instanceof Error ? e.message : "Unexpected error.";
  return { code: "upstream_error", message: text.replace(/claims=[\s\S]*/i, "claims=REDACTED") };
}

export function isAbortError(e: unknown): boolean {
  return (
    typeof e === "object" &&
    e !== null &&
    "name" in e &&
    ((e as { name: unknown }).name === "AbortError" || (e as { name: unknown }).name === "TimeoutError")
  );
}
