/** `roleManagement/directory/*`: Entra directory roles. */
import type { AssignmentRecord, EligibilityRecord, RequestRecord } from "../../state/model";
import { requireScope, scopes } from "../auth";
import { entityResult, expandEntity, type GraphCall, type GraphResult, listResult, noContent } from "../call";
import { GraphError, messages, resourceNotFound } from "../errors";
import type { ExpandItem } from "../odata/query";
import {
  assignmentInstanceId,
  directoryTarget,
  eligibilityInstanceId,
  expandDirectory,
  renderAssignmentInstance,
  renderAssignmentSchedule,
  renderDirectoryRequest,
  renderEligibilityInstance,
  renderEligibilitySchedule,
  renderRoleDefinition,
} from "../render/directory";
import type { Match, Route } from "../router";
import {
  roleAssignmentInstanceSchema,
  roleAssignmentRequestBodyProps,
  roleAssignmentRequestSchema,
  roleAssignmentScheduleSchema,
  roleDefinitionSchema,
  roleEligibilityInstanceSchema,
  roleEligibilityScheduleSchema,
} from "../schemas";
import { getApproval, getStage, listStages, patchStage } from "./approvals";
import { entityOptions, filterByCurrentUserOn, param, query, sameId, typed } from "./common";
import { engineErrorToGraph, parseRequestBody } from "./submit";

const base = "roleManagement/directory";

function eligibilities(call: GraphCall, principalId?: string): EligibilityRecord[] {
  return call.ctx.state.eligibilities({ plane: "directoryRole", ...(principalId ? { principalId } : {}) });
}

function assignments(call: GraphCall, principalId?: string): AssignmentRecord[] {
  return call.ctx.state.assignments({ plane: "directoryRole", ...(principalId ? { principalId } : {}) });
}

function targetOf(r: { principalId: string; target: EligibilityRecord["target"] }) {
  const t = directoryTarget(r.target);
  return {
    principalId: r.principalId,
    roleDefinitionId: t?.roleDefinitionId ?? "",
    directoryScopeId: t?.directoryScopeId ?? "/",
  };
}

function expandEligibility(call: GraphCall) {
  return (e: EligibilityRecord, item: ExpandItem) => expandDirectory(call.ctx.state, targetOf(e), item);
}

function expandAssignment(call: GraphCall) {
  return (a: AssignmentRecord, item: ExpandItem) =>
    expandDirectory(call.ctx.state, targetOf(a), item, () =>
      a.eligibilityId
        ? call.ctx.state.eligibilities({ plane: "directoryRole" }).find((e) => e.id === a.eligibilityId)
        : undefined,
    );
}

function expandRequest(call: GraphCall) {
  return (r: RequestRecord, item: ExpandItem) => expandDirectory(call.ctx.state, targetOf(r), item);
}

// --- schedule instances and schedules -------------------------------------------------------

const instanceOn = ["principal", "unknownFutureValue"];

interface ScheduleEndpoint<R> {
  set: string;
  type: string;
  schema: typeof roleEligibilityInstanceSchema;
  scope: typeof scopes.directoryEligibility;
  records: (call: GraphCall, principalId?: string) => R[];
  render: (r: R) => Record<string, unknown>;
  idOf: (r: R) => string;
  expand: (call: GraphCall) => (r: R, item: ExpandItem) => unknown;
}

function scheduleRoutes<R>(e: ScheduleEndpoint<R>): Route[] {
  return [
    {
      pattern: `${base}/${e.set}`,
      methods: {
        GET: (call) => {
          requireScope(call.caller, e.scope);
          const q = query(call, e.schema);
          return listResult(
            call,
            { records: e.records(call), render: e.render, expand: e.expand(call), context: `${base}/${e.set}` },
            q,
          );
        },
      },
    },
    {
      pattern: `${base}/${e.set}/fn:filterByCurrentUser`,
      methods: {
        GET: (call, match) => {
          requireScope(call.caller, e.scope);
          const on = filterByCurrentUserOn(match, instanceOn);
          const q = query(call, e.schema);
          const records = on === "principal" ? e.records(call, call.caller.oid) : [];
          return listResult(
            call,
            {
              records,
              render: (r) => typed(e.type, e.render(r)),
              expand: e.expand(call),
              context: `Collection(${e.type})`,
            },
            q,
          );
        },
      },
    },
    {
      pattern: `${base}/${e.set}/{id}`,
      methods: {
        GET: (call, match) => {
          requireScope(call.caller, e.scope);
          const q = query(call, e.schema, entityOptions);
          const id = param(match, "id");
          const record = e.records(call).find((r) => sameId(e.idOf(r), id));
          if (!record) throw resourceNotFound(e.type, id);
          return entityResult(call, `${base}/${e.set}`, expandEntity(record, e.render(record), e.expand(call), q), q);
        },
      },
    },
  ];
}

const eligibilityInstances: ScheduleEndpoint<EligibilityRecord> = {
  set: "roleEligibilityScheduleInstances",
  type: "unifiedRoleEligibilityScheduleInstance",
  schema: roleEligibilityInstanceSchema,
  scope: scopes.directoryEligibility,
  records: eligibilities,
  render: renderEligibilityInstance,
  idOf: (e) => {
    const t = directoryTarget(e.target);
    return t ? eligibilityInstanceId(e, t) : e.id;
  },
  expand: expandEligibility,
};

const assignmentInstances: ScheduleEndpoint<AssignmentRecord> = {
  set: "roleAssignmentScheduleInstances",
  type: "unifiedRoleAssignmentScheduleInstance",
  schema: roleAssignmentInstanceSchema,
  scope: scopes.directoryAssignment,
  records: assignments,
  render: renderAssignmentInstance,
  idOf: (a) => {
    const t = directoryTarget(a.target);
    return t ? assignmentInstanceId(a, t) : a.id;
  },
  expand: expandAssignment,
};

const eligibilitySchedules: ScheduleEndpoint<EligibilityRecord> = {
  set: "roleEligibilitySchedules",
  type: "unifiedRoleEligibilitySchedule",
  schema: roleEligibilityScheduleSchema,
  scope: scopes.directoryEligibility,
  records: eligibilities,
  render: renderEligibilitySchedule,
  idOf: (e) => e.id,
  expand: expandEligibility,
};

const assignmentSchedules: ScheduleEndpoint<AssignmentRecord> = {
  set: "roleAssignmentSchedules",
  type: "unifiedRoleAssignmentSchedule",
  schema: roleAssignmentScheduleSchema,
  scope: scopes.directoryAssignment,
  records: assignments,
  render: renderAssignmentSchedule,
  idOf: (a) => a.id,
  expand: expandAssignment,
};

// --- requests ---------------------------------------------------------------------------------

const requestOn = ["principal", "createdBy", "approver", "unknownFutureValue"];

function requests(call: GraphCall, on?: string): RequestRecord[] {
  const state = call.ctx.state;
  const oid = call.caller.oid;
  switch (on) {
    case undefined:
      return state.requests({ plane: "directoryRole" });
    case "principal":
      return state.requests({ plane: "directoryRole", principalId: oid });
    case "createdBy":
      return state.requests({ plane: "directoryRole" }).filter((r) => sameId(r.createdBy, oid));
    case "approver":
      return state.requests({ plane: "directoryRole", approverId: oid });
    default:
      return [];
  }
}

function createRequest(call: GraphCall): GraphResult {
  requireScope(call.caller, scopes.directoryRequestWrite);
  const parsed = parseRequestBody(
    call,
    "directoryRole",
    roleAssignmentRequestBodyProps,
    "unifiedRoleAssignmentScheduleRequest",
  );
  const result = call.ctx.state.submit(parsed.input, call.caller);
  if (!result.ok) throw engineErrorToGraph(call, result.error);
  return entityResult(
    call,
    `${base}/roleAssignmentScheduleRequests`,
    renderDirectoryRequest(result.request, parsed.isValidationOnly),
    { expand: [] },
    201,
  );
}

function findRequest(call: GraphCall, id: string): RequestRecord {
  const r = call.ctx.state.request("directoryRole", id);
  if (!r) throw resourceNotFound("unifiedRoleAssignmentScheduleRequest", id);
  return r;
}

function cancelRequest(call: GraphCall, match: Match): GraphResult {
  requireScope(call.caller, scopes.directoryRequestWrite);
  const id = param(match, "id");
  const outcome = call.ctx.state.cancel("directoryRole", id, call.caller.oid);
  if (outcome.ok) return noContent();
  switch (outcome.error) {
    case "NotFound":
      throw resourceNotFound("unifiedRoleAssignmentScheduleRequest", id);
    case "Forbidden":
      throw new GraphError(403, "UnauthorizedAccessException", messages.unauthorized);
    case "NotCancellable":
      throw new GraphError(400, "RequestCannotBeCancelled", messages.notCancellable);
  }
}

const directoryApprovals = {
  plane: "directoryRole" as const,
  stagesName: "steps" as const,
  entitySet: `${base}/roleAssignmentApprovals`,
  read: scopes.directoryApprovalRead,
  write: scopes.directoryApprovalWrite,
};

export const directoryRoleRoutes: Route[] = [
  ...scheduleRoutes(eligibilityInstances),
  ...scheduleRoutes(assignmentInstances),
  ...scheduleRoutes(eligibilitySchedules),
  ...scheduleRoutes(assignmentSchedules),
  {
    pattern: `${base}/roleDefinitions`,
    methods: {
      GET: (call) => {
        requireScope(call.caller, scopes.roleDefinitions);
        const q = query(call, roleDefinitionSchema);
        return listResult(
          call,
          { records: call.ctx.state.directoryRoles, render: renderRoleDefinition, context: `${base}/roleDefinitions` },
          q,
        );
      },
    },
  },
  {
    pattern: `${base}/roleDefinitions/{id}`,
    methods: {
      GET: (call, match) => {
        requireScope(call.caller, scopes.roleDefinitions);
        const q = query(call, roleDefinitionSchema, entityOptions);
        const id = param(match, "id");
        const role = call.ctx.state.directoryRoles.find((r) => sameId(r.id, id));
        if (!role) throw resourceNotFound("unifiedRoleDefinition", id);
        return entityResult(
          call,
          `${base}/roleDefinitions`,
          expandEntity(role, renderRoleDefinition(role), undefined, q),
          q,
        );
      },
    },
  },
  {
    pattern: `${base}/roleAssignmentScheduleRequests`,
    methods: {
      GET: (call) => {
        requireScope(call.caller, scopes.directoryRequestRead);
        const q = query(call, roleAssignmentRequestSchema);
        return listResult(
          call,
          {
            records: requests(call),
            render: (r) => renderDirectoryRequest(r),
            expand: expandRequest(call),
            context: `${base}/roleAssignmentScheduleRequests`,
          },
          q,
        );
      },
      POST: createRequest,
    },
  },
  {
    pattern: `${base}/roleAssignmentScheduleRequests/fn:filterByCurrentUser`,
    methods: {
      GET: (call, match) => {
        requireScope(call.caller, scopes.directoryRequestRead);
        const on = filterByCurrentUserOn(match, requestOn);
        const q = query(call, roleAssignmentRequestSchema);
        return listResult(
          call,
          {
            records: requests(call, on),
            render: (r) => typed("unifiedRoleAssignmentScheduleRequest", renderDirectoryRequest(r)),
            expand: expandRequest(call),
            context: "Collection(unifiedRoleAssignmentScheduleRequest)",
          },
          q,
        );
      },
    },
  },
  {
    pattern: `${base}/roleAssignmentScheduleRequests/{id}`,
    methods: {
      GET: (call, match) => {
        requireScope(call.caller, scopes.directoryRequestRead);
        const q = query(call, roleAssignmentRequestSchema, entityOptions);
        const r = findRequest(call, param(match, "id"));
        return entityResult(
          call,
          `${base}/roleAssignmentScheduleRequests`,
          expandEntity(r, renderDirectoryRequest(r), expandRequest(call), q),
          q,
        );
      },
    },
  },
  {
    pattern: `${base}/roleAssignmentScheduleRequests/{id}/cancel`,
    methods: { POST: cancelRequest },
  },
  {
    pattern: `${base}/roleAssignmentApprovals/{id}`,
    versions: ["beta"],
    methods: { GET: getApproval(directoryApprovals) },
  },
  {
    pattern: `${base}/roleAssignmentApprovals/{id}/steps`,
    versions: ["beta"],
    methods: { GET: listStages(directoryApprovals) },
  },
  {
    pattern: `${base}/roleAssignmentApprovals/{id}/steps/{stageId}`,
    versions: ["beta"],
    methods: { GET: getStage(directoryApprovals), PATCH: patchStage(directoryApprovals) },
  },
];
