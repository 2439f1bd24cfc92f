/**
 * Graph error answers: the OData envelope and every code and message the surface emits, in one
 * place. Sources per entry are in docs/emulator-fidelity.md; the short form:
 *  - [REC]  seen in a response captured from the live service (issue logs, client test fixtures)
 *  - [DOC]  Microsoft Graph documentation
 *  - [INF]  our inference where no capture exists (kept plausible, never claimed as verbatim)
 */

/** A Graph answer other than success, thrown anywhere below the router and rendered once. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The PIM backend's own errors reach Graph clients wrapped: `error.code` is `UnknownError` and
 * `error.message` is a JSON document with the backend's `errorCode` [REC: PermissionScopeNotGranted
 * (microsoft-graph-docs #22292, terraform-provider-azuread #1407), MissingProvider (graph-docs #20060),
 * RoleAssignmentRequestAcrsValidationFailed (winebarrel/azpim fixtures)].
 */
export function wrapped(status: number, errorCode: string, message: string, annotations = true): GraphError {
  const inner: Record<string, unknown> = { errorCode, message };
  if (annotations) inner.instanceAnnotations = [];
  return new GraphError(status, "UnknownError", JSON.stringify(inner));
}

export const messages = {
  // 401 per token failure [REC: msgraph-sample-reactspa #54, azure-cli/terraform issue logs, graph-docs #2362].
  tokenMissing: "Access token is empty.",
  tokenMalformed: "CompactToken parsing failed with error code: 80049217",
  tokenBadSignature: "Signature is invalid.",
  tokenExpired: "Lifetime validation failed, the token is expired.",
  tokenNotYetValid: "Lifetime validation failed, the token is not yet valid.", // [INF]
  tokenAudience: "Access token validation failure. Invalid audience.",
  tokenIssuer: "Access token validation failure. Invalid issuer.", // [INF]
  // Request body [REC: graph-docs-contrib #6337, msgraph-cli #258].
  unreadableJson:
    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
  contentTypeMissing: "Write requests (excluding DELETE) must contain the Content-Type header declaration.",
  // Directory objects [REC: Microsoft Graph batch example; terraform-provider-azuread issue logs].
  insufficientPrivileges: "Insufficient privileges to complete the operation.",
  // Conditional Access [REC: terraform-provider-azuread #1687].
  caScopesMissing: "You cannot perform the requested operation, required scopes are missing in the token.",
  invalidRequest: "The role assignment request is invalid.", // [REC: terraform-provider-azuread #1464]
  unauthorized: "Attempted to perform an unauthorized operation.", // [REC: graph-docs-contrib #9056]
  notCancellable: "Request is not in cancellable state.", // [REC: EasyPIM #79]
  throttled: "Please retry again later.", // [DOC: concepts/throttling.md]
  batchTooLarge: "Number of requests inside batch exceeds the limit.", // [REC: postman collections #9]
  caeChallenge:
    "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenCreatedWithOutdatedPolicies",
} as const;

/** The Graph OData envelope [DOC concepts/errors.md; `innerError` casing as in live responses]. */
export function errorBody(
  code: string,
  message: string,
  date: string,
  requestId: string,
  clientRequestId: string,
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: { code, message, innerError: { date, "request-id": requestId, "client-request-id": clientRequestId } },
  };
}

/** OData's answer for a property the entity type does not declare (standard ODataException text). */
export function unknownProperty(property: string, type: string): GraphError {
  return new GraphError(
    400,
    "BadRequest",
    `Could not find a property named '${property}' on type 'microsoft.graph.${type}'.`,
  );
}

export function notImplemented(method: string, route: string): GraphError {
  return new GraphError(501, "NotImplemented", `${method} ${route} is not implemented by the pimkit local tenant.`);
}

/** PIM entities looked up by an id that names nothing [INF: code as other OData services answer]. */
export function resourceNotFound(kind: string, id: string): GraphError {
  return new GraphError(404, "ResourceNotFound", `No ${kind} with id '${id}' was found.`);
}

/** Directory objects (users, groups, administrative units) [REC: terraform-provider-azuread issue logs]. */
export function directoryObjectNotFound(id: string): GraphError {
  return new GraphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function invalidObjectId(id: string): GraphError {
  return new GraphError(400, "Request_BadRequest", `Invalid object identifier '${id}'.`);
}
