import type { PimRole, RoleKind, RoleScope } from "@pimkit/core";
import { kindLabels } from "../lib/format";

/** Every tenant-supplied string is rendered as a React text node: never markup, never a URL. */
export function KindBadge({ kind }: { kind: RoleKind }) {
  return <span className={`kind kind-${kind}`}>{kindLabels[kind]}</span>;
}

export function RoleName({ role }: { role: PimRole }) {
  return (
    <span className="role-name">
      <span className="role-title">{role.name}</span>
      {role.accessId ? <span className="access">{role.accessId === "owner" ? "Owner" : "Member"}</span> : null}
    </span>
  );
}

const scopeTypeLabels: Record<RoleScope["type"], string> = {
  directory: "Directory",
  administrativeUnit: "Administrative unit",
  directoryObject: "Directory object",
  group: "Group",
  tenantRoot: "Tenant root",
  managementGroup: "Management group",
  subscription: "Subscription",
  resourceGroup: "Resource group",
  resource: "Resource",
};

export function ScopeText({ scope }: { scope: RoleScope }) {
  const label = scopeTypeLabels[scope.type] ?? scope.type;
  return (
    <span className="scope" title={scope.id}>
      <span className="scope-type">{label}</span>
      {scope.type === "directory" || scope.type === "group" ? null : (
        <span className="scope-name">{scope.displayName}</span>
      )}
    </span>
  );
}

/** "Global Reader · Directory" for labels that must name one row. */
export function roleLabel(role: PimRole): string {
  const access = role.accessId ? ` (${role.accessId})` : "";
  const where = role.scope.type === "directory" || role.scope.type === "group" ? "" : ` at ${role.scope.displayName}`;
  return `${role.name}${access}${where}`;
}
