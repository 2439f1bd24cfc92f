/** `policies/roleManagementPolicyAssignments` and `policies/roleManagementPolicies`. */
import type { TenantState } from "../../state/api";
import { requireScope, scopes } from "../auth";
import { entityResult, expandEntity, type GraphCall, type GraphResult, listResult, shapeExpanded } from "../call";
import { resourceNotFound, wrapped } from "../errors";
import { equalityValues } from "../odata/filter";
import type { ExpandItem, QueryOptions } from "../odata/query";
import {
  directoryPolicyView,
  findPolicy,
  findPolicyAssignment,
  groupPolicyView,
  type PolicyProvider,
  type PolicyView,
  policyId,
  renderPolicy,
  renderPolicyAssignment,
  renderPolicyRules,
} from "../render/policies";
import type { Match, Route } from "../router";
import { policyAssignmentSchema, policyRuleSchema, policySchema } from "../schemas";
import { entityOptions, param, query, sameId } from "./common";

const providers: readonly PolicyProvider[] = ["DirectoryRole", "Directory", "Group"];

function requireProviderScope(call: GraphCall, provider: PolicyProvider): void {
  requireScope(call.caller, provider === "Group" ? scopes.groupPolicy : scopes.directoryPolicy);
}

/**
 * Both list endpoints need `scopeId` and `scopeType` in the filter (documented on the list page).
 * A scopeType no provider serves is the backend's `MissingProvider` [REC graph-docs #20060]; the
 * wording for a missing clause was never captured [INF].
 */
function scopedViews(call: GraphCall, q: QueryOptions): PolicyView[] {
  const scopeIds = q.filter ? equalityValues(q.filter, "scopeId") : [];
  const scopeTypes = q.filter ? equalityValues(q.filter, "scopeType") : [];
  if (scopeIds.length === 0 || scopeTypes.length === 0) {
    throw wrapped(400, "InvalidFilter", "The filter must contain scopeId and scopeType.");
  }
  const named = new Set<PolicyProvider>();
  for (const t of scopeTypes) {
    const p = providers.find((x) => sameId(x, t));
    if (!p) throw wrapped(400, "MissingProvider", "The provider is missing.");
    named.add(p);
  }
  for (const p of named) requireProviderScope(call, p);
  const state = call.ctx.state;
  const views: PolicyView[] = [];
  for (const provider of named) {
    if (provider === "Group") {
      for (const id of scopeIds) {
        const group = state.groups.find((g) => sameId(g.id, id));
        if (!group) continue;
        views.push(groupPolicyView(state, group.id, "member"), groupPolicyView(state, group.id, "owner"));
      }
    } else if (scopeIds.includes("/")) {
      for (const role of state.directoryRoles) views.push(directoryPolicyView(state, role.id, provider));
    }
  }
  return views;
}

function expandPolicy(state: TenantState, v: PolicyView, nested: readonly ExpandItem[]): Record<string, unknown> {
  const policy = renderPolicy(state, v);
  for (const n of nested) policy[n.name] = shapeExpanded(renderPolicyRules(state, v), n);
  return policy;
}

function expandAssignment(call: GraphCall) {
  return (v: PolicyView, item: ExpandItem) =>
    item.name === "policy" ? expandPolicy(call.ctx.state, v, item.expand) : null;
}

function policyRules(call: GraphCall) {
  return (v: PolicyView, item: ExpandItem) =>
    item.name === "rules" || item.name === "effectiveRules" ? renderPolicyRules(call.ctx.state, v) : null;
}

function findPolicyOr404(call: GraphCall, id: string): PolicyView {
  const v = findPolicy(call.ctx.state, id);
  if (!v) throw resourceNotFound("unifiedRoleManagementPolicy", id);
  requireProviderScope(call, v.provider);
  return v;
}

function rulesOf(call: GraphCall, match: Match) {
  const v = findPolicyOr404(call, param(match, "id"));
  return { view: v, rules: renderPolicyRules(call.ctx.state, v) };
}

export const policyRoutes: Route[] = [
  {
    pattern: "policies/roleManagementPolicyAssignments",
    methods: {
      GET: (call): GraphResult => {
        const q = query(call, policyAssignmentSchema);
        const views = scopedViews(call, q);
        return listResult(
          call,
          {
            records: views,
            render: (v) => renderPolicyAssignment(call.ctx.state, v),
            expand: expandAssignment(call),
            context: "policies/roleManagementPolicyAssignments",
          },
          q,
        );
      },
    },
  },
  {
    pattern: "policies/roleManagementPolicyAssignments/{id}",
    methods: {
      GET: (call, match) => {
        const q = query(call, policyAssignmentSchema, entityOptions);
        const id = param(match, "id");
        const v = findPolicyAssignment(call.ctx.state, id);
        if (!v) throw resourceNotFound("unifiedRoleManagementPolicyAssignment", id);
        requireProviderScope(call, v.provider);
        return entityResult(
          call,
          "policies/roleManagementPolicyAssignments",
          expandEntity(v, renderPolicyAssignment(call.ctx.state, v), expandAssignment(call), q),
          q,
        );
      },
    },
  },
  {
    pattern: "policies/roleManagementPolicies",
    methods: {
      GET: (call) => {
        const q = query(call, policySchema);
        // One policy per id, however many assignments share it.
        const seen = new Set<string>();
        const views = scopedViews(call, q).filter((v) => {
          const id = policyId(call.ctx.state, v);
          if (seen.has(id)) return false;
          seen.add(id);
          return true;
        });
        return listResult(
          call,
          {
            records: views,
            render: (v) => renderPolicy(call.ctx.state, v),
            expand: policyRules(call),
            context: "policies/roleManagementPolicies",
          },
          q,
        );
      },
    },
  },
  {
    pattern: "policies/roleManagementPolicies/{id}",
    methods: {
      GET: (call, match) => {
        const q = query(call, policySchema, entityOptions);
        const v = findPolicyOr404(call, param(match, "id"));
        return entityResult(
          call,
          "policies/roleManagementPolicies",
          expandEntity(v, renderPolicy(call.ctx.state, v), policyRules(call), q),
          q,
        );
      },
    },
  },
  ...(["rules", "effectiveRules"] as const).flatMap((nav): Route[] => [
    {
      pattern: `policies/roleManagementPolicies/{id}/${nav}`,
      methods: {
        GET: (call, match) => {
          const q = query(call, policyRuleSchema, ["$filter", "$select", "$top", "$skiptoken"]);
          const { view, rules } = rulesOf(call, match);
          return listResult(
            call,
            {
              records: rules,
              render: (r) => r,
              context: `policies/roleManagementPolicies('${policyId(call.ctx.state, view)}')/${nav}`,
            },
            q,
          );
        },
      },
    },
    {
      pattern: `policies/roleManagementPolicies/{id}/${nav}/{ruleId}`,
      methods: {
        GET: (call, match) => {
          const q = query(call, policyRuleSchema, ["$select"]);
          const { view, rules } = rulesOf(call, match);
          const rule = rules.find((r) => r.id === param(match, "ruleId"));
          if (!rule) throw resourceNotFound("unifiedRoleManagementPolicyRule", param(match, "ruleId"));
          return entityResult(
            call,
            `policies/roleManagementPolicies('${policyId(call.ctx.state, view)}')/${nav}`,
            expandEntity(rule, rule, undefined, q),
            q,
          );
        },
      },
    },
  ]),
];
