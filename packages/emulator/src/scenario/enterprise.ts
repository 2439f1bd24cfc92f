/**
 * Generated tenants for benchmarks: deterministic (the same options give the same scenario, ids
 * included), one user holding many eligibilities across the three planes with mixed policies.
 */
import { builtInAzureRoles, builtInDirectoryRoles } from "./builtin-roles";
import type { ScenarioInput } from "./schema";

export interface EnterpriseScenarioOptions {
  subscriptions?: number;
  managementGroups?: number;
  entraEligibilities?: number;
  groupEligibilities?: number;
  azureEligibilities?: number;
}

type PolicyFields = NonNullable<ScenarioInput["policies"]>[number];
type Settings = Omit<
  PolicyFields,
  "directoryRole" | "administrativeUnit" | "group" | "accessId" | "azureRole" | "scope"
>;

const APPROVER = "avery.chen";
const USER = "jordan.ellis";

/**
 * Ten policy shapes, used round-robin: some justification, some ticket, some MFA, a few c1, a few
 * approval, and durations from PT30M to P1D.
 */
const POLICY_MIX: readonly Settings[] = [
  { justification: true, ticket: false, mfa: false, maxDuration: "PT8H" },
  { justification: true, ticket: true, mfa: false, maxDuration: "PT4H" },
  { justification: true, ticket: false, mfa: true, maxDuration: "PT1H" },
  { justification: false, ticket: false, mfa: false, maxDuration: "PT8H" },
  { justification: true, ticket: false, authContext: "c1", maxDuration: "PT30M" },
  { justification: true, ticket: false, mfa: true, maxDuration: "PT8H" },
  { justification: true, ticket: false, mfa: false, approval: true, approvers: [APPROVER], maxDuration: "PT2H" },
  { justification: true, ticket: false, mfa: false, maxDuration: "P1D" },
  { justification: false, ticket: true, mfa: false, maxDuration: "PT1H30M" },
  { justification: true, ticket: false, mfa: true, maxDuration: "PT4H" },
];

const MG_NAMES = ["Platform", "Landing Zones", "Corp", "Online", "Sandbox", "Decommissioned", "Identity", "Management"];
const ENVIRONMENTS = ["Production", "Staging", "Development", "Test", "Shared"];
const WORKLOADS = ["Payments", "Web", "Data", "Analytics", "Identity", "Network", "Logistics", "Retail", "HR", "CRM"];

/** `enterprise`: a Woodgrove-like tenant; the defaults are what `loadScenario("enterprise")` loads. */
export function buildEnterpriseScenario(options: EnterpriseScenarioOptions = {}): ScenarioInput {
  return generateTenant({
    name: "enterprise",
    subscriptions: options.subscriptions ?? 50,
    managementGroups: options.managementGroups ?? 5,
    entra: options.entraEligibilities ?? 60,
    groups: options.groupEligibilities ?? 40,
    azure: options.azureEligibilities ?? 100,
  });
}

/**
 * `eligibilityCount` eligibilities spread over the three planes (a third each, the rest on Azure)
 * in a tenant of fixed size, for scale benchmarks (10 -> 100 -> 1000).
 */
export function buildScaleScenario(eligibilityCount: number): ScenarioInput {
  if (!Number.isInteger(eligibilityCount) || eligibilityCount < 0) {
    throw new RangeError(`eligibilityCount must be a non-negative integer, got ${eligibilityCount}`);
  }
  const third = Math.floor(eligibilityCount / 3);
  return generateTenant({
    name: `scale-${eligibilityCount}`,
    subscriptions: 10,
    managementGroups: 3,
    entra: third,
    groups: third,
    azure: eligibilityCount - 2 * third,
  });
}

interface TenantSize {
  name: string;
  subscriptions: number;
  managementGroups: number;
  entra: number;
  groups: number;
  azure: number;
}

function generateTenant(size: TenantSize): ScenarioInput {
  for (const [k, v] of Object.entries(size)) {
    if (typeof v === "number" && (!Number.isInteger(v) || v < 0)) {
      throw new RangeError(`${k} must be a non-negative integer, got ${v}`);
    }
  }
  if (size.subscriptions > 0 && size.managementGroups < 1) {
    throw new RangeError("subscriptions need at least one management group");
  }
  const domain = "woodgrove.example.com";
  const user = `${USER}@${domain}`;
  const approver = `${APPROVER}@${domain}`;
  const policies: NonNullable<ScenarioInput["policies"]> = [];
  const eligibilities: NonNullable<ScenarioInput["eligibilities"]> = [];
  let policyIndex = 0;
  const nextSettings = (): Settings => {
    const s = POLICY_MIX[policyIndex % POLICY_MIX.length] ?? {};
    policyIndex++;
    return { ...s, approvers: s.approvers ? [approver] : undefined };
  };
  // Eligibility windows vary too: some permanent, some ending within months.
  const endFor = (i: number): string | null => (i % 4 === 0 ? null : `P${30 + (i % 12) * 30}D`);

  // Management groups: a tree under the tenant root (each group's parent is an earlier one).
  const managementGroups = Array.from({ length: size.managementGroups }, (_, i) => ({
    name: `woodgrove-mg-${String(i + 1).padStart(2, "0")}`,
    displayName: `Woodgrove ${MG_NAMES[i % MG_NAMES.length]}${i >= MG_NAMES.length ? ` ${Math.floor(i / MG_NAMES.length) + 1}` : ""}`,
    parent: i === 0 ? undefined : `woodgrove-mg-${String(Math.floor((i - 1) / 2) + 1).padStart(2, "0")}`,
  }));
  const subscriptions = Array.from({ length: size.subscriptions }, (_, i) => ({
    displayName: `Woodgrove ${WORKLOADS[i % WORKLOADS.length]} ${ENVIRONMENTS[Math.floor(i / WORKLOADS.length) % ENVIRONMENTS.length]} ${String(i + 1).padStart(3, "0")}`,
    managementGroup: managementGroups[i % size.managementGroups]?.name,
  }));
  const resourceGroups = subscriptions.map((s, i) => ({
    subscription: s.displayName,
    name: `rg-${(WORKLOADS[i % WORKLOADS.length] ?? "app").toLowerCase()}-${String(i + 1).padStart(3, "0")}`,
    location: i % 2 === 0 ? "westeurope" : "eastus2",
  }));

  // Entra roles: each built-in role at tenant scope, then again per administrative unit.
  const roles = builtInDirectoryRoles.map((r) => r.displayName);
  const auCount = Math.max(0, Math.ceil(size.entra / roles.length) - 1);
  const administrativeUnits = Array.from({ length: auCount }, (_, i) => ({
    displayName: `Woodgrove Region ${String(i + 1).padStart(2, "0")}`,
    description: `Users of region ${i + 1}`,
  }));
  const rolesWithPolicy = new Set<string>();
  for (let i = 0; i < size.entra; i++) {
    const role = roles[i % roles.length] ?? "Global Reader";
    const au = i < roles.length ? undefined : administrativeUnits[Math.floor(i / roles.length) - 1]?.displayName;
    if (!rolesWithPolicy.has(role)) {
      rolesWithPolicy.add(role);
      policies.push({ directoryRole: role, ...nextSettings() });
    }
    eligibilities.push({ principal: user, directoryRole: role, administrativeUnit: au, end: endFor(i) });
  }

  // Groups: member and owner of each group, each with its own policy.
  const groupCount = Math.ceil(size.groups / 2);
  const groups = Array.from({ length: groupCount }, (_, i) => ({
    displayName: `PIM-${WORKLOADS[i % WORKLOADS.length]}-${String(i + 1).padStart(3, "0")}`,
    description: `Privileged access to ${WORKLOADS[i % WORKLOADS.length]} systems`,
  }));
  for (let i = 0; i < size.groups; i++) {
    const group = groups[Math.floor(i / 2)]?.displayName ?? "";
    const accessId = i % 2 === 0 ? "member" : "owner";
    policies.push({ group, accessId, ...nextSettings() });
    eligibilities.push({ principal: user, group, accessId, end: endFor(i) });
  }

  // Azure: management groups, subscriptions and resource groups, with roles interleaved.
  const scopes = [
    ...managementGroups.map((m) => ({ managementGroup: m.name })),
    ...subscriptions.map((s) => ({ subscription: s.displayName })),
    ...resourceGroups.map((g) => ({ subscription: g.subscription, resourceGroup: g.name })),
  ];
  const azureRoles = builtInAzureRoles.map((r) => r.displayName);
  const seen = new Set<string>();
  for (let k = 0; eligibilities.length < size.entra + size.groups + size.azure; k++) {
    if (k >= scopes.length * azureRoles.length) {
      throw new RangeError(`cannot place ${size.azure} Azure eligibilities in a tenant of this size`);
    }
    // Every (scope, role) pair once: each pass over the scopes shifts the role by one.
    const s = k % scopes.length;
    const scope = scopes[s];
    const role = azureRoles[(s + Math.floor(k / scopes.length)) % azureRoles.length];
    if (!scope || !role) continue;
    const key = `${JSON.stringify(scope)}|${role}`;
    if (seen.has(key)) continue;
    seen.add(key);
    policies.push({ azureRole: role, scope, ...nextSettings() });
    eligibilities.push({ principal: user, azureRole: role, scope, end: endFor(k) });
  }

  return {
    name: size.name,
    description: `Woodgrove: one user with ${size.entra} Entra role, ${size.groups} group and ${size.azure} Azure eligibilities over ${size.subscriptions} subscriptions.`,
    tenant: { displayName: "Woodgrove Enterprises", domain },
    users: [
      { upn: user, displayName: "Jordan Ellis", canMfa: true, contexts: ["c1"] },
      { upn: approver, displayName: "Avery Chen", canMfa: true, contexts: ["c1"] },
    ],
    authContexts: [
      { id: "c1", displayName: "Privileged access step-up", description: "Phishing-resistant MFA", isAvailable: true },
    ],
    conditionalAccessPolicies: [
      { displayName: "PIM step-up (c1)", authContexts: ["c1"], builtInControls: ["mfa"], includeUsers: ["All"] },
    ],
    administrativeUnits,
    groups,
    managementGroups,
    subscriptions,
    resourceGroups,
    policies,
    eligibilities,
  };
}
