import type { PimRole } from "./types";

export interface RoleMatch {
  /** Roles the query names (one when unambiguous). */
  matches: PimRole[];
  /** True when the query named more than one role. */
  ambiguous: boolean;
}

/**
 * Resolves what a user typed to roles: an exact `id`, or a case-insensitive name with an optional
 * qualifier — `Name@scope` (scope id or display name) or `group:member|owner`.
 */
export function matchRoles(roles: readonly PimRole[], query: string): RoleMatch {
  const q = query.trim();
  const byId = roles.filter((r) => r.id === q);
  if (byId.length > 0) return { matches: byId, ambiguous: false };
  const lower = q.toLowerCase();
  let name = lower;
  let scope: string | undefined;
  let access: "member" | "owner" | undefined;
  const at = lower.lastIndexOf("@");
  if (at > 0) {
    name = lower.slice(0, at);
    scope = lower.slice(at + 1);
  }
  const colon = /^(.*):(member|owner)$/.exec(name);
  if (colon?.[1]) {
    name = colon[1];
    access = colon[2] as "member" | "owner";
  }
  const matches = roles.filter(
    (r) =>
      r.name.toLowerCase() === name &&
      (scope === undefined || r.scope.id.toLowerCase() === scope || r.scope.displayName.toLowerCase() === scope) &&
      (access === undefined || r.accessId === access),
  );
  return { matches, ambiguous: matches.length > 1 };
}
