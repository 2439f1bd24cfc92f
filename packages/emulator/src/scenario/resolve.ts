/**
 * Turns a schema-valid scenario into a `Scenario`: resolves every reference (by id, upn, name or
 * display name, case-insensitive), derives missing ids, applies policy defaults, and refuses what
 * the service would refuse. All problems are collected with their JSON paths.
 */
import { defaultClientId } from "@pimkit/contracts";
import { resolveTimeSpec } from "../state/durations";
import type {
  AccessId,
  AdministrativeUnitRecord,
  AppRecord,
  AuthContextRecord,
  AzureRoleDefinitionRecord,
  CaPolicyRecord,
  DirectoryRoleRecord,
  GroupRecord,
  ManagementGroupRecord,
  Plane,
  PolicySettings,
  PolicyTarget,
  ResourceGroupRecord,
  ResourceRecord,
  RoleTarget,
  SubscriptionRecord,
  TenantInfo,
  UserRecord,
} from "../state/model";
import { mergePolicySettings, policySettingsProblem, tenantPolicyDefaults } from "../state/policy-defaults";
import {
  isAtOrAbove,
  managementGroupScope,
  normalizeScope,
  parseScope,
  resourceGroupScope,
  type ScopeHierarchy,
  subscriptionScope,
} from "../state/scopes";
import { builtInAzureRoles, builtInDirectoryRoles } from "./builtin-roles";
import { jsonPath, ScenarioError, type ScenarioIssue } from "./errors";
import { stableGuid } from "./ids";
import type { ParsedScenario, PolicySettingsInput, TargetFields } from "./schema";
import type { Scenario, ScenarioActivation, ScenarioAssignment, ScenarioEligibility, ScenarioPolicy } from "./types";

type Path = readonly PropertyKey[];

/** Matches a reference against items: first by primary keys (ids, upn, name), then secondary (display names). */
function lookup<T>(
  items: readonly T[],
  ref: string,
  primary: (t: T) => Array<string | undefined>,
  secondary: (t: T) => Array<string | undefined> = () => [],
): { item: T } | { error: "unknown" | "ambiguous" } {
  const r = ref.trim().toLowerCase();
  for (const keys of [primary, secondary]) {
    const hits = items.filter((t) => keys(t).some((k) => k !== undefined && k.toLowerCase() === r));
    const unique = [...new Set(hits)];
    if (unique.length === 1 && unique[0] !== undefined) return { item: unique[0] };
    if (unique.length > 1) return { error: "ambiguous" };
  }
  return { error: "unknown" };
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 90) || "group"
  );
}

export function resolveScenario(p: ParsedScenario): Scenario {
  const issues: ScenarioIssue[] = [];
  const fail = (path: Path, message: string) => {
    issues.push({ path: jsonPath(path), message });
  };

  // Tenant and guests.
  const tenant: TenantInfo = {
    id: (p.tenant.id ?? stableGuid("tenant", p.tenant.domain)).toLowerCase(),
    displayName: p.tenant.displayName,
    domain: p.tenant.domain.toLowerCase(),
  };
  const guestTenants: TenantInfo[] = [];
  p.guestTenants.forEach((g, i) => {
    const t: TenantInfo = {
      id: (g.id ?? stableGuid("tenant", g.domain)).toLowerCase(),
      displayName: g.displayName,
      domain: g.domain.toLowerCase(),
    };
    if ([tenant, ...guestTenants].some((o) => o.id === t.id || o.domain === t.domain)) {
      fail(["guestTenants", i], `duplicate tenant ${t.domain} (${t.id})`);
    }
    guestTenants.push(t);
  });

  // Authentication contexts come first: users and policies refer to them.
  const authContexts: AuthContextRecord[] = [];
  p.authContexts.forEach((c, i) => {
    if (authContexts.some((o) => o.id === c.id))
      fail(["authContexts", i, "id"], `duplicate authentication context ${c.id}`);
    authContexts.push({ id: c.id, displayName: c.displayName, description: c.description, isAvailable: c.isAvailable });
  });
  const checkContext = (id: string, path: Path) => {
    if (!authContexts.some((c) => c.id === id)) fail(path, `unknown authentication context ${id}`);
  };

  // Users.
  const users: UserRecord[] = [];
  p.users.forEach((u, i) => {
    const upn = (u.upn.includes("@") ? u.upn : `${u.upn}@${tenant.domain}`).toLowerCase();
    const oid = (u.oid ?? stableGuid("user", tenant.id, upn)).toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(upn)) fail(["users", i, "upn"], `not a user principal name: ${u.upn}`);
    if (users.some((o) => o.upn === upn)) fail(["users", i, "upn"], `duplicate user ${upn}`);
    if (users.some((o) => o.oid === oid)) fail(["users", i, "oid"], `duplicate object id ${oid}`);
    u.contexts.forEach((c, j) => {
      checkContext(c, ["users", i, "contexts", j]);
    });
    const user: UserRecord = {
      oid,
      upn,
      displayName: u.displayName,
      canMfa: u.canMfa,
      contexts: [...new Set(u.contexts)],
    };
    if (u.mail !== undefined) user.mail = u.mail;
    users.push(user);
  });
  const userRef = (ref: string, path: Path): string | undefined => {
    const r = lookup(
      users,
      ref,
      (u) => [u.oid, u.upn],
      (u) => [u.displayName, u.upn.split("@")[0]],
    );
    if ("item" in r) return r.item.oid;
    fail(path, r.error === "ambiguous" ? `ambiguous user reference "${ref}"` : `unknown user "${ref}"`);
    return undefined;
  };

  // Apps: the public client pimkit uses by default and a portal SPA, unless the scenario lists its own.
  const apps: AppRecord[] = [];
  const appInputs = p.apps ?? [
    {
      clientId: defaultClientId,
      displayName: "Microsoft Graph Command Line Tools",
      redirectUris: ["http://localhost"],
      spa: false,
    },
    // "/" is the emulator's own origin: the portal it serves signs in from there.
    { clientId: undefined, displayName: "pimkit portal", redirectUris: ["http://localhost", "/"], spa: true },
  ];
  appInputs.forEach((a, i) => {
    const clientId = (a.clientId ?? stableGuid("app", tenant.id, a.displayName)).toLowerCase();
    if (apps.some((o) => o.clientId === clientId)) fail(["apps", i, "clientId"], `duplicate app ${clientId}`);
    apps.push({ clientId, displayName: a.displayName, redirectUris: [...(a.redirectUris ?? [])], spa: a.spa ?? false });
  });

  // Conditional Access policies.
  const caPolicies: CaPolicyRecord[] = [];
  p.conditionalAccessPolicies.forEach((c, i) => {
    const id = (c.id ?? stableGuid("ca", tenant.id, c.displayName)).toLowerCase();
    if (caPolicies.some((o) => o.id === id)) fail(["conditionalAccessPolicies", i], `duplicate policy ${id}`);
    c.authContexts.forEach((ctx, j) => {
      checkContext(ctx, ["conditionalAccessPolicies", i, "authContexts", j]);
    });
    const includeUsers: string[] = [];
    c.includeUsers.forEach((u, j) => {
      if (u.toLowerCase() === "all") includeUsers.push("All");
      else {
        const oid = userRef(u, ["conditionalAccessPolicies", i, "includeUsers", j]);
        if (oid) includeUsers.push(oid);
      }
    });
    caPolicies.push({
      id,
      displayName: c.displayName,
      state: c.state,
      authContexts: [...c.authContexts],
      builtInControls: [...c.builtInControls],
      includeUsers,
      createdDateTime: c.createdDateTime ?? "-P90D",
    });
  });

  // Directory objects.
  const named = <T extends { id: string; displayName: string }>(
    section: string,
    kind: string,
    list: ReadonlyArray<{ id?: string | undefined; displayName: string; description: string }>,
    existing: readonly T[],
    make: (id: string, x: { displayName: string; description: string }) => T,
  ): T[] => {
    const out: T[] = [...existing];
    list.forEach((x, i) => {
      const id = (x.id ?? stableGuid(kind, tenant.id, x.displayName)).toLowerCase();
      if (out.some((o) => o.displayName.toLowerCase() === x.displayName.toLowerCase())) {
        fail([section, i, "displayName"], `duplicate ${kind} name "${x.displayName}"`);
      } else if (out.some((o) => o.id.toLowerCase() === id)) {
        fail([section, i, "id"], `duplicate ${kind} id ${id}`);
      }
      out.push(make(id, x));
    });
    return out;
  };
  const administrativeUnits = named<AdministrativeUnitRecord>(
    "administrativeUnits",
    "administrative unit",
    p.administrativeUnits,
    [],
    (id, x) => ({ id, displayName: x.displayName, description: x.description }),
  );
  const directoryRoles = named<DirectoryRoleRecord>(
    "directoryRoles",
    "directory role",
    p.directoryRoles,
    builtInDirectoryRoles,
    (id, x) => ({ id, displayName: x.displayName, description: x.description, isBuiltIn: false }),
  );
  const groups = named<GroupRecord>("groups", "group", p.groups, [], (id, x) => ({
    id,
    displayName: x.displayName,
    description: x.description,
  }));
  const azureRoleDefinitions = named<AzureRoleDefinitionRecord>(
    "azureRoles",
    "Azure role",
    p.azureRoles,
    builtInAzureRoles,
    (id, x) => ({ id, displayName: x.displayName, description: x.description, type: "CustomRole" }),
  );

  // Management groups (parents may be declared after their children) and the resource tree.
  const rootMg = tenant.id;
  const managementGroups: ManagementGroupRecord[] = [];
  p.managementGroups.forEach((m, i) => {
    const name = m.name ?? slug(m.displayName);
    if (name.toLowerCase() === rootMg || managementGroups.some((o) => o.name.toLowerCase() === name.toLowerCase())) {
      fail(["managementGroups", i, "name"], `duplicate management group ${name}`);
    }
    managementGroups.push({ name, displayName: m.displayName });
  });
  const mgRef = (ref: string, path: Path): string | undefined => {
    if (ref.toLowerCase() === rootMg || ref.toLowerCase() === "tenant root group") return rootMg;
    const r = lookup(
      managementGroups,
      ref,
      (m) => [m.name],
      (m) => [m.displayName],
    );
    if ("item" in r) return r.item.name;
    fail(path, r.error === "ambiguous" ? `ambiguous management group "${ref}"` : `unknown management group "${ref}"`);
    return undefined;
  };
  p.managementGroups.forEach((m, i) => {
    const rec = managementGroups[i];
    if (!rec || m.parent === undefined) return;
    const parent = mgRef(m.parent, ["managementGroups", i, "parent"]);
    if (parent !== undefined && parent !== rootMg) rec.parent = parent;
  });
  managementGroups.forEach((m, i) => {
    const seen = new Set<string>([m.name.toLowerCase()]);
    let cur = m.parent;
    while (cur !== undefined) {
      if (seen.has(cur.toLowerCase())) {
        fail(["managementGroups", i, "parent"], `management group ${m.name} is its own ancestor`);
        break;
      }
      seen.add(cur.toLowerCase());
      const next = cur.toLowerCase();
      cur = managementGroups.find((o) => o.name.toLowerCase() === next)?.parent;
    }
  });

  const subscriptions: SubscriptionRecord[] = [];
  p.subscriptions.forEach((s, i) => {
    const subscriptionId = (s.subscriptionId ?? stableGuid("subscription", tenant.id, s.displayName)).toLowerCase();
    if (subscriptions.some((o) => o.subscriptionId === subscriptionId)) {
      fail(["subscriptions", i, "subscriptionId"], `duplicate subscription ${subscriptionId}`);
    }
    if (subscriptions.some((o) => o.displayName.toLowerCase() === s.displayName.toLowerCase())) {
      fail(["subscriptions", i, "displayName"], `duplicate subscription name "${s.displayName}"`);
    }
    const mg =
      s.managementGroup === undefined ? rootMg : mgRef(s.managementGroup, ["subscriptions", i, "managementGroup"]);
    subscriptions.push({ subscriptionId, displayName: s.displayName, managementGroup: mg ?? rootMg, state: "Enabled" });
  });
  const subRef = (ref: string, path: Path): SubscriptionRecord | undefined => {
    const r = lookup(
      subscriptions,
      ref,
      (s) => [s.subscriptionId],
      (s) => [s.displayName],
    );
    if ("item" in r) return r.item;
    fail(path, r.error === "ambiguous" ? `ambiguous subscription "${ref}"` : `unknown subscription "${ref}"`);
    return undefined;
  };

  const resourceGroups: ResourceGroupRecord[] = [];
  p.resourceGroups.forEach((g, i) => {
    const sub = subRef(g.subscription, ["resourceGroups", i, "subscription"]);
    if (!sub) return;
    if (
      resourceGroups.some(
        (o) => o.subscriptionId === sub.subscriptionId && o.name.toLowerCase() === g.name.toLowerCase(),
      )
    ) {
      fail(["resourceGroups", i, "name"], `duplicate resource group ${g.name} in ${sub.displayName}`);
    }
    resourceGroups.push({ subscriptionId: sub.subscriptionId, name: g.name, location: g.location });
  });
  const rgRef = (sub: SubscriptionRecord, ref: string, path: Path): ResourceGroupRecord | undefined => {
    const rg = resourceGroups.find(
      (g) => g.subscriptionId === sub.subscriptionId && g.name.toLowerCase() === ref.toLowerCase(),
    );
    if (!rg) fail(path, `unknown resource group "${ref}" in subscription ${sub.displayName}`);
    return rg;
  };

  const resources: ResourceRecord[] = [];
  p.resources.forEach((r, i) => {
    const sub = subRef(r.subscription, ["resources", i, "subscription"]);
    if (!sub) return;
    const rg = rgRef(sub, r.resourceGroup, ["resources", i, "resourceGroup"]);
    if (!rg) return;
    const id = `${resourceGroupScope(sub.subscriptionId, rg.name)}/providers/${r.type}/${r.name}`;
    if (resources.some((o) => o.id.toLowerCase() === id.toLowerCase()))
      fail(["resources", i, "name"], `duplicate resource ${id}`);
    resources.push({ id, name: r.name, type: r.type });
  });

  const hierarchy: ScopeHierarchy = {
    rootManagementGroup: rootMg,
    managementGroupOfSubscription: (id) =>
      subscriptions.find((s) => s.subscriptionId === id.toLowerCase())?.managementGroup,
    parentOfManagementGroup: (name) =>
      managementGroups.find((m) => m.name.toLowerCase() === name.toLowerCase())?.parent,
  };

  /** The canonical scope string of a scope reference, or undefined (with an issue) when it names nothing. */
  const scopeRef = (scope: NonNullable<TargetFields["scope"]>, path: Path): string | undefined => {
    if (typeof scope === "string") {
      const parsed = parseScope(scope);
      const s = normalizeScope(scope);
      const known = (() => {
        if (!parsed) return undefined;
        switch (parsed.kind) {
          case "tenant":
            return "/";
          case "managementGroup": {
            if (parsed.name.toLowerCase() === rootMg) return managementGroupScope(rootMg);
            const m = managementGroups.find((o) => o.name.toLowerCase() === parsed.name.toLowerCase());
            return m ? managementGroupScope(m.name) : undefined;
          }
          case "subscription": {
            const sub = subscriptions.find((o) => o.subscriptionId === parsed.subscriptionId.toLowerCase());
            return sub ? subscriptionScope(sub.subscriptionId) : undefined;
          }
          case "resourceGroup": {
            const rg = resourceGroups.find(
              (o) =>
                o.subscriptionId === parsed.subscriptionId.toLowerCase() &&
                o.name.toLowerCase() === parsed.resourceGroup.toLowerCase(),
            );
            return rg ? resourceGroupScope(rg.subscriptionId, rg.name) : undefined;
          }
          case "resource":
            return resources.find((o) => o.id.toLowerCase() === s.toLowerCase())?.id;
        }
      })();
      if (known === undefined) fail(path, `unknown scope ${scope}`);
      return known;
    }
    const { managementGroup, subscription, resourceGroup, resource } = scope;
    if (managementGroup !== undefined) {
      if (subscription !== undefined || resourceGroup !== undefined || resource !== undefined) {
        fail(path, "a scope names either a managementGroup or a subscription (with resourceGroup and resource)");
        return undefined;
      }
      const mg = mgRef(managementGroup, [...path, "managementGroup"]);
      return mg === undefined ? undefined : managementGroupScope(mg);
    }
    if (subscription === undefined) {
      fail(path, "a scope needs a managementGroup or a subscription");
      return undefined;
    }
    const sub = subRef(subscription, [...path, "subscription"]);
    if (!sub) return undefined;
    if (resourceGroup === undefined) {
      if (resource !== undefined) fail([...path, "resource"], "a resource needs its resourceGroup");
      return subscriptionScope(sub.subscriptionId);
    }
    const rg = rgRef(sub, resourceGroup, [...path, "resourceGroup"]);
    if (!rg) return undefined;
    if (resource === undefined) return resourceGroupScope(rg.subscriptionId, rg.name);
    const prefix = `${resourceGroupScope(rg.subscriptionId, rg.name)}/providers/`.toLowerCase();
    const r = lookup(
      resources.filter((o) => o.id.toLowerCase().startsWith(prefix)),
      resource,
      (o) => [o.id, o.name],
    );
    if ("item" in r) return r.item.id;
    fail(
      [...path, "resource"],
      r.error === "ambiguous"
        ? `ambiguous resource "${resource}" in ${rg.name}`
        : `unknown resource "${resource}" in ${rg.name}`,
    );
    return undefined;
  };

  const roleRef = <T extends { id: string; displayName: string }>(
    list: readonly T[],
    kind: string,
    ref: string,
    path: Path,
  ): T | undefined => {
    const r = lookup(
      list,
      ref,
      (x) => [x.id, x.displayName],
      () => [],
    );
    if ("item" in r) return r.item;
    fail(path, r.error === "ambiguous" ? `ambiguous ${kind} "${ref}"` : `unknown ${kind} "${ref}"`);
    return undefined;
  };

  /** Resolves the target fields of a policy (`forPolicy`) or of an eligibility/assignment. */
  const resolveTarget = (t: TargetFields, path: Path, forPolicy: boolean): RoleTarget | undefined => {
    const kinds = (["directoryRole", "group", "azureRole"] as const).filter((k) => t[k] !== undefined);
    if (kinds.length !== 1) {
      fail(path, "must name exactly one of directoryRole, group or azureRole");
      return undefined;
    }
    const misplaced = (keys: ReadonlyArray<keyof TargetFields>, with_: string) => {
      for (const k of keys) if (t[k] !== undefined) fail([...path, k], `${k} does not apply to ${with_}`);
    };
    if (t.directoryRole !== undefined) {
      misplaced(forPolicy ? ["accessId", "scope", "administrativeUnit"] : ["accessId", "scope"], "a directoryRole");
      const role = roleRef(directoryRoles, "directory role", t.directoryRole, [...path, "directoryRole"]);
      let directoryScopeId = "/";
      if (t.administrativeUnit !== undefined && !forPolicy) {
        const au = lookup(administrativeUnits, t.administrativeUnit, (a) => [a.id, a.displayName]);
        if ("item" in au) directoryScopeId = `/administrativeUnits/${au.item.id}`;
        else {
          fail(
            [...path, "administrativeUnit"],
            au.error === "ambiguous"
              ? `ambiguous administrative unit "${t.administrativeUnit}"`
              : `unknown administrative unit "${t.administrativeUnit}"`,
          );
          return undefined;
        }
      }
      return role ? { plane: "directoryRole", roleDefinitionId: role.id, directoryScopeId } : undefined;
    }
    if (t.group !== undefined) {
      misplaced(["scope", "administrativeUnit"], "a group");
      const group = roleRef(groups, "group", t.group, [...path, "group"]);
      const accessId: AccessId = t.accessId ?? "member";
      return group ? { plane: "group", groupId: group.id, accessId } : undefined;
    }
    misplaced(["accessId", "administrativeUnit"], "an azureRole");
    const role = roleRef(azureRoleDefinitions, "Azure role", t.azureRole ?? "", [...path, "azureRole"]);
    if (t.scope === undefined) {
      fail([...path, "scope"], "an azureRole needs a scope");
      return undefined;
    }
    const scope = scopeRef(t.scope, [...path, "scope"]);
    return role && scope !== undefined ? { plane: "azure", scope, roleDefinitionId: role.id } : undefined;
  };

  // Policies: plane defaults first, then one policy per target.
  const settingsFrom = (s: PolicySettingsInput, path: Path): Partial<PolicySettings> => {
    const out: Partial<PolicySettings> = {};
    if (s.maxDuration !== undefined) out.maxDuration = s.maxDuration;
    if (s.justification !== undefined) out.justification = s.justification;
    if (s.ticket !== undefined) out.ticket = s.ticket;
    if (s.mfa !== undefined) out.mfa = s.mfa;
    if (s.authContext !== undefined) {
      out.authContext = s.authContext;
      if (s.authContext !== null) checkContext(s.authContext, [...path, "authContext"]);
    }
    if (s.approval !== undefined) out.approval = s.approval;
    if (s.approvers !== undefined) {
      out.approvers = s.approvers
        .map((a, j) => userRef(a, [...path, "approvers", j]))
        .filter((x): x is string => x !== undefined);
    }
    return out;
  };
  const checkSettings = (s: PolicySettings, path: Path) => {
    const problem = policySettingsProblem(s);
    if (problem) fail(problem.code === "ApproversRequired" ? [...path, "approvers"] : path, problem.message);
  };

  const policyDefaults = {} as Record<Plane, PolicySettings>;
  for (const plane of ["directoryRole", "group", "azure"] as const) {
    const override = p.policyDefaults[plane];
    const merged = mergePolicySettings(
      tenantPolicyDefaults[plane],
      override ? settingsFrom(override, ["policyDefaults", plane]) : {},
    );
    checkSettings(merged, ["policyDefaults", plane]);
    policyDefaults[plane] = merged;
  }

  const policies: ScenarioPolicy[] = [];
  const policyKeys = new Set<string>();
  p.policies.forEach((pol, i) => {
    const target = resolveTarget(pol, ["policies", i], true);
    const settings = settingsFrom(pol, ["policies", i]);
    if (!target) return;
    const policyTarget: PolicyTarget =
      target.plane === "directoryRole" ? { plane: "directoryRole", roleDefinitionId: target.roleDefinitionId } : target;
    const key = policyTargetKey(policyTarget);
    if (policyKeys.has(key)) fail(["policies", i], `duplicate policy for ${key}`);
    policyKeys.add(key);
    const merged = mergePolicySettings(policyDefaults[target.plane], settings);
    checkSettings(merged, ["policies", i]);
    const policy: ScenarioPolicy = {
      policyGuid: stableGuid("policy", tenant.id, key),
      target: policyTarget,
      settings: merged,
    };
    if (pol.readableBy !== undefined) {
      if (target.plane !== "azure") fail(["policies", i, "readableBy"], "readableBy applies to Azure policies only");
      policy.readableBy = pol.readableBy
        .map((u, j) => userRef(u, ["policies", i, "readableBy", j]))
        .filter((x): x is string => x !== undefined);
    }
    policies.push(policy);
  });

  // Eligibilities, standing assignments and pre-activated activations.
  const checkWindow = (start: string, end: string | null | undefined, path: Path) => {
    if (end === undefined || end === null) return;
    // Both absolute or both relative compare at any clock; a mixed pair depends on the clock.
    const relative = (s: string) => /^[+-]?P/.test(s);
    if (relative(start) !== relative(end)) return;
    const a = resolveTimeSpec(start, 0);
    const b = resolveTimeSpec(end, 0);
    if (a !== undefined && b !== undefined && b <= a) fail([...path, "end"], "end must be after start");
  };

  const eligibilities: ScenarioEligibility[] = [];
  const eligibilityIds = new Set<string>();
  const eligibilityKeys = new Set<string>();
  p.eligibilities.forEach((e, i) => {
    const principalId = userRef(e.principal, ["eligibilities", i, "principal"]);
    const target = resolveTarget(e, ["eligibilities", i], false);
    if (!principalId || !target) return;
    const key = roleTargetKey(target);
    const id = (e.id ?? stableGuid("eligibility", tenant.id, principalId, key)).toLowerCase();
    if (eligibilityKeys.has(`${principalId}|${key}`)) {
      fail(["eligibilities", i], `duplicate eligibility of ${e.principal} for ${key}`);
    } else if (eligibilityIds.has(id)) fail(["eligibilities", i, "id"], `duplicate eligibility id ${id}`);
    eligibilityIds.add(id);
    eligibilityKeys.add(`${principalId}|${key}`);
    const start = e.start ?? "-P30D";
    checkWindow(start, e.end, ["eligibilities", i]);
    eligibilities.push({ id, principalId, target, start, end: e.end ?? null });
  });

  const assignments: ScenarioAssignment[] = [];
  p.assignments.forEach((a, i) => {
    const principalId = userRef(a.principal, ["assignments", i, "principal"]);
    const target = resolveTarget(a, ["assignments", i], false);
    if (!principalId || !target) return;
    const key = roleTargetKey(target);
    const id = (a.id ?? stableGuid("assignment", tenant.id, principalId, key)).toLowerCase();
    if (assignments.some((o) => o.id === id)) fail(["assignments", i, "id"], `duplicate assignment id ${id}`);
    const start = a.start ?? "-P30D";
    checkWindow(start, a.end, ["assignments", i]);
    assignments.push({ id, principalId, target, start, end: a.end ?? null });
  });

  const activations: ScenarioActivation[] = [];
  p.activations.forEach((a, i) => {
    const principalId = userRef(a.principal, ["activations", i, "principal"]);
    const target = resolveTarget(a, ["activations", i], false);
    if (!principalId || !target) return;
    const eligibility = eligibilities.find((e) => e.principalId === principalId && eligibilityCovers(e.target, target));
    if (!eligibility) {
      fail(["activations", i], `${a.principal} holds no eligibility for ${roleTargetKey(target)} to activate`);
      return;
    }
    const key = roleTargetKey(target);
    if (activations.some((o) => o.principalId === principalId && roleTargetKey(o.target) === key)) {
      fail(["activations", i], `duplicate activation of ${a.principal} for ${key}`);
    }
    const id = (a.id ?? stableGuid("activation", tenant.id, principalId, key)).toLowerCase();
    activations.push({
      id,
      principalId,
      target,
      eligibilityId: eligibility.id,
      startedMinutesAgo: a.startedMinutesAgo,
      expiresInMinutes: a.expiresInMinutes,
      justification: a.justification ?? null,
    });
  });

  function eligibilityCovers(e: RoleTarget, t: RoleTarget): boolean {
    if (e.plane === "directoryRole" && t.plane === "directoryRole") {
      return e.roleDefinitionId === t.roleDefinitionId && e.directoryScopeId === t.directoryScopeId;
    }
    if (e.plane === "group" && t.plane === "group") return e.groupId === t.groupId && e.accessId === t.accessId;
    if (e.plane === "azure" && t.plane === "azure") {
      return e.roleDefinitionId === t.roleDefinitionId && isAtOrAbove(e.scope, t.scope, hierarchy);
    }
    return false;
  }

  if (issues.length > 0) throw ScenarioError.fromIssues(issues);

  const settings: Scenario["settings"] = {};
  for (const [k, v] of Object.entries(p.settings)) if (v !== undefined) Object.assign(settings, { [k]: v });

  return {
    name: p.name ?? tenant.displayName,
    description: p.description ?? "",
    tenant,
    guestTenants,
    apps,
    users,
    authContexts,
    caPolicies,
    administrativeUnits,
    directoryRoles,
    groups,
    managementGroups,
    subscriptions,
    resourceGroups,
    resources,
    azureRoleDefinitions,
    policyDefaults,
    policies,
    eligibilities,
    assignments,
    activations,
    settings,
  };
}

/** A stable text key of a policy target (lower-case ids). */
export function policyTargetKey(t: PolicyTarget): string {
  switch (t.plane) {
    case "directoryRole":
      return `directoryRole:${t.roleDefinitionId.toLowerCase()}`;
    case "group":
      return `group:${t.groupId.toLowerCase()}:${t.accessId}`;
    case "azure":
      return `azure:${normalizeScope(t.scope).toLowerCase()}:${t.roleDefinitionId.toLowerCase()}`;
  }
}

/** A stable text key of a role target (lower-case ids). */
export function roleTargetKey(t: RoleTarget): string {
  switch (t.plane) {
    case "directoryRole":
      return `directoryRole:${t.roleDefinitionId.toLowerCase()}:${t.directoryScopeId.toLowerCase()}`;
    case "group":
      return `group:${t.groupId.toLowerCase()}:${t.accessId}`;
    case "azure":
      return `azure:${normalizeScope(t.scope).toLowerCase()}:${t.roleDefinitionId.toLowerCase()}`;
  }
}
