import type { PimRole, RoleKind } from "@pimkit/core";

/**
 * Search is case- and accent-insensitive over the role's name, its scope and its requirements'
 * words (so "c1", "approval" or "ticket" find roles by policy).
 */
function fold(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

function haystack(r: PimRole): string {
  const q = r.requirements;
  const words = [
    r.name,
    r.scope.displayName,
    r.scope.id,
    r.accessId ?? "",
    q.justification ? "justification" : "",
    q.ticket ? "ticket" : "",
    q.mfa ? "mfa" : "",
    q.approval ? "approval" : "",
    q.authContext ? `auth context ${q.authContext.id} ${q.authContext.name ?? ""}` : "",
  ];
  return fold(words.join(" "));
}

export function filterRoles(roles: readonly PimRole[], search: string, kind: RoleKind | "all"): PimRole[] {
  const terms = fold(search).split(/\s+/).filter(Boolean);
  return roles.filter((r) => {
    if (kind !== "all" && r.kind !== kind) return false;
    if (terms.length === 0) return true;
    const h = haystack(r);
    return terms.every((t) => h.includes(t));
  });
}

const kindOrder: Record<RoleKind, number> = { entraRole: 0, group: 1, azureRole: 2 };

export function sortRoles(roles: readonly PimRole[]): PimRole[] {
  return [...roles].sort(
    (a, b) =>
      kindOrder[a.kind] - kindOrder[b.kind] ||
      a.name.localeCompare(b.name) ||
      a.scope.displayName.localeCompare(b.scope.displayName) ||
      a.id.localeCompare(b.id),
  );
}
