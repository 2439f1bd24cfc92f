import type { Cloud } from "@pimkit/contracts";
import type { PimCache } from "./cache";
import type { ChildScopeOptions } from "./child-scopes";
import type { Clock } from "./clock";
import type { TokenCredential } from "./credential";
import type { Logger, TraceHook } from "./logger";
import type {
  ActivationInput,
  ActivationPlan,
  ActivationResult,
  AuthContextListing,
  DeactivationResult,
  EffectiveProgress,
  ExecuteOptions,
  ListRolesOptions,
  PimRequest,
  PimRole,
  RequestListing,
  RoleKind,
  RoleListing,
  RoleScope,
  WaitOptions,
} from "./types";

/** Case-insensitive header lookup: what the core reads of response headers. */
export interface HeaderLookup {
  get(name: string): string | null;
}

/** A response body read chunk by chunk, so the core can stop at its size limit. */
export interface ByteStreamLike {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    cancel(reason?: unknown): Promise<void>;
  };
  cancel(reason?: unknown): Promise<void>;
}

/** What the core sends: always a URL string, a method, plain headers and a JSON text body. */
export interface HttpRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  redirect?: "error";
}

/** What the core reads of an answer; a WHATWG `Response` is one. */
export interface HttpResponseLike {
  readonly status: number;
  readonly headers: HeaderLookup;
  readonly body: ByteStreamLike | null;
}

/**
 * The transport the core sends through. The platform's `fetch` fits as is; a host can pass a
 * smaller one (the CLI sends through `node:https` and never loads the WHATWG fetch stack).
 */
export type FetchLike = (url: string, init: HttpRequestInit) => Promise<HttpResponseLike>;

export interface RetryOptions {
  /** Attempts per request including the first (default 4). */
  maxAttempts?: number;
  /** Upper bound on the time spent retrying one request, in ms (default 60 000). */
  maxRetryTimeMs?: number;
  /** First backoff step for transient failures, in ms (default 500). */
  baseDelayMs?: number;
  /** Largest single wait, in ms (default 30 000). A longer Retry-After fails the request as throttled. */
  maxDelayMs?: number;
  /** Per-attempt timeout, in ms (default 30 000). A hung request is aborted and treated as ambiguous. */
  attemptTimeoutMs?: number;
}

export interface PimClientOptions {
  cloud: Cloud;
  credential: TokenCredential;
  fetch?: FetchLike;
  clock?: Clock;
  logger?: Logger;
  /** Called once per HTTP attempt with a redacted summary (`PIMKIT_DEBUG=api`). */
  trace?: TraceHook;
  cache?: PimCache;
  /** Tenant id for cache keys and claims; read from the access token when absent. */
  tenantId?: string;
  /** Object id of the signed-in user; read from the access token when absent. */
  principalId?: string;
  /** Sent as `User-Agent` (Node) / `x-ms-useragent`-style header; default `pimkit-core/<version>`. */
  userAgent?: string;
  retry?: RetryOptions;
  /** ARM writes (activation, deactivation PUTs) in flight at once (default 8). */
  armConcurrency?: number;
  /** ARM reads (policy assignments) in flight at once (default 16). */
  armReadConcurrency?: number;
  /** Graph `$batch` requests in flight at once (default 8 for reads, at most 5 when they carry writes). */
  graphBatchConcurrency?: number;
  /** Largest response body accepted, in bytes (default 16 MiB). */
  maxResponseBytes?: number;
  /** Most pages followed in one listing (default 200). */
  maxPages?: number;
  /** Source of randomness for jitter (tests pass a fixed one). */
  random?: () => number;
  /** GUID factory for ARM request names (default crypto.randomUUID). */
  newGuid?: () => string;
}

export interface CancelOptions {
  abortSignal?: AbortSignal;
}

export interface CancelResult {
  requestId: string;
  kind: RoleKind;
  outcome: "canceled" | "failed";
  error: { code: string; message: string } | null;
}

export interface DeactivateOptions {
  abortSignal?: AbortSignal;
  onResult?: (result: DeactivationResult) => void;
}

export interface PimClient {
  /** Eligible, active and pending roles of every plane, with requirements; per-plane problems are reported, not thrown. */
  listRoles(options?: ListRolesOptions): Promise<RoleListing>;
  /** Authentication contexts with their names and the Conditional Access policies that reference them. */
  listAuthContexts(options?: { abortSignal?: AbortSignal }): Promise<AuthContextListing>;
  /** Validates input against each role's requirements without sending anything that changes state. */
  planActivation(
    roles: PimRole[],
    input: ActivationInput,
    options?: { abortSignal?: AbortSignal },
  ): Promise<ActivationPlan>;
  /** Sends a valid plan (throws `plan_invalid` for one with problems). One failure never stops the others. */
  executeActivation(plan: ActivationPlan, options?: ExecuteOptions): Promise<ActivationResult[]>;
  /** plan + execute; a plan with problems throws `plan_invalid` (its `plan` attached) before any request. */
  activate(roles: PimRole[], input: ActivationInput, options?: ExecuteOptions): Promise<ActivationResult[]>;
  /** Polls until each activation is visible (or denied, or the timeout passes). */
  waitUntilEffective(results: ActivationResult[], options?: WaitOptions): Promise<EffectiveProgress[]>;
  deactivate(roles: PimRole[], options?: DeactivateOptions): Promise<DeactivationResult[]>;
  /**
   * The user's requests on every plane, newest first. `pendingOnly`: only those that can still be
   * cancelled, awaiting approval (`pendingReason: "approval"`) or granted for a future start
   * (`pendingReason: "scheduled"`).
   */
  listRequests(options?: {
    pendingOnly?: boolean;
    kinds?: RoleKind[];
    abortSignal?: AbortSignal;
  }): Promise<RequestListing>;
  /**
   * Scopes beneath an Azure role's eligible scope it can be activated at (`eligibleChildResources`),
   * subscriptions as `/subscriptions/{id}`. A role of another plane throws `invalid_input`.
   */
  listEligibleChildScopes(role: PimRole, options?: ChildScopeOptions): Promise<RoleScope[]>;
  /** Cancels a pending (or scheduled) request, by request object or id. */
  cancelRequest(request: PimRequest | string, options?: CancelOptions): Promise<CancelResult>;
  /** Drops cached policies (and auth-context names) of this tenant. */
  invalidateCache(): Promise<void>;
}
