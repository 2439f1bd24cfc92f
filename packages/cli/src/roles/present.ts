import type { ActivationResult, DeactivationResult, PimRequest, PimRole } from "@pimkit/core";
import type { TableStyle } from "../framework/command";
import { palette } from "../output/colors";
import { type Column, renderTable } from "../output/table";

/** The `role list -o json` shape (cli.md): contract fields first, then a few extras. */
export function roleJson(r: PimRole): Record<string, unknown> {
  const q = r.requirements;
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    accessId: r.accessId,
    scope: { id: r.scope.id, displayName: r.scope.displayName, type: r.scope.type },
    state: r.state,
    activeUntil: r.activeUntil,
    assignmentType: r.assignmentType,
    requirements: {
      maxDuration: q.maxDuration,
      justification: q.justification,
      ticket: q.ticket,
      mfa: q.mfa,
      authContext: q.authContext ? { id: q.authContext.id, name: q.authContext.name } : null,
      approval: q.approval,
      known: q.known,
    },
    eligibleUntil: r.eligibility?.end ?? null,
    pendingRequestId: r.pendingRequest?.requestId ?? null,
  };
}

export const kindLabel: Record<string, string> = { entraRole: "entra", group: "group", azureRole: "azure" };

export function displayName(r: Pick<PimRole, "name" | "accessId">): string {
  return r.accessId ? `${r.name} (${r.accessId})` : r.name;
}

/** "in 1h 20m", "12m ago" — relative to now, for tables. */
export function relativeTime(iso: string | null, now: Date): string {
  if (!iso) return "";
  const ms = Date.parse(iso) - now.getTime();
  if (Number.isNaN(ms)) return iso;
  const abs = Math.abs(ms);
  const m = Math.round(abs / 60000);
  const text =
    m < 1
      ? "<1m"
      : m < 60
        ? `${m}m`
        : m < 48 * 60
          ? `${Math.floor(m / 60)}h${m % 60 ? ` ${m % 60}m` : ""}`
          : `${Math.round(m / 1440)}d`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

function flag(v: boolean | null): string {
  return v === null ? "?" : v ? "yes" : "-";
}

export function requirementSummary(r: PimRole): string {
  const q = r.requirements;
  if (!q.known) return "policy unknown";
  const parts: string[] = [];
  if (q.justification) parts.push("justification");
  if (q.ticket) parts.push("ticket");
  if (q.mfa) parts.push("mfa");
  if (q.authContext) parts.push(`context ${q.authContext.id}`);
  if (q.approval) parts.push("approval");
  return parts.length ? parts.join(", ") : "none";
}

/** The policy matrix: one column per requirement, so a glance shows what each role will ask. */
export function roleTable(
  roles: readonly PimRole[],
  style: TableStyle,
  now: Date,
  formatDuration: (d: string) => string,
): string {
  const p = palette(style.color);
  const columns: Column<PimRole>[] = [
    { header: "Name", value: (r) => displayName(r), maxWidth: 48 },
    { header: "Kind", value: (r) => kindLabel[r.kind] ?? r.kind },
    { header: "Scope", value: (r) => r.scope.displayName || r.scope.id, maxWidth: 40 },
    {
      header: "State",
      value: (r) => r.state,
      color: (t, r) => (r.state === "active" ? p.green(t) : r.state === "pending" ? p.yellow(t) : t),
    },
    {
      header: "Expires",
      value: (r) =>
        r.state === "active"
          ? r.assignmentType === "permanent" && !r.activeUntil
            ? "permanent"
            : relativeTime(r.activeUntil, now)
          : "",
      color: (t, r) => {
        const left = r.activeUntil ? Date.parse(r.activeUntil) - now.getTime() : Number.POSITIVE_INFINITY;
        return left < 5 * 60000 ? p.red(t) : left < 15 * 60000 ? p.yellow(t) : t;
      },
    },
    { header: "Max", value: (r) => (r.requirements.maxDuration ? formatDuration(r.requirements.maxDuration) : "?") },
    { header: "Just", value: (r) => flag(r.requirements.justification) },
    { header: "Ticket", value: (r) => flag(r.requirements.ticket) },
    { header: "MFA", value: (r) => flag(r.requirements.mfa) },
    { header: "Context", value: (r) => (r.requirements.known ? (r.requirements.authContext?.id ?? "-") : "?") },
    { header: "Approval", value: (r) => flag(r.requirements.approval) },
    { header: "ID", value: (r) => r.id },
  ];
  if (roles.length === 0) return "No roles.\n";
  return renderTable(roles, columns, { color: style.color });
}

/** The `role activate -o json` shape (cli.md). */
export function activationJson(r: ActivationResult): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    outcome: r.outcome,
    requestId: r.requestId,
    duration: r.duration,
    start: r.start,
    error: r.error
      ? { code: r.error.code, message: r.error.message, ...(r.error.upstream ? { upstream: r.error.upstream } : {}) }
      : null,
  };
}

export function outcomeColor(style: TableStyle): (t: string) => string {
  const p = palette(style.color);
  return (t) =>
    ["activated", "scheduled", "already-active", "would-activate", "deactivated", "canceled"].includes(t)
      ? p.green(t)
      : t === "pending" || t === "not-active"
        ? p.yellow(t)
        : t === "failed"
          ? p.red(t)
          : t;
}

export function activationTable(
  results: readonly ActivationResult[],
  style: TableStyle,
  formatDuration: (d: string) => string,
): string {
  const color = outcomeColor(style);
  return renderTable(
    results,
    [
      { header: "Name", value: (r) => displayName(r), maxWidth: 48 },
      { header: "Kind", value: (r) => kindLabel[r.kind] ?? r.kind },
      { header: "Outcome", value: (r) => r.outcome, color: (t) => color(t) },
      { header: "Duration", value: (r) => (r.duration ? formatDuration(r.duration) : "") },
      { header: "Request", value: (r) => r.requestId ?? "" },
      {
        header: "Detail",
        value: (r) => (r.error ? `${r.error.code}: ${r.error.message}` : (r.advice ?? r.status ?? "")),
        maxWidth: 90,
      },
    ],
    { color: style.color },
  );
}

export function deactivationJson(r: DeactivationResult): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    outcome: r.outcome,
    requestId: r.requestId,
    error: r.error
      ? { code: r.error.code, message: r.error.message, ...(r.error.upstream ? { upstream: r.error.upstream } : {}) }
      : null,
    ...(r.earliestDeactivation ? { earliestDeactivation: r.earliestDeactivation } : {}),
  };
}

export function requestJson(r: PimRequest): Record<string, unknown> {
  return {
    requestId: r.requestId,
    kind: r.kind,
    roleId: r.roleId,
    name: r.name,
    accessId: r.accessId,
    scope: { id: r.scope.id, displayName: r.scope.displayName, type: r.scope.type },
    action: r.action,
    status: r.status,
    pending: r.pending,
    pendingReason: r.pendingReason,
    createdAt: r.createdAt,
    start: r.start,
    duration: r.duration,
  };
}
