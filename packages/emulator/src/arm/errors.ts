/**
 * ARM error envelope (`CloudError`: `{"error":{"code","message"}}`) and the catalogue of codes the
 * local tenant answers with. Messages are ARM's own where a live answer was found (sources in
 * docs/emulator-fidelity.md); the rest say plainly what went wrong in ARM's tone.
 */
import type { ArmErrorBody } from "@pimkit/contracts";

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): ArmErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Management-plane audiences ARM accepts (its own wording lists them in this order). */
export const armAudiences = [
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://management.azure.com/",
  "https://management.azure.com",
] as const;

/** The WWW-Authenticate challenge ARM sends with every 401. */
export function armChallenge(description: string, claimsBase64?: string): string {
  const parts = [
    `Bearer authorization_uri="https://login.windows.net/"`,
    `error="invalid_token"`,
    `error_description="${description.replace(/"/g, "'")}"`,
  ];
  if (claimsBase64 !== undefined) parts.push(`claims="${claimsBase64}"`);
  return parts.join(", ");
}

function unauthorized(code: string, message: string, description = message): ArmError {
  return new ArmError(401, code, message, { "WWW-Authenticate": armChallenge(description) });
}

/** ARM prints token times as .NET's invariant `M/d/yyyy h:mm:ss tt` in UTC. */
export function armUtcTime(date: Date): string {
  const h = date.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ` +
    `${h % 12 === 0 ? 12 : h % 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`
  );
}

export const armErrors = {
  missingAuthorization: () =>
    unauthorized(
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing.",
      "The authentication failed because of missing 'Authorization' header.",
    ),
  invalidToken: () => unauthorized("InvalidAuthenticationToken", "The access token is invalid."),
  expiredToken: (exp: Date, now: Date) =>
    unauthorized(
      "ExpiredAuthenticationToken",
      `The access token expiry UTC time '${armUtcTime(exp)}' is earlier than current UTC time '${armUtcTime(now)}'.`,
    ),
  wrongAudience: (aud: string) =>
    unauthorized(
      "InvalidAuthenticationTokenAudience",
      `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences ${armAudiences.map((a) => `'${a}'`).join(",")}.`,
    ),
  wrongIssuer: (iss: string, expectedIssuer: string, authority: string) =>
    unauthorized(
      "InvalidAuthenticationTokenTenant",
      `The access token is from the wrong issuer '${iss}'. It must match the tenant '${expectedIssuer}' associated with this subscription. Please use the authority (URL) '${authority}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
    ),
  missingScope: () =>
    unauthorized(
      "InvalidAuthenticationToken",
      "The access token does not grant the delegated permission 'user_impersonation' that Azure Resource Manager requires.",
    ),

  missingApiVersion: () =>
    new ArmError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    ),
  /** Microsoft.Authorization / Microsoft.Management types: ARM's resource-type lookup fails (404). */
  invalidResourceTypeVersion: (type: string, namespace: string, version: string, supported: readonly string[]) =>
    new ArmError(
      404,
      "InvalidResourceType",
      `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${version}'. The supported api-versions are '${supported.join(",")}'.`,
    ),
  /** Role definitions answer with the provider-registration wording. */
  noRegisteredProvider: (type: string, version: string, supported: readonly string[]) =>
    new ArmError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location 'global' and API version '${version}' for type '${type}'. The supported api-versions are '${supported.join(", ")}'. The supported locations are ''.`,
    ),
  /** Microsoft.Resources' own types (subscriptions, tenants, resource groups). */
  invalidApiVersion: (version: string, supported: readonly string[]) =>
    new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${version}' is invalid. The supported versions are '${[...supported].reverse().join(",")}'.`,
    ),

  notImplemented: (method: string, path: string) =>
    new ArmError(501, "NotImplemented", `The local tenant does not implement ${method} ${path}.`),
  methodNotAllowed: (method: string, type: string) =>
    new ArmError(
      405,
      "MethodNotAllowed",
      `The HTTP method '${method}' is not supported for the resource type '${type}'.`,
    ),
  unsupportedFilter: (filter: string, supported: readonly string[]) =>
    new ArmError(
      400,
      "UnsupportedQuery",
      `The filter '${filter}' is not supported. Supported filters are either ${supported.map((s) => `'${s}'`).join(" or ")}.`,
    ),
  unsupportedQueryOption: (name: string) =>
    new ArmError(400, "UnsupportedQuery", `The query parameter '${name}' is not supported for this request.`),
  badSkipToken: () => new ArmError(400, "InvalidSkipToken", "The $skipToken query parameter is not valid."),

  invalidJson: (detail: string) =>
    new ArmError(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: '${detail}'.`,
    ),
  missingProperty: (path: string, name: string) =>
    new ArmError(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: 'Required property '${name}' not found in JSON. Path '${path}'.'.`,
    ),
  badValue: (path: string, value: string) =>
    new ArmError(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: 'Error converting value "${value}". Path '${path}'.'.`,
    ),
  badRequestName: (name: string) =>
    new ArmError(
      400,
      "BadRequest",
      `The role assignment schedule request name '${name}' is not valid. It must be a GUID.`,
    ),
  badRequest: (message: string) => new ArmError(400, "BadRequest", message),

  authorizationFailed: (upn: string, oid: string, action: string, scope: string) =>
    new ArmError(
      403,
      "AuthorizationFailed",
      `The client '${upn}' with object id '${oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    ),
  /** Listing other principals' schedules without read access (observed live as 400). */
  insufficientPermissions: (oid: string) =>
    new ArmError(
      400,
      "InsufficientPermissions",
      `The requestor ${oid} does not have permissions for this request. Please use $filter=asTarget() to filter on the requestor's assignments.`,
    ),

  notFound: (code: string, message: string) => new ArmError(404, code, message),

  requestExists: (name: string) =>
    new ArmError(409, "RoleAssignmentRequestExists", `A role assignment request with Id: ${name} already exists.`),
  requestNotCancellable: () => new ArmError(400, "RequestCannotBeCancelled", "Request is not in cancellable state."),
} as const;
