/** Small pieces every route file uses. */
import { type GraphCall, querySignature } from "../call";
import { GraphError } from "../errors";
import { type EntitySchema, type OptionName, type QueryOptions, readQuery } from "../odata/query";
import type { Match } from "../router";

export const listOptions: readonly OptionName[] = ["$filter", "$expand", "$select", "$top", "$skiptoken"];
export const entityOptions: readonly OptionName[] = ["$expand", "$select"];

export function query(
  call: GraphCall,
  schema: EntitySchema,
  allowed: readonly OptionName[] = listOptions,
): QueryOptions {
  return readQuery(call.query, schema, allowed, querySignature(call));
}

/**
 * The `on` parameter of a `filterByCurrentUser` call. A call OData cannot bind (no `on`, another
 * parameter) is an unknown segment; a value outside the enum is refused the way OData refuses
 * enum literals.
 */
export function filterByCurrentUserOn(match: Match, members: readonly string[]): string {
  const keys = Object.keys(match.fn);
  const on = match.fn.on;
  if (keys.length !== 1 || on === undefined) {
    throw new GraphError(400, "BadRequest", "Resource not found for the segment 'filterByCurrentUser'.");
  }
  const member = members.find((m) => m.toLowerCase() === on.toLowerCase());
  if (!member) throw new GraphError(400, "BadRequest", `The string '${on}' is not a valid enumeration type constant.`);
  return member;
}

export function param(match: Match, name: string): string {
  return match.params[name] ?? "";
}

/** Prefixes each rendered entity with its type, as collections returned by functions carry it. */
export function typed(type: string, entity: Record<string, unknown>): Record<string, unknown> {
  return { "@odata.type": `#microsoft.graph.${type}`, ...entity };
}

export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
