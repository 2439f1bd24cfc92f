/**
 * roleAssignmentScheduleRequests: PUT (201), GET, list, POST /validate (200, nothing stored) and
 * POST /cancel (200, empty). Body keys bind case-insensitively and unknown keys are ignored, as
 * ARM's model binding does; every policy decision is the engine's (`state.submit`), this file
 * only maps its outcome to ARM's codes, statuses and messages.
 */
import type { ArmRequestType } from "@pimkit/contracts";
import type { EmuResponse } from "../../http/types";
import type { EngineError, SubmitInput } from "../../state/api";
import { engineErrorMessage, policyFailureMessage, stateErrorMessages } from "../../state/messages";
import type { RequestAction, RequestRecord } from "../../state/model";
import { canReadAt, isCaller } from "../access";
import {
  type ArmCall,
  callerUpn,
  checkExpand,
  checkQueryOptions,
  filterOf,
  isRecord,
  jsonBody,
  ok,
  page,
  prop,
  scopeOf,
} from "../call";
import { ArmError, armChallenge, armErrors } from "../errors";
import { renderRequest, requestScope } from "../render";
import { type ArmScope, isAtOrBelow, isGuid, resourceId, sameId, trailingGuid } from "../scope";

const requestTypes: readonly ArmRequestType[] = [
  "AdminAssign",
  "AdminRemove",
  "AdminUpdate",
  "AdminExtend",
  "AdminRenew",
  "SelfActivate",
  "SelfDeactivate",
  "SelfExtend",
  "SelfRenew",
];

const selfActions: Partial<Record<ArmRequestType, RequestAction>> = {
  SelfActivate: "selfActivate",
  SelfDeactivate: "selfDeactivate",
  SelfExtend: "selfExtend",
  SelfRenew: "selfRenew",
};

const expirationTypes = ["AfterDuration", "AfterDateTime", "NoExpiration"];

function optionalString(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw armErrors.badValue(path, JSON.stringify(value));
  return value;
}

function requiredString(obj: unknown, name: string): string {
  const v = prop(obj, name);
  if (v === undefined || v === null) throw armErrors.missingProperty("properties", name);
  if (typeof v !== "string") throw armErrors.badValue(`properties.${name}`, JSON.stringify(v));
  return v;
}

function requestPath(scope: ArmScope, name: string): string {
  return resourceId(scope, "roleAssignmentScheduleRequests", name);
}

/** Reads a PUT / validate body into the engine's input. */
function parseRequestBody(call: ArmCall, scope: ArmScope, name: string, validationOnly: boolean): SubmitInput {
  const body = jsonBody(call);
  if (!isRecord(body)) throw armErrors.invalidJson("The request content must be a JSON object.");
  const props = prop(body, "properties");
  if (props === undefined || props === null) throw armErrors.missingProperty("", "properties");
  if (!isRecord(props)) throw armErrors.badValue("properties", JSON.stringify(props));

  const roleDefinitionId = requiredString(props, "roleDefinitionId");
  const principalId = requiredString(props, "principalId");
  const requestTypeText = requiredString(props, "requestType");
  const requestType = requestTypes.find((t) => t.toLowerCase() === requestTypeText.toLowerCase());
  if (!requestType) throw armErrors.badValue("properties.requestType", requestTypeText);
  const action = selfActions[requestType];
  if (!action) {
    // Admin request types need Microsoft.Authorization/roleAssignments/write, which PIM users lack.
    throw armErrors.authorizationFailed(
      callerUpn(call),
      call.claims.oid,
      "Microsoft.Authorization/roleAssignments/write",
      requestPath(scope, name),
    );
  }

  const roleGuid = trailingGuid(roleDefinitionId);
  if (!roleGuid || !call.state.azureRoleDefinitions.some((d) => sameId(d.id, roleGuid))) {
    throw new ArmError(
      400,
      "RoleDefinitionDoesNotExist",
      `The specified role definition with ID '${roleDefinitionId}' does not exist.`,
    );
  }
  if (!isGuid(principalId)) {
    throw new ArmError(
      400,
      "InvalidPrincipalId",
      `The Principal ID '${principalId}' is not valid. Principal ID must be a GUID.`,
    );
  }

  const schedule = prop(props, "scheduleInfo");
  if (schedule !== undefined && schedule !== null && !isRecord(schedule)) {
    throw armErrors.badValue("properties.scheduleInfo", JSON.stringify(schedule));
  }
  const expiration = prop(schedule, "expiration");
  if (expiration !== undefined && expiration !== null && !isRecord(expiration)) {
    throw armErrors.badValue("properties.scheduleInfo.expiration", JSON.stringify(expiration));
  }
  const expirationType = optionalString(prop(expiration, "type"), "properties.scheduleInfo.expiration.type");
  if (expirationType !== null && !expirationTypes.some((t) => t.toLowerCase() === expirationType.toLowerCase())) {
    throw armErrors.badValue("properties.scheduleInfo.expiration.type", expirationType);
  }
  const ticket = prop(props, "ticketInfo");
  if (ticket !== undefined && ticket !== null && !isRecord(ticket)) {
    throw armErrors.badValue("properties.ticketInfo", JSON.stringify(ticket));
  }

  return {
    plane: "azure",
    action,
    principalId,
    target: { plane: "azure", scope: scope.id === "" ? "/" : scope.id, roleDefinitionId: roleGuid },
    justification: optionalString(prop(props, "justification"), "properties.justification"),
    ticketNumber: optionalString(prop(ticket, "ticketNumber"), "properties.ticketInfo.ticketNumber"),
    ticketSystem: optionalString(prop(ticket, "ticketSystem"), "properties.ticketInfo.ticketSystem"),
    startDateTime: optionalString(prop(schedule, "startDateTime"), "properties.scheduleInfo.startDateTime"),
    expirationType,
    duration: optionalString(prop(expiration, "duration"), "properties.scheduleInfo.expiration.duration"),
    endDateTime: optionalString(prop(expiration, "endDateTime"), "properties.scheduleInfo.expiration.endDateTime"),
    validationOnly,
    requestId: name.toLowerCase(),
    linkedEligibilityId: optionalString(
      prop(props, "linkedRoleEligibilityScheduleId"),
      "properties.linkedRoleEligibilityScheduleId",
    ),
  };
}

/** The engine's refusals in ARM's words (recorded messages where a recording exists). */
function engineError(call: ArmCall, error: EngineError, scope: ArmScope, name: string): ArmError {
  switch (error.code) {
    case "RoleAssignmentRequestPolicyValidationFailed":
      return new ArmError(400, error.code, policyFailureMessage(error.rules));
    case "RoleAssignmentRequestAcrsValidationFailed": {
      const message = engineErrorMessage(error);
      if (call.state.settings.acrsChallenge === "www-authenticate") {
        // The challenge travels in the header (base64 claims, as ARM's CAE challenges do).
        const text = message.slice(0, message.indexOf(" &claims=")).trim();
        return new ArmError(401, error.code, text, {
          "WWW-Authenticate": armChallenge(text, Buffer.from(error.claims, "utf8").toString("base64")),
        });
      }
      return new ArmError(400, error.code, message);
    }
    case "RoleAssignmentExists":
    case "RoleAssignmentDoesNotExist":
    case "ActiveDurationTooShort":
    case "PendingRoleAssignmentRequest":
      return new ArmError(400, error.code, stateErrorMessages[error.code]);
    case "NotEligible":
    case "PrincipalMismatch":
      return armErrors.authorizationFailed(
        callerUpn(call),
        call.claims.oid,
        "Microsoft.Authorization/roleAssignmentScheduleRequests/write",
        requestPath(scope, name),
      );
    case "RequestNameConflict":
      return armErrors.requestExists(name);
    case "InvalidRequest":
      return armErrors.badRequest(error.message);
  }
}

function checkName(name: string): void {
  if (!isGuid(name)) throw armErrors.badRequestName(name);
}

export function putRequest(call: ArmCall, scopeRaw: string, name: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, []);
  checkName(name);
  if (call.state.request("azure", name.toLowerCase()) ?? call.state.request("azure", name)) {
    throw armErrors.requestExists(name);
  }
  const input = parseRequestBody(call, scope, name, false);
  const result = call.state.submit(input, call.claims);
  if (!result.ok) throw engineError(call, result.error, scope, name);
  return ok(renderRequest(result.request, call.state), 201);
}

export function validateRequest(call: ArmCall, scopeRaw: string, name: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, []);
  checkName(name);
  const input = parseRequestBody(call, scope, name, true);
  const result = call.state.submit(input, call.claims);
  if (!result.ok) throw engineError(call, result.error, scope, name);
  return ok(renderRequest(result.request, call.state), 200);
}

function findRequest(call: ArmCall, scope: ArmScope, name: string): RequestRecord | undefined {
  const req = call.state.request("azure", name.toLowerCase()) ?? call.state.request("azure", name);
  if (!req) return undefined;
  return sameId(requestScope(req, call.state).id, scope.id) ? req : undefined;
}

function mayRead(call: ArmCall, req: RequestRecord, scope: ArmScope): boolean {
  const oid = call.claims.oid;
  if (isCaller(oid, req.principalId) || isCaller(oid, req.createdBy)) return true;
  if (req.approvalId) {
    const approval = call.state.approval(req.approvalId);
    if (approval?.stages.some((s) => s.approvers.some((a) => isCaller(oid, a)))) return true;
  }
  return canReadAt(call.state, oid, scope);
}

export function getRequest(call: ArmCall, scopeRaw: string, name: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, ["$expand"]);
  checkExpand(call);
  const req = findRequest(call, scope, name);
  if (!req) {
    throw armErrors.notFound(
      "RoleAssignmentScheduleRequestNotFound",
      `The role assignment schedule request '${name}' could not be found at scope '${scope.id || "/"}'.`,
    );
  }
  if (!mayRead(call, req, scope)) {
    throw armErrors.authorizationFailed(
      callerUpn(call),
      call.claims.oid,
      "Microsoft.Authorization/roleAssignmentScheduleRequests/read",
      requestPath(scope, name),
    );
  }
  return ok(renderRequest(req, call.state));
}

export function listRequests(call: ArmCall, scopeRaw: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, ["$filter", "$expand"]);
  checkExpand(call);
  const filter = filterOf(call, ["asTarget", "asRequestor", "asApprover", "atScope", "principalId"]);
  const oid = call.claims.oid;
  const personal =
    filter.asTarget ||
    filter.asRequestor ||
    filter.asApprover ||
    (filter.principalId !== undefined && isCaller(oid, filter.principalId));
  if (!personal && !canReadAt(call.state, oid, scope)) throw armErrors.insufficientPermissions(oid);

  const pendingForMe = filter.asApprover
    ? new Set(call.state.requests({ plane: "azure", approverId: oid }).map((r) => r.id.toLowerCase()))
    : undefined;
  const out: unknown[] = [];
  for (const req of call.state.requests({ plane: "azure" })) {
    if (filter.asTarget && !isCaller(oid, req.principalId)) continue;
    if (filter.asRequestor && !isCaller(oid, req.createdBy)) continue;
    if (pendingForMe && !pendingForMe.has(req.id.toLowerCase())) continue;
    if (filter.principalId !== undefined && !sameId(req.principalId, filter.principalId)) continue;
    const at = requestScope(req, call.state);
    const above = isAtOrBelow(scope, at, call.state);
    const below = isAtOrBelow(at, scope, call.state);
    if (filter.atScope ? !above : !below) continue;
    const item = renderRequest(req, call.state);
    if (item) out.push(item);
  }
  return page(call, out);
}

export function cancelRequest(call: ArmCall, scopeRaw: string, name: string): EmuResponse {
  const scope = scopeOf(call, scopeRaw);
  checkQueryOptions(call, []);
  const req = findRequest(call, scope, name);
  if (!req) {
    throw armErrors.notFound(
      "RoleAssignmentScheduleRequestNotFound",
      `The role assignment schedule request '${name}' could not be found at scope '${scope.id || "/"}'.`,
    );
  }
  const result = call.state.cancel("azure", req.id, call.claims.oid);
  if (!result.ok) {
    switch (result.error) {
      case "NotFound":
        throw armErrors.notFound(
          "RoleAssignmentScheduleRequestNotFound",
          `The role assignment schedule request '${name}' could not be found at scope '${scope.id || "/"}'.`,
        );
      case "NotCancellable":
        throw armErrors.requestNotCancellable();
      case "Forbidden":
        throw armErrors.authorizationFailed(
          callerUpn(call),
          call.claims.oid,
          "Microsoft.Authorization/roleAssignmentScheduleRequests/cancel/action",
          requestPath(scope, name),
        );
    }
  }
  return { status: 200, headers: {} };
}
