/**
 * What the tenant actually did, read from the emulator's request log and state — never from
 * pimkit's own report, which is what these suites check.
 */
import type { RequestLogEntry } from "@pimkit/emulator";
import { type Target, type TenantDump, targetKey } from "./fault-tenant";

export type WriteAction = "activate" | "deactivate";

export interface Write {
  key: string;
  action: WriteAction;
  status: number;
  /** Sent inside a Graph `$batch`. */
  batched: boolean;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
}
function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

const graphEntra = /\/roleManagement\/directory\/roleAssignmentScheduleRequests$/;
const graphGroup = /\/identityGovernance\/privilegedAccess\/group\/assignmentScheduleRequests$/;
const armRequest = /^\/arm(\/.*?)\/providers\/Microsoft\.Authorization\/roleAssignmentScheduleRequests\/[^/]+$/i;

/** PIM activation and deactivation requests in the log (`$batch` items included), keyed by role. */
export function writesIn(log: readonly RequestLogEntry[]): Write[] {
  const out: Write[] = [];
  for (const e of log) {
    const body = record(e.body);
    let key: string | undefined;
    let action: WriteAction | undefined;
    if (e.surface === "graph" && e.method === "POST" && (graphEntra.test(e.path) || graphGroup.test(e.path))) {
      if (body.isValidationOnly === true) continue;
      const a = str(body.action);
      action = a === "selfActivate" ? "activate" : a === "selfDeactivate" ? "deactivate" : undefined;
      const t: Target = graphGroup.test(e.path)
        ? { plane: "group", groupId: str(body.groupId), accessId: str(body.accessId) }
        : {
            plane: "directoryRole",
            roleDefinitionId: str(body.roleDefinitionId),
            directoryScopeId: str(body.directoryScopeId) || "/",
          };
      key = targetKey(t);
    } else if (e.surface === "arm" && e.method === "PUT") {
      const m = armRequest.exec(e.path);
      if (!m) continue;
      const props = record(body.properties);
      const t = str(props.requestType);
      action = t === "SelfActivate" ? "activate" : t === "SelfDeactivate" ? "deactivate" : undefined;
      const roleDefinitionId = str(props.roleDefinitionId).split("/").pop() ?? "";
      key = targetKey({ plane: "azure", scope: m[1] ?? "", roleDefinitionId });
    }
    if (key && action) out.push({ key, action, status: e.status, batched: e.batch !== undefined });
  }
  return out;
}

/** Requests the tenant accepted (2xx) per role and action. */
export function acceptedPerRole(writes: readonly Write[], action: WriteAction): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of writes) {
    if (w.action !== action || w.status < 200 || w.status > 299) continue;
    counts.set(w.key, (counts.get(w.key) ?? 0) + 1);
  }
  return counts;
}

/** Roles with more than one accepted request of the same kind: the figure that must be 0. */
export function duplicates(writes: readonly Write[]): number {
  let n = 0;
  for (const action of ["activate", "deactivate"] as const) {
    for (const c of acceptedPerRole(writes, action).values()) if (c > 1) n += c - 1;
  }
  return n;
}

export type TrueState = "active" | "pending" | "eligible";

/** The state of a role in the tenant, for the operator. */
export function trueState(d: TenantDump, oid: string, key: string): TrueState {
  const now = Date.parse(d.now);
  const active = d.assignments.some(
    (a) =>
      a.principalId === oid &&
      a.assignmentType === "Activated" &&
      a.visible &&
      (a.end === null || Date.parse(a.end) > now) &&
      targetKey(a.target) === key,
  );
  if (active) return "active";
  const pending = d.requests.some(
    (r) =>
      r.principalId === oid &&
      r.action === "selfActivate" &&
      r.status === "PendingApproval" &&
      targetKey(r.target) === key,
  );
  return pending ? "pending" : "eligible";
}

/** Activation requests the tenant holds that were not there before (accepted ones only). */
export function newActivationRequests(
  d: TenantDump,
  before: ReadonlySet<string>,
): { id: string; status: string; key: string }[] {
  return d.requests
    .filter((r) => r.action === "selfActivate" && !before.has(r.id))
    .filter((r) => ["Provisioned", "PendingProvisioning", "Granted", "PendingApproval"].includes(r.status))
    .map((r) => ({ id: r.id, status: r.status, key: targetKey(r.target) }));
}
