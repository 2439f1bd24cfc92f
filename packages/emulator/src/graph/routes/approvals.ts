/**
 * Approvals of pending requests: v1.0 `identityGovernance/privilegedAccess/group/assignmentApprovals`
 * (with `stages`) and beta `roleManagement/directory/roleAssignmentApprovals` (with `steps`; the
 * directory-role approvals exist only in beta). Decisions go through the engine's `review`.
 */
import type { ApprovalRecord, Plane } from "../../state/model";
import { requireScope, type ScopeRule } from "../auth";
import {
  entityResult,
  expandEntity,
  type GraphCall,
  type GraphResult,
  listResult,
  noContent,
  readJsonBody,
  rejectUnknownProperties,
} from "../call";
import { GraphError, messages, resourceNotFound } from "../errors";
import type { EntitySchema } from "../odata/query";
import { renderApprovalStage } from "../render/requests";
import type { Match } from "../router";
import { approvalSchema, approvalStageSchema, betaApprovalSchema } from "../schemas";
import { entityOptions, listOptions, param, query, sameId } from "./common";

export interface ApprovalEndpoints {
  plane: Exclude<Plane, "azure">;
  /** `stages` (v1.0) or `steps` (beta). */
  stagesName: "stages" | "steps";
  /** Entity set path used in `@odata.context`. */
  entitySet: string;
  read: ScopeRule;
  write: ScopeRule;
}

function findApproval(call: GraphCall, e: ApprovalEndpoints, id: string): ApprovalRecord {
  const approval = call.ctx.state.approval(id);
  if (!approval || approval.plane !== e.plane) throw resourceNotFound("approval", id);
  const oid = call.caller.oid.toLowerCase();
  const request = call.ctx.state.request(approval.plane, approval.requestId);
  const involved =
    approval.stages.some((s) => s.approvers.some((a) => a.toLowerCase() === oid)) ||
    request?.principalId.toLowerCase() === oid ||
    request?.createdBy.toLowerCase() === oid;
  if (!involved) throw new GraphError(403, "UnauthorizedAccessException", messages.unauthorized);
  return approval;
}

function schemaOf(e: ApprovalEndpoints): EntitySchema {
  return e.stagesName === "stages" ? approvalSchema : betaApprovalSchema;
}

export function getApproval(e: ApprovalEndpoints) {
  return (call: GraphCall, match: Match): GraphResult => {
    requireScope(call.caller, e.read);
    const q = query(call, schemaOf(e), entityOptions);
    const approval = findApproval(call, e, param(match, "id"));
    const stages = () => approval.stages.map((s) => renderApprovalStage(call.ctx.state, s, call.caller.oid));
    // The stages come back inline (as the approval examples show) and may also be named in $expand.
    const entity = expandEntity(approval, { id: approval.id, [e.stagesName]: stages() }, () => stages(), q);
    return entityResult(call, `${e.entitySet}`, entity, q);
  };
}

export function listStages(e: ApprovalEndpoints) {
  return (call: GraphCall, match: Match): GraphResult => {
    requireScope(call.caller, e.read);
    const q = query(
      call,
      approvalStageSchema,
      listOptions.filter((o) => o !== "$expand"),
    );
    const approval = findApproval(call, e, param(match, "id"));
    return listResult(
      call,
      {
        records: approval.stages,
        render: (s) => renderApprovalStage(call.ctx.state, s, call.caller.oid),
        context: `${e.entitySet}('${approval.id}')/${e.stagesName}`,
      },
      q,
    );
  };
}

export function getStage(e: ApprovalEndpoints) {
  return (call: GraphCall, match: Match): GraphResult => {
    requireScope(call.caller, e.read);
    const q = query(call, approvalStageSchema, ["$select"]);
    const approval = findApproval(call, e, param(match, "id"));
    const stage = approval.stages.find((s) => sameId(s.id, param(match, "stageId")));
    if (!stage)
      throw resourceNotFound(e.stagesName === "stages" ? "approvalStage" : "approvalStep", param(match, "stageId"));
    const entity = expandEntity(stage, renderApprovalStage(call.ctx.state, stage, call.caller.oid), undefined, q);
    return entityResult(call, `${e.entitySet}('${approval.id}')/${e.stagesName}`, entity, q);
  };
}

const stageBodyProps = [
  "id",
  "assignedToMe",
  "displayName",
  "justification",
  "reviewedBy",
  "reviewedDateTime",
  "reviewResult",
  "status",
];

export function patchStage(e: ApprovalEndpoints) {
  return (call: GraphCall, match: Match): GraphResult => {
    requireScope(call.caller, e.write);
    const body = readJsonBody(call);
    rejectUnknownProperties(body, stageBodyProps, e.stagesName === "stages" ? "approvalStage" : "approvalStep");
    const approval = findApproval(call, e, param(match, "id"));
    const stage = approval.stages.find((s) => sameId(s.id, param(match, "stageId")));
    if (!stage)
      throw resourceNotFound(e.stagesName === "stages" ? "approvalStage" : "approvalStep", param(match, "stageId"));
    const result = typeof body.reviewResult === "string" ? body.reviewResult.toLowerCase() : undefined;
    if (result !== "approve" && result !== "deny") {
      throw new GraphError(400, "BadRequest", "reviewResult must be 'Approve' or 'Deny'.");
    }
    const justification = typeof body.justification === "string" ? body.justification : null;
    if (body.justification !== undefined && body.justification !== null && typeof body.justification !== "string") {
      throw new GraphError(
        400,
        "BadRequest",
        "Cannot convert a primitive value to the expected type 'Edm.String'. See the inner exception for more details.",
      );
    }
    if (stage.status !== "InProgress") {
      throw new GraphError(400, "BadRequest", "The approval stage is not awaiting a decision."); // [INF]
    }
    const outcome = call.ctx.state.review(
      approval.id,
      result === "approve" ? "Approve" : "Deny",
      call.caller.oid,
      justification,
    );
    if (outcome.ok) return noContent();
    switch (outcome.error) {
      case "NotFound":
        throw resourceNotFound("approval", approval.id);
      case "NotApprover":
      case "SelfApproval":
        throw new GraphError(403, "UnauthorizedAccessException", messages.unauthorized);
      case "AlreadyReviewed":
        throw new GraphError(400, "BadRequest", "The approval stage is not awaiting a decision."); // [INF]
    }
  };
}
