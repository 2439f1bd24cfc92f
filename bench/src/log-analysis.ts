/**
 * Everything the benchmarks count comes from the emulator's request log, never from the clients'
 * own bookkeeping: requests per surface, `$batch` items, paging, accepted activation writes per
 * role (duplicates), and the sequential depth of the requests (how many round trips had to
 * happen one after another).
 */
import type { RequestLogEntry } from "@pimkit/emulator";
import type { EmulatorStateDump } from "./emulator-process";

/** Requests that reached the tenant over HTTP (a `$batch` counts once; its items are not HTTP requests). */
export function httpRequests(entries: readonly RequestLogEntry[]): RequestLogEntry[] {
  return entries.filter(
    (e) => e.batch === undefined && (e.surface === "graph" || e.surface === "arm" || e.surface === "entra"),
  );
}

function isPageFollowUp(e: RequestLogEntry): boolean {
  return Object.keys(e.query).some((k) => k.toLowerCase() === "$skiptoken");
}

export interface RequestCounts {
  /** HTTP requests to sign-in, Graph and ARM. */
  total: number;
  graph: number;
  arm: number;
  /** Sign-in surface (token, authorize, sign-in page). */
  signIn: number;
  /** Items carried inside Graph `$batch` requests. */
  batchItems: number;
  /** Requests that followed a nextLink (a next page). */
  paging: number;
  /** Graph + ARM requests that were not page follow-ups: the figure that must not grow with subscriptions. */
  resourceExcludingPaging: number;
  /** HTTP requests answered 429. */
  throttled: number;
}

export function countRequests(entries: readonly RequestLogEntry[]): RequestCounts {
  const http = httpRequests(entries);
  const graph = http.filter((e) => e.surface === "graph");
  const arm = http.filter((e) => e.surface === "arm");
  const paging = http.filter(isPageFollowUp).length;
  return {
    total: http.length,
    graph: graph.length,
    arm: arm.length,
    signIn: http.filter((e) => e.surface === "entra").length,
    batchItems: entries.filter((e) => e.batch !== undefined).length,
    paging,
    resourceExcludingPaging: [...graph, ...arm].filter((e) => !isPageFollowUp(e)).length,
    throttled: entries.filter((e) => e.status === 429).length,
  };
}

function bodyOf(e: RequestLogEntry): Record<string, unknown> {
  return typeof e.body === "object" && e.body !== null && !Array.isArray(e.body)
    ? (e.body as Record<string, unknown>)
    : {};
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** `{guid}` from `/providers/Microsoft.Authorization/roleDefinitions/{guid}` (or a bare guid). */
function roleGuid(id: string): string {
  return (id.split("/").pop() ?? id).toLowerCase();
}

/** The role an activation write is for, in the same key space as `targetKey`. */
export function activationKey(e: RequestLogEntry): string | undefined {
  const body = bodyOf(e);
  if (
    e.surface === "graph" &&
    e.method === "POST" &&
    /\/(roleAssignmentScheduleRequests|assignmentScheduleRequests)$/.test(e.path)
  ) {
    if (str(body.action).toLowerCase() !== "selfactivate" || body.isValidationOnly === true) return undefined;
    if (body.groupId !== undefined) return `group|${str(body.groupId).toLowerCase()}|${str(body.accessId)}`;
    return `entra|${str(body.roleDefinitionId).toLowerCase()}|${str(body.directoryScopeId).toLowerCase()}`;
  }
  if (e.surface === "arm" && e.method === "PUT" && /\/roleAssignmentScheduleRequests\/[^/]+$/i.test(e.path)) {
    const props = bodyOf({ ...e, body: body.properties });
    if (str(props.requestType).toLowerCase() !== "selfactivate") return undefined;
    const scope = e.path
      .replace(/^\/arm/, "")
      .replace(/\/providers\/Microsoft\.Authorization\/roleAssignmentScheduleRequests\/[^/]+$/i, "");
    return `azure|${scope.toLowerCase()}|${roleGuid(str(props.roleDefinitionId))}`;
  }
  return undefined;
}

/** The same key for a tenant-state target (eligibility, assignment, request). */
export function targetKey(t: Record<string, string>): string {
  if (t.plane === "directoryRole")
    return `entra|${(t.roleDefinitionId ?? "").toLowerCase()}|${(t.directoryScopeId ?? "").toLowerCase()}`;
  if (t.plane === "group") return `group|${(t.groupId ?? "").toLowerCase()}|${t.accessId ?? ""}`;
  return `azure|${(t.scope ?? "").toLowerCase()}|${roleGuid(t.roleDefinitionId ?? "")}`;
}

export interface WriteCounts {
  /** Activation writes the tenant accepted (201/200), all roles together. */
  accepted: number;
  /** Activation writes refused (claims challenge, policy, throttling...). */
  refused: number;
  /** Roles with more than one accepted activation write: must be 0. */
  rolesWithDuplicates: number;
  /** Accepted writes beyond the first per role. */
  duplicateWrites: number;
  /** Roles with an accepted write, per plane. */
  rolesByPlane: { entra: number; group: number; azure: number };
}

export function countActivationWrites(entries: readonly RequestLogEntry[]): WriteCounts {
  const perRole = new Map<string, number>();
  let refused = 0;
  for (const e of entries) {
    const key = activationKey(e);
    if (!key) continue;
    if (e.status === 200 || e.status === 201) perRole.set(key, (perRole.get(key) ?? 0) + 1);
    else refused++;
  }
  let rolesWithDuplicates = 0;
  let duplicateWrites = 0;
  let accepted = 0;
  const rolesByPlane = { entra: 0, group: 0, azure: 0 };
  for (const [key, n] of perRole) {
    const plane = key.slice(0, key.indexOf("|")) as keyof typeof rolesByPlane;
    if (plane in rolesByPlane) rolesByPlane[plane]++;
    accepted += n;
    if (n > 1) {
      rolesWithDuplicates++;
      duplicateWrites += n - 1;
    }
  }
  return { accepted, refused, rolesWithDuplicates, duplicateWrites, rolesByPlane };
}

export interface FinalState {
  eligible: number;
  activated: number;
  pendingApproval: number;
  /** Eligibilities with neither an activation nor a pending request: must be 0. */
  untouched: number;
  /** Keys of the untouched ones (first few), to say which. */
  untouchedKeys: string[];
}

const liveStatuses = new Set(["provisioned", "pendingprovisioning", "granted"]);

/** Reads the tenant: every current eligibility of `oid` must be activated or waiting for approval. */
export function finalState(state: EmulatorStateDump, oid: string): FinalState {
  const eligibilities = state.eligibilities.filter((e) => e.principalId === oid && e.current !== false);
  const activatedKeys = new Set<string>();
  const activatedEligibilities = new Set<string>();
  for (const a of state.assignments) {
    if (a.principalId !== oid || a.assignmentType !== "Activated") continue;
    activatedKeys.add(targetKey(a.target));
    if (a.eligibilityId) activatedEligibilities.add(a.eligibilityId);
  }
  const pendingKeys = new Set<string>();
  for (const r of state.requests) {
    if (r.principalId !== oid || r.action !== "selfActivate") continue;
    const s = r.status.toLowerCase();
    if (s === "pendingapproval") pendingKeys.add(targetKey(r.target));
    else if (liveStatuses.has(s)) activatedKeys.add(targetKey(r.target));
  }
  let activated = 0;
  let pendingApproval = 0;
  const untouchedKeys: string[] = [];
  for (const e of eligibilities) {
    const key = targetKey(e.target);
    if (activatedEligibilities.has(e.id) || activatedKeys.has(key)) activated++;
    else if (pendingKeys.has(key)) pendingApproval++;
    else untouchedKeys.push(key);
  }
  return {
    eligible: eligibilities.length,
    activated,
    pendingApproval,
    untouched: untouchedKeys.length,
    untouchedKeys: untouchedKeys.slice(0, 5),
  };
}

/**
 * Longest chain of HTTP requests in which each one started only after the previous one had been
 * answered: the round trips that happened one after another. Starts and ends come from the log
 * (answer time minus the server-side duration, which includes the emulator's latency); 2 ms of
 * slack absorbs the millisecond resolution of the log's clock.
 */
export function sequentialDepth(entries: readonly RequestLogEntry[]): number {
  const spans = httpRequests(entries)
    .map((e) => {
      const end = Date.parse(e.time);
      return { start: end - e.durationMs, end };
    })
    .sort((a, b) => a.end - b.end);
  const slackMs = 2;
  const depth: number[] = [];
  let best = 0;
  for (let i = 0; i < spans.length; i++) {
    const cur = spans[i];
    if (!cur) continue;
    let before = 0;
    for (let j = 0; j < i; j++) {
      const prev = spans[j];
      if (prev && prev.end <= cur.start + slackMs) before = Math.max(before, depth[j] ?? 0);
    }
    depth[i] = before + 1;
    best = Math.max(best, before + 1);
  }
  return best;
}

/** Requests per "surface method path-shape", most frequent first (ids folded), for reports. */
export function requestShapes(entries: readonly RequestLogEntry[], limit = 12): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const e of entries) {
    if (e.surface === "admin" || e.surface === "portal") continue;
    const shape = e.path
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}")
      .replace(/\/(managementGroups|resourceGroups)\/[^/]+/gi, "/$1/{name}");
    const key = `${e.surface} ${e.method} ${shape}${e.batch ? " [in $batch]" : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit);
}
