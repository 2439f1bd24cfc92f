/**
 * The tenant the fault suite works in: one operator eligible for five roles to activate (two Entra
 * roles and a group through Graph `$batch`, two Azure roles through ARM PUTs) and holding three
 * activated roles to deactivate (one per plane), plus an approver for the approval case.
 */
export const operator = "ops.admin@northwind.example.com";
export const approver = "lee.approver@northwind.example.com";

const sub = "Northwind Prod";

export const faultTenant = {
  name: "fault-drill",
  tenant: { displayName: "Northwind", domain: "northwind.example.com" },
  users: [
    { upn: operator, displayName: "Ops Admin", canMfa: true, contexts: ["c1"] },
    { upn: approver, displayName: "Lee Approver", canMfa: true },
  ],
  authContexts: [{ id: "c1", displayName: "Privileged step-up" }],
  groups: [{ displayName: "PIM-Ops" }, { displayName: "PIM-Audit" }],
  subscriptions: [{ displayName: sub }],
  resourceGroups: [
    { subscription: sub, name: "rg-app" },
    { subscription: sub, name: "rg-data" },
  ],
  eligibilities: [
    { principal: operator, directoryRole: "Reports Reader" },
    { principal: operator, directoryRole: "Message Center Reader" },
    { principal: operator, group: "PIM-Ops", accessId: "member" },
    { principal: operator, azureRole: "Reader", scope: { subscription: sub } },
    { principal: operator, azureRole: "Contributor", scope: { subscription: sub, resourceGroup: "rg-app" } },
    { principal: operator, directoryRole: "Security Reader" },
    { principal: operator, group: "PIM-Audit", accessId: "member" },
    { principal: operator, azureRole: "Reader", scope: { subscription: sub, resourceGroup: "rg-data" } },
  ],
  // Started ten minutes ago (past the five-minute minimum) and long enough to outlive a clock
  // moved past the token lifetime.
  activations: [
    { principal: operator, directoryRole: "Security Reader", startedMinutesAgo: 10, expiresInMinutes: 480 },
    { principal: operator, group: "PIM-Audit", accessId: "member", startedMinutesAgo: 10, expiresInMinutes: 480 },
    {
      principal: operator,
      azureRole: "Reader",
      scope: { subscription: sub, resourceGroup: "rg-data" },
      startedMinutesAgo: 10,
      expiresInMinutes: 480,
    },
  ],
};

/** Microsoft's published template / role definition ids of the built-in roles used here. */
const ids = {
  reportsReader: "4a5d8f65-41da-4de4-8968-e035b65339cf",
  messageCenterReader: "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b",
  securityReader: "5d6b6bb7-de71-4623-b4af-96380a352509",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
};

export type Kind = "entraRole" | "group" | "azureRole";

/** The parts of `/_emulator/state` the suites read. */
export interface TenantDump {
  now: string;
  users: { upn: string; oid: string }[];
  groups: { id: string; displayName: string }[];
  subscriptions: { subscriptionId: string; displayName: string }[];
  assignments: {
    principalId: string;
    target: Target;
    assignmentType: string;
    end: string | null;
    visible: boolean;
  }[];
  requests: { id: string; action: string; status: string; principalId: string; target: Target }[];
}

export type Target =
  | { plane: "directoryRole"; roleDefinitionId: string; directoryScopeId: string }
  | { plane: "group"; groupId: string; accessId: string }
  | { plane: "azure"; scope: string; roleDefinitionId: string };

/** One stable key per role, the same from the tenant's state and from the request log. */
export function targetKey(t: Target): string {
  if (t.plane === "directoryRole") return `entra:${t.roleDefinitionId}:${t.directoryScopeId}`;
  if (t.plane === "group") return `group:${t.groupId}:${t.accessId}`;
  return `azure:${t.scope.toLowerCase()}:${t.roleDefinitionId.toLowerCase()}`;
}

export interface RoleRef {
  /** What the user types on the command line. */
  query: string;
  kind: Kind;
  name: string;
  /** Scope display name as `role list` prints it. */
  scopeName: string;
  key(d: TenantDump): string;
}

function subId(d: TenantDump): string {
  return d.subscriptions.find((s) => s.displayName === sub)?.subscriptionId ?? "missing-subscription";
}
function groupId(d: TenantDump, name: string): string {
  return d.groups.find((g) => g.displayName === name)?.id ?? `missing-group-${name}`;
}
const entra = (query: string, id: string): RoleRef => ({
  query,
  kind: "entraRole",
  name: query,
  scopeName: "Directory",
  key: () => targetKey({ plane: "directoryRole", roleDefinitionId: id, directoryScopeId: "/" }),
});
const group = (name: string): RoleRef => ({
  query: `${name}:member`,
  kind: "group",
  name,
  scopeName: name,
  key: (d) => targetKey({ plane: "group", groupId: groupId(d, name), accessId: "member" }),
});
const azure = (query: string, name: string, id: string, rg: string | null): RoleRef => ({
  query,
  kind: "azureRole",
  name,
  scopeName: rg ?? sub,
  key: (d) =>
    targetKey({
      plane: "azure",
      scope: `/subscriptions/${subId(d)}${rg ? `/resourceGroups/${rg}` : ""}`,
      roleDefinitionId: id,
    }),
});

/** Eligible and not active: what the activation cases activate. */
export const toActivate: RoleRef[] = [
  entra("Reports Reader", ids.reportsReader),
  entra("Message Center Reader", ids.messageCenterReader),
  group("PIM-Ops"),
  azure(`Reader@${sub}`, "Reader", ids.reader, null),
  azure("Contributor@rg-app", "Contributor", ids.contributor, "rg-app"),
];

/** Activated ten minutes ago: what the deactivation cases deactivate. */
export const toDeactivate: RoleRef[] = [
  entra("Security Reader", ids.securityReader),
  group("PIM-Audit"),
  azure("Reader@rg-data", "Reader", ids.reader, "rg-data"),
];

export const allRoles: RoleRef[] = [...toActivate, ...toDeactivate];

/** The policy target of a role, for `admin.setPolicy`. */
export function policyTarget(
  role: RoleRef,
  d: TenantDump,
):
  | { plane: "directoryRole"; roleDefinitionId: string }
  | { plane: "group"; groupId: string; accessId: "member" }
  | { plane: "azure"; scope: string; roleDefinitionId: string } {
  const [plane, a = "", b = ""] = role.key(d).split(":");
  if (plane === "entra") return { plane: "directoryRole", roleDefinitionId: a };
  if (plane === "group") return { plane: "group", groupId: a, accessId: "member" };
  // The key lower-cases the scope; the tenant's scope keeps the resource group's case.
  const scope = `/subscriptions/${subId(d)}${role.scopeName === sub ? "" : `/resourceGroups/${role.scopeName}`}`;
  return { plane: "azure", scope, roleDefinitionId: b };
}
