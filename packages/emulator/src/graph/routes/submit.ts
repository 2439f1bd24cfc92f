/**
 * Creating schedule requests (both Graph planes): body parsing with OData's type rules, the
 * hand-off to the engine, and the engine's refusals in Graph's codes and messages.
 */
import type { EngineError, SubmitInput } from "../../state/api";
import { parseIsoDateTime, parseIsoDuration } from "../../state/durations";
import { policyFailureMessage, policyRuleFailure, policyRuleMessages, stateErrorMessages } from "../../state/messages";
import type { RequestAction, RoleTarget } from "../../state/model";
import { graphChallengeBase } from "../auth";
import { type GraphCall, readJsonBody, rejectUnknownProperties } from "../call";
import { GraphError, messages, notImplemented, wrapped } from "../errors";
import { isGuid } from "../format";

const actions = [
  "adminAssign",
  "adminUpdate",
  "adminRemove",
  "selfActivate",
  "selfDeactivate",
  "adminExtend",
  "adminRenew",
  "selfExtend",
  "selfRenew",
  "unknownFutureValue",
] as const;
const selfActions: readonly RequestAction[] = ["selfActivate", "selfDeactivate", "selfExtend", "selfRenew"];
const expirationTypes = ["notSpecified", "noExpiration", "afterDateTime", "afterDuration"] as const;

/** OData parses enum members case-insensitively here: the directory docs send `AfterDuration`. */
function enumValue(value: unknown, members: readonly string[], edm: string): string {
  if (typeof value !== "string") throw primitive(edm);
  const found = members.find((m) => m.toLowerCase() === value.toLowerCase());
  if (!found) throw new GraphError(400, "BadRequest", `Requested value '${value}' was not found.`);
  return found;
}

function primitive(edm: string): GraphError {
  return new GraphError(
    400,
    "BadRequest",
    `Cannot convert a primitive value to the expected type '${edm}'. See the inner exception for more details.`,
  );
}

function optString(body: Record<string, unknown>, key: string): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw primitive("Edm.String");
  return v;
}

function optObject(body: Record<string, unknown>, key: string, edm: string): Record<string, unknown> | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new GraphError(
      400,
      "BadRequest",
      `An unexpected '${Array.isArray(v) ? "StartArray" : "PrimitiveValue"}' node was found when reading from the JSON reader. A 'StartObject' node was expected.`,
    );
  }
  rejectUnknownProperties(v as Record<string, unknown>, shapes[edm] ?? [], edm);
  return v as Record<string, unknown>;
}

const shapes: Record<string, readonly string[]> = {
  ticketInfo: ["ticketNumber", "ticketSystem"],
  requestSchedule: ["startDateTime", "expiration", "recurrence"],
  expirationPattern: ["type", "duration", "endDateTime"],
};

function dateTime(value: string | null): string | null {
  if (value === null) return null;
  if (parseIsoDateTime(value) === undefined) {
    throw new GraphError(
      400,
      "BadRequest",
      `Cannot convert the literal '${value}' to the expected type 'Edm.DateTimeOffset'.`,
    );
  }
  return value;
}

function invalid(): GraphError {
  return new GraphError(400, "InvalidRoleAssignmentRequest", messages.invalidRequest);
}

export interface ParsedRequest {
  input: SubmitInput;
  isValidationOnly: boolean;
}

/**
 * Reads a create-request body. `plane` decides which target fields are required; the rest is
 * shared by unifiedRoleAssignmentScheduleRequest and privilegedAccessGroupAssignmentScheduleRequest.
 */
export function parseRequestBody(
  call: GraphCall,
  plane: "directoryRole" | "group",
  allowed: readonly string[],
  typeName: string,
): ParsedRequest {
  const body = readJsonBody(call);
  rejectUnknownProperties(body, allowed, typeName);

  const action =
    body.action === undefined || body.action === null
      ? undefined
      : enumValue(body.action, actions, "microsoft.graph.unifiedRoleScheduleRequestActions");
  const principalId = optString(body, "principalId");
  const justification = optString(body, "justification");
  optString(body, "customData");
  const validation = body.isValidationOnly;
  if (validation !== undefined && validation !== null && typeof validation !== "boolean")
    throw primitive("Edm.Boolean");
  const ticket = optObject(body, "ticketInfo", "ticketInfo");
  const ticketNumber = ticket ? optString(ticket, "ticketNumber") : null;
  const ticketSystem = ticket ? optString(ticket, "ticketSystem") : null;
  const schedule = optObject(body, "scheduleInfo", "requestSchedule");
  const start = schedule ? dateTime(optString(schedule, "startDateTime")) : null;
  const expiration = schedule ? optObject(schedule, "expiration", "expirationPattern") : null;
  const expirationType =
    expiration && expiration.type !== undefined && expiration.type !== null
      ? enumValue(expiration.type, expirationTypes, "microsoft.graph.expirationPatternType")
      : null;
  const duration = expiration ? optString(expiration, "duration") : null;
  if (duration !== null && parseIsoDuration(duration) === undefined) {
    throw new GraphError(
      400,
      "BadRequest",
      `Cannot convert the literal '${duration}' to the expected type 'Edm.Duration'.`,
    );
  }
  const endDateTime = expiration ? dateTime(optString(expiration, "endDateTime")) : null;
  if (schedule && schedule.recurrence !== undefined && schedule.recurrence !== null) throw invalid();

  let target: RoleTarget;
  if (plane === "directoryRole") {
    const roleDefinitionId = optString(body, "roleDefinitionId");
    const directoryScopeId = optString(body, "directoryScopeId");
    const appScopeId = optString(body, "appScopeId");
    // App-specific scopes are not served; a request names the directory scope of its eligibility.
    if (!roleDefinitionId || !directoryScopeId || appScopeId !== null) throw invalid();
    target = { plane, roleDefinitionId, directoryScopeId };
  } else {
    const groupId = optString(body, "groupId");
    const accessRaw =
      body.accessId === undefined || body.accessId === null
        ? null
        : enumValue(
            body.accessId,
            ["member", "owner", "unknownFutureValue"],
            "microsoft.graph.privilegedAccessGroupRelationships",
          );
    if (!groupId || (accessRaw !== "member" && accessRaw !== "owner")) throw invalid();
    target = { plane, groupId, accessId: accessRaw };
  }
  // Object ids are GUIDs; anything else names no principal or group [INF: the generic refusal].
  if (!action || !principalId || !isGuid(principalId)) throw invalid();
  if (target.plane === "group" && !isGuid(target.groupId)) throw invalid();
  if (!(selfActions as readonly string[]).includes(action))
    throw notImplemented(`POST (action ${action})`, `/${call.version}${call.path}`);

  return {
    isValidationOnly: validation === true,
    input: {
      plane,
      action: action as RequestAction,
      principalId,
      target,
      justification,
      ticketNumber,
      ticketSystem,
      startDateTime: start,
      expirationType: expirationType ?? null,
      duration,
      endDateTime,
      validationOnly: validation === true,
    },
  };
}

/** The engine's refusal as Graph answers it. */
export function engineErrorToGraph(call: GraphCall, error: EngineError): GraphError {
  switch (error.code) {
    case "RoleAssignmentRequestPolicyValidationFailed":
      // Current message form [REC 2026 Omnicit.PIM]: `Rule - text`, joined with ", " when several [INF].
      return new GraphError(400, error.code, policyFailureMessage(error.rules));
    case "RoleAssignmentRequestAcrsValidationFailed": {
      if (call.ctx.state.settings.acrsChallenge === "www-authenticate") {
        const b64 = Buffer.from(error.claims, "utf8").toString("base64");
        return new GraphError(401, "InvalidAuthenticationToken", messages.caeChallenge, {
          "WWW-Authenticate": `${graphChallengeBase}, error="insufficient_claims", claims="${b64}"`,
        });
      }
      // [REC winebarrel/azpim fixtures]: UnknownError wrapping the backend error, whose message is
      // the bare query fragment `&claims=<URL-encoded JSON>` (the engine spells the JSON as the
      // service does, with a space after the comma).
      return wrapped(400, error.code, `&claims=${encodeURIComponent(error.claims)}`, false);
    }
    case "RoleAssignmentExists":
    case "RoleAssignmentDoesNotExist":
    case "ActiveDurationTooShort":
    case "PendingRoleAssignmentRequest":
      return new GraphError(400, error.code, stateErrorMessages[error.code]);
    case "NotEligible":
      // Graph reports a missing eligibility as a failed EligibilityRule (observed in the legacy
      // `["EligibilityRule"]` form); written in the current `Rule - text` form like the others.
      return new GraphError(
        400,
        "RoleAssignmentRequestPolicyValidationFailed",
        policyFailureMessage([policyRuleFailure("EligibilityRule", policyRuleMessages.EligibilityRule)]),
      );
    case "PrincipalMismatch":
      return new GraphError(403, "UnauthorizedAccessException", messages.unauthorized);
    case "RequestNameConflict":
      return new GraphError(400, "InvalidRoleAssignmentRequest", messages.invalidRequest);
    case "InvalidRequest":
      return new GraphError(400, "InvalidRoleAssignmentRequest", `${messages.invalidRequest} ${error.message}`);
  }
}
