/** `identityGovernance/privilegedAccess/group/*`: PIM for Groups (member and owner kept apart by `accessId`). */
import type { AssignmentRecord, EligibilityRecord, RequestRecord } from "../../state/model";
import { requireScope, type ScopeRule, scopes } from "../auth";
import { entityResult, expandEntity, type GraphCall, type GraphResult, listResult, noContent } from "../call";
import { GraphError, messages, resourceNotFound, wrapped } from "../errors";
import { conjunctProperties } from "../odata/filter";
import type { EntitySchema, ExpandItem, QueryOptions } from "../odata/query";
import {
  expandGroupEntity,
  groupScheduleId,
  groupTarget,
  renderGroupAssignmentInstance,
  renderGroupAssignmentSchedule,
  renderGroupEligibilityInstance,
  renderGroupEligibilitySchedule,
  renderGroupRequest,
} from "../render/groups";
import type { Match, Route } from "../router";
import {
  groupAssignmentInstanceSchema,
  groupAssignmentRequestBodyProps,
  groupAssignmentRequestSchema,
  groupAssignmentScheduleSchema,
  groupEligibilityInstanceSchema,
  groupEligibilityScheduleSchema,
} from "../schemas";
import { getApproval, getStage, listStages, patchStage } from "./approvals";
import { entityOptions, filterByCurrentUserOn, param, query, sameId, typed } from "./common";
import { engineErrorToGraph, parseRequestBody } from "./submit";

const base = "identityGovernance/privilegedAccess/group";

/**
 * The plain lists answer only a filter on principalId or groupId (documented on each list page);
 * the refusal's wording was never captured, so it follows the backend's wrapped-error shape [INF].
 */
function requirePrincipalOrGroup(q: QueryOptions): void {
  const pinned = q.filter ? conjunctProperties(q.filter) : new Set<string>();
  if (!pinned.has("principalId") && !pinned.has("groupId")) {
    throw wrapped(400, "InvalidFilter", "The filter must contain an equality on principalId or groupId.");
  }
}

function targetOf(r: { principalId: string; target: EligibilityRecord["target"] }) {
  return { principalId: r.principalId, groupId: groupTarget(r.target)?.groupId ?? "" };
}

function eligibilityOfAssignment(call: GraphCall, a: AssignmentRecord): EligibilityRecord | undefined {
  return a.eligibilityId
    ? call.ctx.state.eligibilities({ plane: "group" }).find((e) => e.id === a.eligibilityId)
    : undefined;
}

interface Endpoint<R> {
  set: string;
  type: string;
  schema: EntitySchema;
  scope: ScopeRule;
  records: (call: GraphCall, principalId?: string) => R[];
  render: (call: GraphCall, r: R) => Record<string, unknown>;
  idOf: (r: R) => string;
  expand: (call: GraphCall) => (r: R, item: ExpandItem) => unknown;
}

function routesFor<R>(e: Endpoint<R>): Route[] {
  return [
    {
      pattern: `${base}/${e.set}`,
      methods: {
        GET: (call) => {
          requireScope(call.caller, e.scope);
          const q = query(call, e.schema);
          requirePrincipalOrGroup(q);
          return listResult(
            call,
            {
              records: e.records(call),
              render: (r) => e.render(call, r),
              expand: e.expand(call),
              context: `${base}/${e.set}`,
            },
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
          const on = filterByCurrentUserOn(match, ["principal", "unknownFutureValue"]);
          const q = query(call, e.schema);
          return listResult(
            call,
            {
              records: on === "principal" ? e.records(call, call.caller.oid) : [],
              render: (r) => typed(e.type, e.render(call, r)),
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
          return entityResult(
            call,
            `${base}/${e.set}`,
            expandEntity(record, e.render(call, record), e.expand(call), q),
            q,
          );
        },
      },
    },
  ];
}

const eligibilities = (call: GraphCall, principalId?: string) =>
  call.ctx.state.eligibilities({ plane: "group", ...(principalId ? { principalId } : {}) });
const assignments = (call: GraphCall, principalId?: string) =>
  call.ctx.state.assignments({ plane: "group", ...(principalId ? { principalId } : {}) });
const scheduleIdOf = (r: { id: string; target: EligibilityRecord["target"] }) => {
  const t = groupTarget(r.target);
  return t ? groupScheduleId(t, r.id) : r.id;
};
const expandEligibility = (call: GraphCall) => (e: EligibilityRecord, item: ExpandItem) =>
  expandGroupEntity(call.ctx.state, targetOf(e), item);
const expandAssignment = (call: GraphCall) => (a: AssignmentRecord, item: ExpandItem) =>
  expandGroupEntity(call.ctx.state, targetOf(a), item, () => eligibilityOfAssignment(call, a));

// --- requests ---------------------------------------------------------------------------------

function requests(call: GraphCall, on?: string): RequestRecord[] {
  const state = call.ctx.state;
  const oid = call.caller.oid;
  switch (on) {
    case undefined:
      return state.requests({ plane: "group" });
    case "principal":
      return state.requests({ plane: "group", principalId: oid });
    case "createdBy":
      return state.requests({ plane: "group" }).filter((r) => sameId(r.createdBy, oid));
    case "approver":
      return state.requests({ plane: "group", approverId: oid });
    default:
      return [];
  }
}

const expandRequest = (call: GraphCall) => (r: RequestRecord, item: ExpandItem) =>
  expandGroupEntity(call.ctx.state, targetOf(r), item);

function createRequest(call: GraphCall): GraphResult {
  requireScope(call.caller, scopes.groupRequestWrite);
  const parsed = parseRequestBody(
    call,
    "group",
    groupAssignmentRequestBodyProps,
    "privilegedAccessGroupAssignmentScheduleRequest",
  );
  const result = call.ctx.state.submit(parsed.input, call.caller);
  if (!result.ok) throw engineErrorToGraph(call, result.error);
  return entityResult(
    call,
    `${base}/assignmentScheduleRequests`,
    renderGroupRequest(result.request, parsed.isValidationOnly),
    { expand: [] },
    201,
  );
}

function cancelRequest(call: GraphCall, match: Match): GraphResult {
  requireScope(call.caller, scopes.groupRequestWrite);
  const id = param(match, "id");
  const outcome = call.ctx.state.cancel("group", id, call.caller.oid);
  if (outcome.ok) return noContent();
  switch (outcome.error) {
    case "NotFound":
      throw resourceNotFound("privilegedAccessGroupAssignmentScheduleRequest", id);
    case "Forbidden":
      throw new GraphError(403, "UnauthorizedAccessException", messages.unauthorized);
    case "NotCancellable":
      throw new GraphError(400, "RequestCannotBeCancelled", messages.notCancellable);
  }
}

const groupApprovals = {
  plane: "group" as const,
  stagesName: "stages" as const,
  entitySet: `${base}/assignmentApprovals`,
  read: scopes.groupApprovalRead,
  write: scopes.groupApprovalWrite,
};

export const groupRoutes: Route[] = [
  ...routesFor<EligibilityRecord>({
    set: "eligibilityScheduleInstances",
    type: "privilegedAccessGroupEligibilityScheduleInstance",
    schema: groupEligibilityInstanceSchema,
    scope: scopes.groupEligibility,
    records: eligibilities,
    render: (call, e) => renderGroupEligibilityInstance(call.ctx.state, e),
    idOf: scheduleIdOf,
    expand: expandEligibility,
  }),
  ...routesFor<AssignmentRecord>({
    set: "assignmentScheduleInstances",
    type: "privilegedAccessGroupAssignmentScheduleInstance",
    schema: groupAssignmentInstanceSchema,
    scope: scopes.groupAssignment,
    records: assignments,
    render: (call, a) => renderGroupAssignmentInstance(call.ctx.state, a),
    idOf: scheduleIdOf,
    expand: expandAssignment,
  }),
  ...routesFor<EligibilityRecord>({
    set: "eligibilitySchedules",
    type: "privilegedAccessGroupEligibilitySchedule",
    schema: groupEligibilityScheduleSchema,
    scope: scopes.groupEligibility,
    records: eligibilities,
    render: (call, e) => renderGroupEligibilitySchedule(call.ctx.state, e),
    idOf: scheduleIdOf,
    expand: expandEligibility,
  }),
  ...routesFor<AssignmentRecord>({
    set: "assignmentSchedules",
    type: "privilegedAccessGroupAssignmentSchedule",
    schema: groupAssignmentScheduleSchema,
    scope: scopes.groupAssignment,
    records: assignments,
    render: (call, a) => renderGroupAssignmentSchedule(call.ctx.state, a),
    idOf: scheduleIdOf,
    expand: expandAssignment,
  }),
  {
    pattern: `${base}/assignmentScheduleRequests`,
    methods: {
      GET: (call) => {
        requireScope(call.caller, scopes.groupRequestRead);
        const q = query(call, groupAssignmentRequestSchema);
        requirePrincipalOrGroup(q);
        return listResult(
          call,
          {
            records: requests(call),
            render: (r) => renderGroupRequest(r),
            expand: expandRequest(call),
            context: `${base}/assignmentScheduleRequests`,
          },
          q,
        );
      },
      POST: createRequest,
    },
  },
  {
    pattern: `${base}/assignmentScheduleRequests/fn:filterByCurrentUser`,
    methods: {
      GET: (call, match) => {
        requireScope(call.caller, scopes.groupRequestRead);
        const on = filterByCurrentUserOn(match, ["principal", "createdBy", "approver", "unknownFutureValue"]);
        const q = query(call, groupAssignmentRequestSchema);
        return listResult(
          call,
          {
            records: requests(call, on),
            render: (r) => typed("privilegedAccessGroupAssignmentScheduleRequest", renderGroupRequest(r)),
            expand: expandRequest(call),
            context: "Collection(privilegedAccessGroupAssignmentScheduleRequest)",
          },
          q,
        );
      },
    },
  },
  {
    pattern: `${base}/assignmentScheduleRequests/{id}`,
    methods: {
      GET: (call, match) => {
        requireScope(call.caller, scopes.groupRequestRead);
        const q = query(call, groupAssignmentRequestSchema, entityOptions);
        const id = param(match, "id");
        const r = call.ctx.state.request("group", id);
        if (!r) throw resourceNotFound("privilegedAccessGroupAssignmentScheduleRequest", id);
        return entityResult(
          call,
          `${base}/assignmentScheduleRequests`,
          expandEntity(r, renderGroupRequest(r), expandRequest(call), q),
          q,
        );
      },
    },
  },
  { pattern: `${base}/assignmentScheduleRequests/{id}/cancel`, methods: { POST: cancelRequest } },
  { pattern: `${base}/assignmentApprovals/{id}`, methods: { GET: getApproval(groupApprovals) } },
  { pattern: `${base}/assignmentApprovals/{id}/stages`, methods: { GET: listStages(groupApprovals) } },
  {
    pattern: `${base}/assignmentApprovals/{id}/stages/{stageId}`,
    methods: { GET: getStage(groupApprovals), PATCH: patchStage(groupApprovals) },
  },
];
