/**
 * Parts shared by the schedule requests of both Graph planes, and approvals (v1.0 `stages`, beta
 * `steps`: the same approvalStage / approvalStep properties).
 */
import type { TenantState } from "../../state/api";
import type { ApprovalRecord, ApprovalStageRecord, RequestRecord } from "../../state/model";
import { camel, graphDateTime } from "../format";

/** `scheduleInfo` as the service answers it; null for requests that carry none (deactivation). */
export function renderScheduleInfo(r: RequestRecord): Record<string, unknown> | null {
  if (r.start === null && r.requestedStart === null && r.duration === null && r.expirationType === null) return null;
  const type = camel(r.expirationType ?? "notSpecified");
  return {
    startDateTime: graphDateTime(r.start ?? r.requestedStart),
    recurrence: null,
    expiration: {
      type,
      endDateTime: type === "afterDateTime" ? graphDateTime(r.end) : null,
      duration: type === "afterDuration" ? r.duration : null,
    },
  };
}

export function renderTicketInfo(r: RequestRecord): Record<string, unknown> {
  return { ticketNumber: r.ticketNumber, ticketSystem: r.ticketSystem };
}

/** Stage status as Graph names it; a stage that has not started is still being set up. */
function stageStatus(s: ApprovalStageRecord): string {
  return s.status === "NotStarted" ? "Initializing" : s.status;
}

export function renderApprovalStage(
  state: TenantState,
  s: ApprovalStageRecord,
  callerOid: string,
): Record<string, unknown> {
  const reviewer = s.reviewedBy ? state.user(s.reviewedBy) : undefined;
  return {
    id: s.id,
    assignedToMe: s.status === "InProgress" && s.approvers.some((a) => a.toLowerCase() === callerOid.toLowerCase()),
    displayName: null,
    justification: s.justification,
    reviewedBy: s.reviewedBy ? { id: s.reviewedBy, displayName: reviewer?.displayName ?? null } : null,
    reviewedDateTime: graphDateTime(s.reviewedDateTime),
    reviewResult: s.reviewResult,
    status: stageStatus(s),
  };
}

export function renderApproval(
  state: TenantState,
  a: ApprovalRecord,
  callerOid: string,
  stagesName: "stages" | "steps",
): Record<string, unknown> {
  return { id: a.id, [stagesName]: a.stages.map((s) => renderApprovalStage(state, s, callerOid)) };
}
