/**
 * The service's wording for engine outcomes, in one place for Graph and ARM. Codes are what
 * clients key on; messages follow the recorded responses (ARM, 2026) where one exists.
 */
import type { EngineError, PolicyRuleName } from "./api";

/** Per-rule text after `{Rule} - `, as recorded or observed. */
export const policyRuleMessages = {
  /** Observed on Graph (2026). */
  ExpirationRuleTooLong: "The duration in the request is greater than maximum allowed duration",
  /** Observed on Graph and ARM (2026) for requests without an end. */
  ExpirationRulePermanent: "The policy does not allow permanent assignment",
  /** Recorded on ARM (Omnicit.PIM recorded-error-PolicyValidationFailed.json). */
  JustificationRule: "Justification is required",
  /** Observed (third-party client documentation). */
  TicketingRule: "Ticket information is required",
  /** Observed on Graph PIM for Groups (2026). */
  MfaRule: "Multi-factor authentication is required",
  EligibilityRule: "The principal is not eligible for the role",
} as const;

export function policyRuleFailure<R extends PolicyRuleName>(rule: R, text: string): { rule: R; message: string } {
  return { rule, message: `${rule} - ${text}` };
}

/**
 * `The following policy rules failed: JustificationRule - Justification is required`. Several
 * rules are joined with `, ` (the service's multi-rule join in this format was not captured).
 */
export function policyFailureMessage(rules: ReadonlyArray<{ message: string }>): string {
  return `The following policy rules failed: ${rules.map((r) => r.message).join(", ")}`;
}

/**
 * The claims a client must request to satisfy an authentication context, spelled as the service
 * spells it: compact JSON except for a space after the comma (`%2C%20` once URL-encoded).
 */
export function acrsClaims(claimValue: string): string {
  return `{"access_token":{"acrs":{"essential":true, "value":${JSON.stringify(claimValue)}}}}`;
}

/** Text of the state errors, verbatim from recorded ARM responses (including the service's typo). */
export const stateErrorMessages = {
  RoleAssignmentExists: "The Role assignment already exists.",
  RoleAssignmentDoesNotExist: "The Role assignment does not exist.",
  ActiveDurationTooShort: "The Active duration is too short. Miniumum Required is 5 minutes.",
  PendingRoleAssignmentRequest: "There is already a pending request for this role assignment.",
} as const;

/** A default message for any engine error; surfaces may word the plane-specific ones themselves. */
export function engineErrorMessage(error: EngineError): string {
  switch (error.code) {
    case "RoleAssignmentRequestPolicyValidationFailed":
      return policyFailureMessage(error.rules);
    case "RoleAssignmentRequestAcrsValidationFailed":
      return `Authentication context ${error.claimValue} is required. &claims=${encodeURIComponent(error.claims)}`;
    case "RoleAssignmentExists":
    case "RoleAssignmentDoesNotExist":
    case "ActiveDurationTooShort":
    case "PendingRoleAssignmentRequest":
      return stateErrorMessages[error.code];
    case "NotEligible":
      return "The principal does not hold an eligibility for this role and scope.";
    case "PrincipalMismatch":
      return "A self-service request must be made by the principal it is for.";
    case "RequestNameConflict":
      return "A role assignment schedule request with this name already exists.";
    case "InvalidRequest":
      return error.message;
  }
}
