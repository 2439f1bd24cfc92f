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
