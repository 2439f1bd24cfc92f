/**
 * The tenant state of one loaded scenario. Reads go through the getters (which hand out copies, so
 * a surface cannot change state by accident); changes go through the engine.
 */
import type { Clock } from "../clock";
import { policyTargetKey } from "../scenario/resolve";
import type { Scenario } from "../scenario/types";
import type { EligibilityFilter, RequestFilter, SubmitInput, SubmitResult, TenantState } from "./api";
import { formatIsoDuration, isoUtc, resolveTimeSpec } from "./durations";
import {
  advance,
  cancel,
  canonicalTarget,
  isCurrent,
  isVisible,
  policyFor,
  policyTargetOf,
  requestKey,
  review,
  roleGuid,
  setPolicy,
  submit,
  type TenantData,
} from "./engine";
import type {
  AssignmentRecord,
  CaPolicyRecord,
  EligibilityRecord,
  EmulatorSettings,
  Plane,
  PolicyRecord,
  RequestRecord,
} from "./model";
import type { ScopeHierarchy } from "./scopes";

export const defaultEmulatorSettings: Readonly<EmulatorSettings> = {
  acrsChallenge: "body",
  requireCp1ForAcrs: false,
  groupEnumCasing: "csdl",
  pageSize: 100,
  provisioningDelaySeconds: 0,
  tokenLifetimeSeconds: 3600,
};

const MINUTE = 60_000;

function resolveTime(spec: string, now: number, what: string): string {
  const v = resolveTimeSpec(spec, now);
  if (v === undefined) throw new RangeError(`${what}: not a time: ${spec}`);
  return isoUtc(v);
}

function definedOnly<T extends object>(o: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) Object.assign(out, { [k]: v });
  return out;
}

export function createTenantState(
  scenario: Scenario,
  clock: Clock,
  settings: Partial<EmulatorSettings> = {},
): TenantState {
  const now0 = clock.nowMs();
  const s = scenario;
  const effectiveSettings: EmulatorSettings = {
    ...defaultEmulatorSettings,
    ...definedOnly(s.settings),
    ...definedOnly(settings),
  };

  const hierarchy: ScopeHierarchy = {
    rootManagementGroup: s.tenant.id,
    managementGroupOfSubscription: (id) =>
      s.subscriptions.find((x) => x.subscriptionId.toLowerCase() === id.toLowerCase())?.managementGroup,
    parentOfManagementGroup: (name) =>
      s.managementGroups.find((m) => m.name.toLowerCase() === name.toLowerCase())?.parent,
  };

  const data: TenantData = {
    scenario: s,
    settings: effectiveSettings,
    loadedAtMs: now0,
    eligibilities: s.eligibilities.map((e) => ({
      id: e.id,
      principalId: e.principalId,
      target: canonicalTarget(e.target),
      start: resolveTime(e.start, now0, `eligibility ${e.id} start`),
      end: e.end === null ? null : resolveTime(e.end, now0, `eligibility ${e.id} end`),
      memberType: "Direct",
    })),
    assignments: s.assignments.map((a) => {
      const start = resolveTime(a.start, now0, `assignment ${a.id} start`);
      return {
        id: a.id,
        principalId: a.principalId,
        target: canonicalTarget(a.target),
        assignmentType: "Assigned",
        start,
        end: a.end === null ? null : resolveTime(a.end, now0, `assignment ${a.id} end`),
        visibleFrom: start,
        memberType: "Direct",
      } satisfies AssignmentRecord;
    }),
    requests: new Map(),
    requestMeta: new Map(),
    approvals: new Map(),
    policies: new Map(),
    defaultPolicies: new Map(),
    hierarchy,
  };

  for (const p of s.policies) {
    const record: PolicyRecord = {
      policyGuid: p.policyGuid,
      target: p.target,
      settings: { ...p.settings, approvers: [...p.settings.approvers] },
      lastModifiedDateTime: isoUtc(now0),
    };
    if (p.readableBy) record.readableBy = [...p.readableBy];
    data.policies.set(policyTargetKey(p.target), record);
  }

  // Activations already running when the scenario loads, with the request that made each.
  for (const a of s.activations) {
    const start = isoUtc(now0 - a.startedMinutesAgo * MINUTE);
    const end = isoUtc(now0 + a.expiresInMinutes * MINUTE);
    const target = canonicalTarget(a.target);
    data.assignments.push({
      id: a.id,
      principalId: a.principalId,
      target,
      assignmentType: "Activated",
      start,
      end,
      visibleFrom: start,
      memberType: "Direct",
      requestId: a.id,
      eligibilityId: a.eligibilityId,
    });
    const request: RequestRecord = {
      id: a.id,
      plane: target.plane,
      action: "selfActivate",
      principalId: a.principalId,
      createdBy: a.principalId,
      target,
      justification: a.justification,
      ticketNumber: null,
      ticketSystem: null,
      requestedStart: null,
      start,
      duration: formatIsoDuration((a.startedMinutesAgo + a.expiresInMinutes) * MINUTE),
      end,
      expirationType: "afterDuration",
      status: "Provisioned",
      createdDateTime: start,
      completedDateTime: start,
      approvalId: null,
      assignmentId: a.id,
    };
    if (target.plane === "azure") request.armScope = target.scope;
    data.requests.set(requestKey(target.plane, a.id), request);
    data.requestMeta.set(requestKey(target.plane, a.id), { eligibilityId: a.eligibilityId });
  }

  const caPolicies: CaPolicyRecord[] = s.caPolicies.map((c) => ({
    ...c,
    createdDateTime: resolveTime(c.createdDateTime, now0, `conditional access policy ${c.id} createdDateTime`),
  }));

  const tick = () => advance(data, clock.nowMs());
  const clone = plainCopy;
  const lower = (v: string | undefined) => v?.toLowerCase();

  /** A filter with its ids in canonical spelling, worked out once per call rather than per record. */
  const matcher = (f: EligibilityFilter) => {
    const principalId = f.principalId ? f.principalId.toLowerCase() : undefined;
    const groupId = f.groupId ? f.groupId.toLowerCase() : undefined;
    const roleId = f.roleDefinitionId ? roleGuid(f.roleDefinitionId) : undefined;
    return (r: EligibilityRecord | AssignmentRecord): boolean => {
      if (f.plane && r.target.plane !== f.plane) return false;
      if (principalId !== undefined && r.principalId !== principalId) return false;
      if (groupId !== undefined && (r.target.plane !== "group" || r.target.groupId !== groupId)) return false;
      if (roleId !== undefined) {
        if (r.target.plane === "group") return false;
        if (r.target.roleDefinitionId !== roleId) return false;
      }
      return true;
    };
  };

  const usersByOid = indexBy(s.users, (u) => u.oid);
  const usersByUpn = indexBy(s.users, (u) => u.upn);

  const guestViews = new Map<string, TenantState>();

  const state: TenantState = {
    tenant: s.tenant,
    guestTenants: s.guestTenants,
    settings: effectiveSettings,
    users: s.users,
    apps: s.apps,
    authContexts: s.authContexts,
    caPolicies,
    directoryRoles: s.directoryRoles,
    administrativeUnits: s.administrativeUnits,
    groups: s.groups,
    managementGroups: s.managementGroups,
    subscriptions: s.subscriptions,
    resourceGroups: s.resourceGroups,
    resources: s.resources,
    azureRoleDefinitions: s.azureRoleDefinitions,

    user: (oid) => usersByOid.get(oid.toLowerCase()),
    userByUpn: (upn) => usersByUpn.get(upn.toLowerCase()),

    eligibilities(filter = {}) {
      const now = clock.nowMs();
      const matches = matcher(filter);
      const out: EligibilityRecord[] = [];
      for (const e of data.eligibilities) if (matches(e) && isCurrent(e, now)) out.push(clone(e));
      return out;
    },
    assignments(filter = {}) {
      tick();
      const now = clock.nowMs();
      const matches = matcher(filter);
      const out: AssignmentRecord[] = [];
      for (const a of data.assignments) {
        if (!matches(a)) continue;
        if (filter.includeNotVisible ? a.end === null || now < Date.parse(a.end) : isVisible(a, now))
          out.push(clone(a));
      }
      return out;
    },
    requests(filter: RequestFilter = {}) {
      tick();
      const approver = lower(filter.approverId);
      const principalId = lower(filter.principalId);
      return [...data.requests.values()]
        .filter((r) => !filter.plane || r.plane === filter.plane)
        .filter((r) => !principalId || r.principalId === principalId)
        .filter((r) => {
          if (approver === undefined) return true;
          if (r.status !== "PendingApproval" || !r.approvalId) return false;
          const stage = data.approvals.get(r.approvalId.toLowerCase())?.stages.find((x) => x.status === "InProgress");
          return stage?.approvers.some((a) => a.toLowerCase() === approver) ?? false;
        })
        .map(clone);
    },
    request(plane, id) {
      tick();
      const r = data.requests.get(requestKey(plane, id));
      return r && clone(r);
    },
    approvals() {
      tick();
      return [...data.approvals.values()].map(clone);
    },
    approval(id) {
      tick();
      const a = data.approvals.get(id.toLowerCase());
      return a && clone(a);
    },

    policyFor: (target) => clone(policyFor(data, target)),
    policies(plane: Plane) {
      const out = new Map<string, PolicyRecord>();
      for (const [k, p] of data.policies) if (p.target.plane === plane) out.set(k, p);
      for (const e of data.eligibilities) {
        if (e.target.plane !== plane) continue;
        const p = policyFor(data, policyTargetOf(e.target));
        out.set(policyTargetKey(p.target), p);
      }
      return [...out.values()].map(clone);
    },

    submit(input: SubmitInput, caller): SubmitResult {
      const result = submit(data, clock, input, caller);
      return result.ok ? { ok: true, request: clone(result.request) } : result;
    },
    cancel(plane, requestId, callerOid) {
      const result = cancel(data, clock, plane, requestId, callerOid);
      return result.ok ? { ok: true, request: clone(result.request) } : result;
    },
    review(approvalId, decision, reviewerOid, justification) {
      const result = review(data, clock, approvalId, decision, reviewerOid, justification);
      return result.ok ? { ok: true, approval: clone(result.approval), request: clone(result.request) } : result;
    },
    setPolicy: (target, settings) => clone(setPolicy(data, clock, target, settings)),

    dump() {
      tick();
      const now = clock.nowMs();
      return structuredClone({
        now: isoUtc(now),
        loadedAt: isoUtc(data.loadedAtMs),
        scenario: { name: s.name, description: s.description },
        tenant: s.tenant,
        guestTenants: s.guestTenants,
        settings: effectiveSettings,
        users: s.users,
        apps: s.apps,
        authContexts: s.authContexts,
        caPolicies,
        administrativeUnits: s.administrativeUnits,
        customDirectoryRoles: s.directoryRoles.filter((r) => !r.isBuiltIn),
        groups: s.groups,
        managementGroups: s.managementGroups,
        subscriptions: s.subscriptions,
        resourceGroups: s.resourceGroups,
        resources: s.resources,
        customAzureRoles: s.azureRoleDefinitions.filter((r) => r.type === "CustomRole"),
        policies: [...data.policies.values(), ...data.defaultPolicies.values()],
        eligibilities: data.eligibilities.map((e) => ({ ...e, current: isCurrent(e, now) })),
        assignments: data.assignments.map((a) => ({ ...a, visible: isVisible(a, now) })),
        requests: [...data.requests.values()],
        approvals: [...data.approvals.values()],
      });
    },

    forTenant(tenantId) {
      const key = tenantId.toLowerCase();
      const guest = s.guestTenants.find((t) => t.id.toLowerCase() === key);
      if (!guest) return state;
      let view = guestViews.get(key);
      if (!view) {
        view = createTenantState(guestTenantScenario(s, guest), clock, effectiveSettings);
        guestViews.set(key, view);
      }
      // Admin settings changes land on this state's settings object; the guest tenant follows them.
      Object.assign(view.settings, effectiveSettings);
      return view;
    },
  };
  return state;
}

/**
 * A deep copy of plain record data (objects, arrays, primitives — all the state holds), much
 * cheaper than `structuredClone` on the per-request read path and the same result for such data.
 */
function plainCopy<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(plainCopy) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = plainCopy((v as Record<string, unknown>)[k]);
  return out as T;
}

/** An index that keeps the first of duplicate keys, as a scan of the list would find. */
function indexBy<T, K>(list: readonly T[], key: (x: T) => K): Map<K, T> {
  const out = new Map<K, T>();
  for (const x of list) {
    const k = key(x);
    if (!out.has(k)) out.set(k, x);
  }
  return out;
}

/**
 * A tenant the scenario's users are guests in: they can sign in there, but the scenario gives
 * them no PIM data in it, so every list comes back empty and every activation is refused as in a
 * tenant where the user holds nothing.
 */
function guestTenantScenario(s: Scenario, guest: Scenario["tenant"]): Scenario {
  return {
    ...s,
    name: `${s.name}:${guest.domain}`,
    tenant: guest,
    guestTenants: [],
    authContexts: [],
    caPolicies: [],
    administrativeUnits: [],
    directoryRoles: s.directoryRoles.filter((r) => r.isBuiltIn),
    groups: [],
    managementGroups: [],
    subscriptions: [],
    resourceGroups: [],
    resources: [],
    azureRoleDefinitions: s.azureRoleDefinitions.filter((r) => r.type === "BuiltInRole"),
    policies: [],
    eligibilities: [],
    assignments: [],
    activations: [],
    settings: {},
  };
}
