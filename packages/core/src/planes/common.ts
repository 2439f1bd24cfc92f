import type {
  ActiveAssignment,
  Eligibility,
  PendingRequestSummary,
  RequestAction,
  RoleKind,
  RoleScope,
  RoleTarget,
} from "../types";

/**
 * What a plane adapter hands to discovery for one wire item: the target plus whichever of
 * eligibility / assignment / pending request the item is about. Discovery merges records that
 * share a target key into one `PimRole`.
 */
export interface PlaneRecord {
  key: string;
  kind: RoleKind;
  target: RoleTarget;
  name: string;
  accessId: "member" | "owner" | null;
  scope: RoleScope;
  eligibility?: Eligibility;
  assignment?: ActiveAssignment;
  pending?: PendingRequestSummary;
}

/** A request as the plane reports it, wire-neutral. */
export interface PlaneRequest {
  requestId: string;
  key: string;
  kind: RoleKind;
  target: RoleTarget;
  name: string;
  accessId: "member" | "owner" | null;
  scope: RoleScope;
  action: RequestAction;
  status: string;
  createdAt: string | null;
  start: string | null;
  duration: string | null;
  end: string | null;
  justification: string | null;
  resourceId: string | null;
}

/** Statuses that mean "waiting for someone or something", compared case-insensitively. */
const pendingStatuses = new Set([
  "pendingapproval",
  "pendingadmindecision",
  "pendingapprovalprovisioning",
  "pendingevaluation",
  "pendingexternalprovisioning",
  "pendingscheduledcreation",
  "pendingschedulecreation",
]);

export function isPendingApprovalStatus(status: string): boolean {
  return pendingStatuses.has(status.toLowerCase());
}

/** Statuses of a request whose schedule is being or has been created but has not started. */
const scheduleStatuses = new Set(["granted", "schedulecreated", "pendingschedulecreation", "pendingscheduledcreation"]);

/**
 * Why a request is still open: `approval` (waiting for an approver or an evaluation) or
 * `scheduled` (granted, with a start still in the future; the service cancels those too). A
 * `Granted` request whose start has passed is being provisioned, not waiting: null.
 */
export function pendingReasonOf(
  r: Pick<PlaneRequest, "status" | "start" | "action">,
  now: number,
): "approval" | "scheduled" | null {
  const s = r.status.toLowerCase();
  if (scheduleStatuses.has(s)) {
    if (r.action === "deactivate") return null;
    if (s === "pendingschedulecreation" || s === "pendingscheduledcreation") return "scheduled";
    const start = r.start ? Date.parse(r.start) : Number.NaN;
    return !Number.isNaN(start) && start > now ? "scheduled" : null;
  }
  return isPendingApprovalStatus(s) ? "approval" : null;
}

/**
 * Which of a user's requests a listing asks the service for: all of them, only those awaiting
 * approval, or every open one (awaiting approval or granted and not yet started). Graph filters on
 * `status` server-side; the open form adds the statuses a scheduled activation has.
 */
export type RequestFilter = "all" | "awaitingApproval" | "open";

export function requestStatusFilter(filter: RequestFilter): string {
  if (filter === "awaitingApproval") return " and status eq 'PendingApproval'";
  if (filter === "open") {
    const statuses = ["PendingApproval", "PendingAdminDecision", "Granted", "PendingScheduleCreation"];
    return ` and (${statuses.map((st) => `status eq ${odataString(st)}`).join(" or ")})`;
  }
  return "";
}

export function memberTypeOf(v: string | null | undefined): "direct" | "group" | "inherited" | null {
  const t = (v ?? "").toLowerCase();
  return t === "direct" || t === "group" || t === "inherited" ? t : null;
}

export function requestActionOf(v: string | null | undefined): RequestAction {
  const t = (v ?? "").toLowerCase();
  if (t === "selfactivate" || t === "adminassign") return "activate";
  if (t === "selfdeactivate" || t === "adminremove") return "deactivate";
  if (t === "selfextend" || t === "adminextend") return "extend";
  if (t === "selfrenew" || t === "adminrenew") return "renew";
  return "other";
}

/** ISO string or null; the wire sends both `Z` and `+00:00` offsets and 7-digit fractions. */
export function isoOrNull(v: string | null | undefined): string | null {
  if (!v) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** OData query string with values encoded (keys such as `$filter` kept literal). */
export function odataQuery(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

/** OData string literal: single quotes doubled. */
export function odataString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/**
 * Stable, shell-safe id from a target key: FNV-1a (64-bit) in base 36. Deterministic across
 * runs and machines, so a CLI user can paste an id from an earlier `role list`.
 */
export function stableId(prefix: string, key: string): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (const byte of new TextEncoder().encode(key)) {
    h ^= BigInt(byte);
    h = (h * prime) & mask;
  }
  return `${prefix}-${h.toString(36).padStart(13, "0")}`;
}

export function objectOrUndefined(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
