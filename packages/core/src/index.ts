/**
 * @pimkit/core — discover, explain and activate PIM roles on the three planes (Entra directory
 * roles, PIM for Groups, Azure resource roles). Isomorphic: tokens, fetch, clock, logger and cache
 * are injected.
 */
export type { CacheEntry, PimCache } from "./cache";
export { createMemoryCache, policyCacheTtlMs } from "./cache";
export type { ChildScopeOptions } from "./child-scopes";
export type { WwwAuthenticateChallenge } from "./claims";
export { buildAcrsClaims, mergeClaims, parseClaimsChallenge, parseWwwAuthenticate } from "./claims";
export { createPimClient } from "./client";
export type {
  ByteStreamLike,
  CancelOptions,
  CancelResult,
  DeactivateOptions,
  FetchLike,
  HeaderLookup,
  HttpRequestInit,
  HttpResponseLike,
  PimClient,
  PimClientOptions,
  RetryOptions,
} from "./client-types";
export type { Clock, ManualClock } from "./clock";
export { createManualClock, systemClock } from "./clock";
export type { AccessToken, GetTokenOptions, TokenCredential } from "./credential";
export {
  addDuration,
  compareDurations,
  durationToSeconds,
  formatDuration,
  normalizeDuration,
  parseDurationInput,
  secondsToIsoDuration,
} from "./durations";
export type { PimErrorCode, PimErrorOptions } from "./errors";
export { isPimError, PimError, pimErrorCodes, toErrorInfo } from "./errors";
export { parseRetryAfter } from "./http/retry-after";
export type { LogFields, Logger, LogLevel, TraceEvent, TraceHook } from "./logger";
export { redactUrl } from "./logger";
export type { RoleMatch } from "./match";
export { matchRoles } from "./match";
export { compareIsoTime, textComparator } from "./text-order";
export type * from "./types";
