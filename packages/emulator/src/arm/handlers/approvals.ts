/**
 * roleAssignmentApprovals (api-version 2021-01-01-preview), tenant and scope variants: list
 * (`asApprover()`, `asCreatedBy()`, `asTarget()`), get, `/stages` list and get, and a decision by
 * PUT or PATCH of a stage with `{properties:{reviewResult, justification}}`. Shapes follow the
 * swagger examples (stages named "stages", approval and stage `type`
 * `Microsoft.Authorization/roleAssignmentApprovals/stages` as published); the decision itself is
 * the engine's (`state.review`).
 */
import type { ArmApprovalProperties, ArmApprovalStage, ArmResource } from "@pimkit/contracts";
import type { EmuResponse } from "../../http/types";
import type { ApprovalRecord, ApprovalStageRecord, RequestRecord } from "../../state/model";
import { isCaller } from "../access";
import {
  type ArmCall,
  callerUpn,
  checkQueryOptions,
  filterOf,
  isRecord,
  jsonBody,
  ok,
  page,
  prop,
  scopeOf,
} from "../call";
import { ArmError, armErrors } from "../errors";
import { isoTime, omitNulls } from "../format";
import { requestScope } from "../render";
import { type ArmScope, isAtOrBelow, sameId } from "../scope";

const approvalType = "Microsoft.Authorization/roleAssignmentApprovals/stages";

function approvalBase(scope: ArmScope | undefined, id: string): string {
  return `${scope?.id ?? ""}/providers/Microsoft.Authorization/roleAssignmentApprovals/${id}`;
}

function renderStage(
  call: ArmCall,
  approval: ApprovalRecord,
  stage: ApprovalStageRecord,
  index: number,
  scope: ArmScope | undefined,
): ArmApprovalStage {
  const reviewer = stage.reviewedBy ? call.state.user(stage.reviewedBy) : undefined;
  return omitNulls({
    id: `${approvalBase(scope, approval.id)}/stages/${stage.id}`,
    type: approvalType,
    name: stage.id,
    properties: {
      displayName: `Approval stage ${index + 1}`,
      status: stage.status,
      assignedToMe: stage.approvers.some((a) => isCaller(call.claims.oid, a)),
      reviewedBy: stage.reviewedBy
        ? {
            principalType: "user",
            principalId: stage.reviewedBy,
            principalName: reviewer?.displayName,
            userPrincipalName: reviewer?.upn,
          }
        : undefined,
      reviewedDateTime: isoTime(stage.reviewedDateTime),
      reviewResult: stage.reviewResult,
      justification: stage.justification ?? "",
    },
  });
}

function renderApproval(
  call: ArmCall,
  approval: ApprovalRecord,
  scope: ArmScope | undefined,
): ArmResource<ArmApprovalProperties> {
  return {
    id: approvalBase(scope, approval.id),
    type: approvalType,
    name: approval.id,
    properties: { stages: approval.stages.map((s, i) => renderStage(call, approval, s, i, scope)) },
  };
}

function requestOf(call: ArmCall, approval: ApprovalRecord): RequestRecord | undefined {
  return call.state.request("azure", approval.requestId);
}

function involved(call: ArmCall, approval: ApprovalRecord): { approver: boolean; creator: boolean; target: boolean } {
  const oid = call.claims.oid;
  const req = requestOf(call, approval);
  return {
    approver: approval.stages.some((s) => s.approvers.some((a) => isCaller(oid, a))),
    creator: req !== undefined && isCaller(oid, req.createdBy),
    target: req !== undefined && isCaller(oid, req.principalId),
  };
}

function azureApprovals(call: ArmCall): ApprovalRecord[] {
  return call.state.approvals().filter((a) => a.plane === "azure");
}

function inScope(call: ArmCall, approval: ApprovalRecord, scope: ArmScope | undefined): boolean {
  if (!scope || scope.kind === "tenant") return true;
  const req = requestOf(call, approval);
  return req !== undefined && isAtOrBelow(requestScope(req, call.state), scope, call.state);
}

function scopeFrom(call: ArmCall, scopeRaw: string | undefined): ArmScope | undefined {
  return scopeRaw === undefined ? undefined : scopeOf(call, scopeRaw);
}

export function listApprovals(call: ArmCall, scopeRaw: string | undefined): EmuResponse {
  const scope = scopeFrom(call, scopeRaw);
  checkQueryOptions(call, ["$filter"]);
  const filter = filterOf(call, ["asApprover", "asCreatedBy", "asTarget"]);
  const anyFilter = filter.asApprover || filter.asCreatedBy || filter.asTarget;
  const items = azureApprovals(call)
    .filter((a) => {
      if (!inScope(call, a, scope)) return false;
      const who = involved(call, a);
      if (!anyFilter) return who.approver || who.creator || who.target;
      return (
        (filter.asApprover && who.approver) || (filter.asCreatedBy && who.creator) || (filter.asTarget && who.target)
      );
    })
    .map((a) => renderApproval(call, a, scope));
  return page(call, items);
}

function findApproval(call: ArmCall, scope: ArmScope | undefined, id: string): ApprovalRecord {
  const approval = azureApprovals(call).find((a) => sameId(a.id, id));
  if (!approval || !inScope(call, approval, scope)) {
    throw armErrors.notFound(
      "RoleAssignmentApprovalNotFound",
      `The role assignment approval '${id}' could not be found.`,
    );
  }
  const who = involved(call, approval);
  if (!who.approver && !who.creator && !who.target) {
    throw armErrors.authorizationFailed(
      callerUpn(call),
      call.claims.oid,
      "Microsoft.Authorization/roleAssignmentApprovals/read",
      approvalBase(scope, id),
    );
  }
  return approval;
}

export function getApproval(call: ArmCall, scopeRaw: string | undefined, id: string): EmuResponse {
  const scope = scopeFrom(call, scopeRaw);
  checkQueryOptions(call, []);
  return ok(renderApproval(call, findApproval(call, scope, id), scope));
}

export function listStages(call: ArmCall, scopeRaw: string | undefined, id: string): EmuResponse {
  const scope = scopeFrom(call, scopeRaw);
  checkQueryOptions(call, []);
  const approval = findApproval(call, scope, id);
  return page(
    call,
    approval.stages.map((s, i) => renderStage(call, approval, s, i, scope)),
  );
}

function findStage(approval: ApprovalRecord, stageId: string): { stage: ApprovalStageRecord; index: number } {
  const index = approval.stages.findIndex((s) => sameId(s.id, stageId));
  const stage = approval.stages[index];
  if (!stage) {
    throw armErrors.notFound(
      "RoleAssignmentApprovalStageNotFound",
      `The approval stage '${stageId}' could not be found.`,
    );
  }
  return { stage, index };
}

export function getStage(call: ArmCall, scopeRaw: string | undefined, id: string, stageId: string): EmuResponse {
  const scope = scopeFrom(call, scopeRaw);
  checkQueryOptions(call, []);
  const approval = findApproval(call, scope, id);
  const { stage, index } = findStage(approval, stageId);
  return ok(renderStage(call, approval, stage, index, scope));
}

export function reviewStage(call: ArmCall, scopeRaw: string | undefined, id: string, stageId: string): EmuResponse {
  const scope = scopeFrom(call, scopeRaw);
  checkQueryOptions(call, []);
  const approval = findApproval(call, scope, id);
  const { stage } = findStage(approval, stageId);
  const body = jsonBody(call);
  if (!isRecord(body)) throw armErrors.invalidJson("The request content must be a JSON object.");
  const props = prop(body, "properties");
  if (!isRecord(props)) throw armErrors.missingProperty("", "properties");
  const resultText = prop(props, "reviewResult");
  if (resultText === undefined || resultText === null) throw armErrors.missingProperty("properties", "reviewResult");
  const decision =
    typeof resultText === "string"
      ? (["Approve", "Deny"] as const).find((d) => d.toLowerCase() === resultText.toLowerCase())
      : undefined;
  if (!decision) throw armErrors.badValue("properties.reviewResult", String(resultText));
  const justification = prop(props, "justification");
  if (justification !== undefined && justification !== null && typeof justification !== "string") {
    throw armErrors.badValue("properties.justification", JSON.stringify(justification));
  }
  const stagePath = `${approvalBase(scope, approval.id)}/stages/${stage.id}`;
  if (!stage.approvers.some((a) => isCaller(call.claims.oid, a))) {
    throw armErrors.authorizationFailed(
      callerUpn(call),
      call.claims.oid,
      "Microsoft.Authorization/roleAssignmentApprovals/stages/write",
      stagePath,
    );
  }
  if (stage.status !== "InProgress") {
    throw new ArmError(
      400,
      "ApprovalStageNotInProgress",
      `The approval stage '${stage.id}' is not awaiting a decision (status ${stage.status}).`,
    );
  }
  const outcome = call.state.review(
    approval.id,
    decision,
    call.claims.oid,
    typeof justification === "string" ? justification : null,
  );
  if (!outcome.ok) {
    switch (outcome.error) {
      case "NotFound":
        throw armErrors.notFound(
          "RoleAssignmentApprovalNotFound",
          `The role assignment approval '${id}' could not be found.`,
        );
      case "NotApprover":
        throw armErrors.authorizationFailed(
          callerUpn(call),
          call.claims.oid,
          "Microsoft.Authorization/roleAssignmentApprovals/stages/write",
          stagePath,
        );
      case "AlreadyReviewed":
        throw new ArmError(
          400,
          "ApprovalStageNotInProgress",
          `The approval stage '${stage.id}' has already been reviewed.`,
        );
      case "SelfApproval":
        throw new ArmError(400, "SelfApprovalNotAllowed", "The requestor cannot approve their own request.");
    }
  }
  const updated = outcome.approval;
  const { stage: after, index } = findStage(updated, stage.id);
  return ok(renderStage(call, updated, after, index, scope));
}
