/**
 * Every error the sign-in surface answers, in one catalogue. Codes and texts follow Microsoft's
 * "Microsoft Entra authentication and authorization error codes" reference (entra-docs
 * identity-platform/reference-error-codes.md) and error bodies recorded from the live service in
 * public issues; where the reference gives only a name, the text is ours and says so in a comment.
 *
 * Token endpoint errors are the OAuth 2.0 JSON body Entra sends (`error`, `error_description`
 * ending in trace/correlation/timestamp lines, `error_codes`, `timestamp`, `trace_id`,
 * `correlation_id`, `error_uri`, plus `suberror` and `claims` for interaction errors).
 * Authorize errors travel to the redirect URI as `error`, `error_description`, `error_uri`.
 */
import { type EmuRequest, type EmuResponse, json } from "../http/types";
import { entraTimestamp, isGuid, withCors } from "./util";

export interface EntraError {
  /** OAuth 2.0 `error`. */
  error: string;
  /** The AADSTS number. */
  code: number;
  /** Text after `AADSTS<code>: `. */
  message: string;
  suberror?: string;
  /** Claims the client must request in its next interactive sign-in (JSON text). */
  claims?: string;
  /** HTTP status at the token endpoint (400 unless said). */
  status?: number;
  /** `error_subcode` on an authorize redirect (e.g. `cancel`). */
  subcode?: string;
}

export const entraErrors = {
  missingParameter: (name: string): EntraError => ({
    error: "invalid_request",
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),
  invalidParameter: (name: string): EntraError => ({
    error: "invalid_request",
    code: 90100,
    // Reference: "InvalidRequestParameter - The parameter is empty or not valid."
    message: `The parameter '${name}' is empty or not valid.`,
  }),
  tenantNotFound: (tenant: string): EntraError => ({
    error: "invalid_tenant",
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  appNotFound: (clientId: string, tenantName: string): EntraError => ({
    error: "unauthorized_client",
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  redirectMismatch: (redirectUri: string, clientId: string): EntraError => ({
    error: "invalid_request",
    code: 50011,
    message: `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
  }),
  unsupportedResponseType: (value: string): EntraError => ({
    error: "unsupported_response_type",
    code: 70005,
    // Reference: "UnsupportedResponseType - The app returned an unsupported response type".
    message: `The provided value for the input parameter 'response_type' is not allowed for this request. Expected value is 'code'. Received '${value}'.`,
  }),
  unsupportedResponseMode: (value: string): EntraError => ({
    error: "invalid_request",
    code: 70007,
    // Reference: "UnsupportedResponseMode - The app returned an unsupported value of response_mode".
    message: `The provided value '${value}' for the input parameter 'response_mode' is not supported.`,
  }),
  pkceRequired: (): EntraError => ({
    error: "invalid_request",
    code: 9002325,
    message: "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
  }),
  pkceMethodNotSupported: (method: string): EntraError => ({
    error: "invalid_request",
    code: 90100,
    // The local tenant accepts only S256 (Entra also accepts `plain`); documented difference.
    message: `The parameter 'code_challenge_method' is empty or not valid: '${method}' is not supported by the local tenant, use 'S256'.`,
  }),
  pkceChallengeSize: (): EntraError => ({
    error: "invalid_request",
    code: 501491,
    message: "Invalid size of Code_Challenge parameter.",
  }),
  pkceMismatch: (): EntraError => ({
    error: "invalid_grant",
    code: 501481,
    message: "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
  }),
  invalidPrompt: (value: string): EntraError => ({
    error: "invalid_request",
    code: 90023,
    message: `Invalid prompt value '${value}'. Supported values are 'login', 'none', 'consent', 'select_account' and 'create'.`,
  }),
  invalidClaims: (): EntraError => ({
    error: "invalid_request",
    code: 90100,
    message: "The parameter 'claims' is empty or not valid: it must be a JSON object.",
  }),
  loginRequired: (): EntraError => ({
    error: "login_required",
    code: 50058,
    message:
      "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Azure AD. This can happen if the user is using Internet Explorer or Edge, and the web app sending the silent sign-in request is in different IE security zone than the Azure AD endpoint (login.microsoftonline.com).",
  }),
  userCancelled: (): EntraError => ({
    error: "access_denied",
    code: 65004,
    subcode: "cancel",
    message: "User declined to consent to access the app.",
  }),
  /** A requested authentication context the user cannot (or did not) satisfy. */
  blockedByConditionalAccess: (): EntraError => ({
    error: "access_denied",
    code: 53003,
    message: "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
  }),
  /** MFA was required and the user has no method to do it with. */
  mfaEnrollmentRequired: (resource: string): EntraError => ({
    error: "access_denied",
    code: 50079,
    message: `Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '${resource}'.`,
  }),
  /** MFA was required and the user did not pass it. */
  mfaNotPassed: (): EntraError => ({
    error: "access_denied",
    code: 50074,
    message: "Strong Authentication is required.",
  }),
  /** Refresh-token grant asking for claims the session has not satisfied. */
  stepUpRequired: (resource: string, claims: string): EntraError => ({
    error: "interaction_required",
    code: 50076,
    suberror: "basic_action",
    claims,
    message: `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`,
  }),
  unknownUser: (tenantName: string): EntraError => ({
    error: "invalid_grant",
    code: 50034,
    message: `The user account {EUII Hidden} does not exist in the ${tenantName} directory. To sign into this application, the account must be added to the directory.`,
  }),
  unsupportedGrantType: (grantType: string): EntraError => ({
    error: "unsupported_grant_type",
    code: 70003,
    message: `The app requested an unsupported grant type '${grantType}'.`,
  }),
  publicClientWithSecret: (): EntraError => ({
    error: "invalid_client",
    code: 700025,
    status: 401,
    message: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
  }),
  invalidCode: (): EntraError => ({
    error: "invalid_grant",
    code: 9002313,
    message: "Invalid request. Request is malformed or invalid.",
  }),
  codeRedeemed: (): EntraError => ({
    error: "invalid_grant",
    code: 54005,
    message:
      "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
  }),
  codeExpired: (): EntraError => ({
    error: "invalid_grant",
    code: 70008,
    message:
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
  }),
  codeOtherClient: (): EntraError => ({
    error: "invalid_grant",
    code: 70000,
    // Reference: "InvalidGrant"; the sentence after it is ours.
    message: "The provided value for the 'code' parameter is not valid. The code was issued to a different client.",
  }),
  codeOtherTenant: (): EntraError => ({
    error: "invalid_grant",
    code: 700005,
    message:
      "Provided Authorization Code is intended to use against other tenant, thus rejected. OAuth2 Authorization Code must be redeemed against same tenant it was acquired for (/common or /{tenant-ID} as appropriate).",
  }),
  replyMismatch: (got: string, expected: string): EntraError => ({
    error: "invalid_grant",
    code: 500112,
    message: `The reply address '${got}' does not match the reply address '${expected}' provided when requesting Authorization code.`,
  }),
  spaRequiresOrigin: (): EntraError => ({
    error: "invalid_request",
    code: 9002327,
    message:
      "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
  }),
  invalidRefreshToken: (): EntraError => ({
    error: "invalid_grant",
    code: 9002313,
    message: "Invalid request. Request is malformed or invalid.",
  }),
  refreshTokenOtherClient: (): EntraError => ({
    error: "invalid_grant",
    code: 70000,
    message: "Provided grant is invalid or malformed. The refresh token was issued to a different client.",
  }),
  refreshTokenExpired: (issued: string): EntraError => ({
    error: "invalid_grant",
    code: 700082,
    message: `The refresh token has expired due to inactivity. The token was issued on ${issued} and was inactive for 90.00:00:00.`,
  }),
  spaRefreshTokenExpired: (issued: string): EntraError => ({
    error: "invalid_grant",
    code: 700084,
    message: `The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on ${issued}.`,
  }),
  emptyScope: (): EntraError => ({
    error: "invalid_scope",
    code: 28003,
    message:
      "Provided value for the input parameter scope cannot be empty when requesting an access token using the provided authorization code. Please specify a valid scope.",
  }),
  invalidScope: (scope: string): EntraError => ({
    error: "invalid_scope",
    code: 70011,
    message: `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' is not valid.`,
  }),
  multipleResources: (scope: string): EntraError => ({
    error: "invalid_scope",
    code: 28000,
    message: `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`,
  }),
  resourceNotFound: (resource: string, tenantName: string): EntraError => ({
    error: "invalid_resource",
    code: 500011,
    message: `The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  }),
  consentRequired: (clientId: string, resource: string): EntraError => ({
    error: "invalid_grant",
    code: 65001,
    suberror: "consent_required",
    message: `The user or administrator has not consented to use the application with ID '${clientId}'. Send an interactive authorization request for this user and resource ('${resource}').`,
  }),
  authorizationPending: (): EntraError => ({
    error: "authorization_pending",
    code: 70016,
    message: "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
  }),
  deviceCodeExpired: (): EntraError => ({
    error: "expired_token",
    code: 70019,
    message: "Verification code expired.",
  }),
  badDeviceCode: (): EntraError => ({
    error: "bad_verification_code",
    code: 70000,
    message: "Provided grant is invalid or malformed. The device_code is not recognized.",
  }),
  deviceCodeDeclined: (): EntraError => ({
    error: "authorization_declined",
    code: 70020,
    // Reference name only ("authorization_declined: the end user denied the authorization request").
    message: "The end user denied the authorization request.",
  }),
  deviceCodeUsed: (): EntraError => ({
    error: "invalid_grant",
    code: 90120,
    message: "InvalidDeviceFlowRequest - The request was already authorized or declined.",
  }),
  methodNotAllowed: (allowed: string, got: string): EntraError => ({
    error: "invalid_request",
    code: 900561,
    status: 405,
    message: `The endpoint only accepts ${allowed} requests. Received a ${got} request.`,
  }),
  invalidInstance: (): EntraError => ({
    error: "invalid_instance",
    code: 50049,
    message: "Unknown or invalid instance.",
  }),
};

/** Identifiers Entra puts in every error: a trace id per answer and the client's correlation id. */
export interface ErrorIds {
  traceId: string;
  correlationId: string;
  now: Date;
}

export function errorIds(req: EmuRequest, now: Date, newId: () => string): ErrorIds {
  const fromClient = req.url.searchParams.get("client-request-id") ?? req.headers["client-request-id"];
  return {
    traceId: isGuid(req.requestId) ? req.requestId : newId(),
    correlationId: fromClient && isGuid(fromClient) ? fromClient : newId(),
    now,
  };
}

export function describe(e: EntraError, ids: ErrorIds): string {
  return `AADSTS${e.code}: ${e.message}\r\nTrace ID: ${ids.traceId}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${entraTimestamp(ids.now)}`;
}

export function errorUri(e: EntraError): string {
  return `https://login.microsoftonline.com/error?code=${e.code}`;
}

/** The JSON error a token-type endpoint answers (token, devicecode, discovery). */
export function tokenErrorResponse(e: EntraError, ids: ErrorIds): EmuResponse {
  const body: Record<string, unknown> = {
    error: e.error,
    error_description: describe(e, ids),
    error_codes: [e.code],
    timestamp: entraTimestamp(ids.now),
    trace_id: ids.traceId,
    correlation_id: ids.correlationId,
    error_uri: errorUri(e),
  };
  if (e.suberror) body.suberror = e.suberror;
  if (e.claims) body.claims = e.claims;
  return withCors(json(e.status ?? 400, body, { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" }));
}

/** Parameters an authorize error carries back to the redirect URI. */
export function redirectErrorParams(e: EntraError, ids: ErrorIds): Array<[string, string]> {
  const out: Array<[string, string]> = [["error", e.error]];
  if (e.subcode) out.push(["error_subcode", e.subcode]);
  out.push(["error_description", describe(e, ids)], ["error_uri", errorUri(e)]);
  return out;
}
