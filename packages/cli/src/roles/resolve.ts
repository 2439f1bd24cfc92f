import type { PimRole, RoleMatch } from "@pimkit/core";
import { UsageError } from "../framework/errors";
import { editDistance } from "../framework/parse";
import { sanitizeText } from "../output/sanitize";
import { displayName, kindLabel } from "./present";

export function candidateLine(r: PimRole): string {
  const scope = r.scope.displayName || r.scope.id;
  return sanitizeText(`${r.id}  ${displayName(r)}  [${kindLabel[r.kind] ?? r.kind}] at ${scope}  (${r.state})`);
}

/**
 * Resolves every name the user typed before anything is sent: an unknown or ambiguous name is a
 * usage error (exit 2) listing the candidates, and nothing is activated.
 */
export function resolveRoles(
  roles: readonly PimRole[],
  queries: readonly string[],
  match: (roles: readonly PimRole[], q: string) => RoleMatch,
): PimRole[] {
  const out: PimRole[] = [];
  const problems: string[] = [];
  let ambiguous = false;
  // Users type what they see: names as printed (sanitised), so match on those.
  const byId = new Map(roles.map((r) => [r.id, r]));
  const shown = roles.map((r) => ({
    ...r,
    name: sanitizeText(r.name),
    scope: { ...r.scope, displayName: sanitizeText(r.scope.displayName) },
  }));
  for (const q of queries) {
    const found = match(shown, q);
    const m = { ...found, matches: found.matches.map((r) => byId.get(r.id) ?? r) };
    if (m.matches.length === 1 && m.matches[0]) {
      if (!out.some((r) => r.id === m.matches[0]?.id)) out.push(m.matches[0]);
      continue;
    }
    if (m.matches.length > 1) {
      ambiguous = true;
      problems.push(
        `"${q}" names ${m.matches.length} roles; use an id or add a qualifier (Name@scope, group:member|owner):`,
      );
      for (const c of m.matches) problems.push(`  ${candidateLine(c)}`);
      continue;
    }
    const near = nearest(roles, q);
    problems.push(`No role matches "${q}".${near.length ? " Did you mean:" : ""}`);
    for (const c of near) problems.push(`  ${candidateLine(c)}`);
  }
  if (problems.length) {
    throw new UsageError(
      ambiguous ? "A role name is ambiguous; nothing was sent." : "Unknown role; nothing was sent.",
      [...problems, "Run `pimkit role list` for ids and names."],
      ambiguous ? "ambiguous_role" : "unknown_role",
    );
  }
  return out;
}

function nearest(roles: readonly PimRole[], q: string): PimRole[] {
  const name =
    q
      .toLowerCase()
      .split("@")[0]
      ?.replace(/:(member|owner)$/, "") ?? "";
  return roles
    .map((r) => ({
      r,
      d: r.name.toLowerCase().includes(name) && name.length > 2 ? 0 : editDistance(r.name.toLowerCase(), name),
    }))
    .filter((x) => x.d <= 3)
    .sort((a, b) => a.d - b.d)
    .slice(0, 5)
    .map((x) => x.r);
}
