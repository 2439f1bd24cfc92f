/**
 * System query options: which ones an endpoint accepts, `$select` / `$expand` (nested) parsing and
 * validation, `$top`, and the opaque `$skiptoken` paging uses.
 */
import { GraphError, unknownProperty } from "../errors";
import { type FilterNode, type FilterSchema, parseFilter, validateFilter } from "./filter";

/** OData's names for the system query options, as its "not allowed" message spells them. */
const optionNames: Record<string, string> = {
  $filter: "Filter",
  $expand: "Expand",
  $select: "Select",
  $top: "Top",
  $skip: "Skip",
  $skiptoken: "SkipToken",
  $orderby: "OrderBy",
  $count: "Count",
  $search: "Search",
  $format: "Format",
  $apply: "Apply",
  $compute: "Compute",
  $deltatoken: "DeltaToken",
  $levels: "Levels",
  $index: "Index",
  $schemaversion: "SchemaVersion",
};

export type OptionName = "$filter" | "$expand" | "$select" | "$top" | "$skiptoken";

/** A navigation property an entity can expand, and what may be nested inside it. */
export interface NavigationSpec {
  /** The target type's schema for nested `$select` / `$expand`; absent = nothing may be nested. */
  target?: EntitySchema;
}

export interface EntitySchema {
  typeName: string;
  /** Structural properties (what `$select` may name). */
  properties: readonly string[];
  /** Navigation properties the type declares; `null` marks one the emulator does not serve. */
  navigation: Readonly<Record<string, NavigationSpec | null>>;
  filter?: Omit<FilterSchema, "typeName" | "declared">;
}

export interface ExpandItem {
  name: string;
  select?: string[];
  expand: ExpandItem[];
}

export interface QueryOptions {
  filter?: FilterNode;
  select?: string[];
  expand: ExpandItem[];
  top?: number;
  skip: number;
}

function notAllowed(option: string): GraphError {
  const name = optionNames[option] ?? option;
  return new GraphError(
    400,
    "BadRequest",
    `The query specified in the URI is not valid. Query option '${name}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`,
  );
}

/** Splits on `sep` at parenthesis depth zero. */
function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === "(") depth += 1;
    else if (c === ")") depth -= 1;
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) throw new GraphError(400, "BadRequest", `Syntax error: unbalanced parentheses in '${text}'.`);
  }
  if (depth !== 0) throw new GraphError(400, "BadRequest", `Syntax error: unbalanced parentheses in '${text}'.`);
  out.push(text.slice(start));
  return out;
}

function parseSelect(text: string, schema: EntitySchema): string[] {
  const names = text.split(",").map((s) => s.trim());
  if (names.some((n) => n === "")) throw new GraphError(400, "BadRequest", `Syntax error in $select '${text}'.`);
  if (names.includes("*")) return [...schema.properties];
  for (const n of names) {
    if (!schema.properties.includes(n) && !(n in schema.navigation)) throw unknownProperty(n, schema.typeName);
  }
  return names;
}

function parseExpand(text: string, schema: EntitySchema): ExpandItem[] {
  const items: ExpandItem[] = [];
  for (const raw of splitTop(text, ",")) {
    const part = raw.trim();
    const m = /^([A-Za-z_][\w.]*)(?:\((.*)\))?$/s.exec(part);
    if (!m?.[1]) {
      throw new GraphError(400, "BadRequest", `Term '${part}' is not valid in a $select or $expand expression.`);
    }
    const name = m[1];
    if (!(name in schema.navigation)) {
      if (schema.properties.includes(name)) {
        throw new GraphError(
          400,
          "BadRequest",
          `Property '${name}' on type 'microsoft.graph.${schema.typeName}' is not a navigation property or complex property. Only navigation properties can be expanded.`,
        );
      }
      throw unknownProperty(name, schema.typeName);
    }
    const nav = schema.navigation[name];
    if (nav === null || nav === undefined) {
      throw new GraphError(
        400,
        "BadRequest",
        `Expanding '${name}' on 'microsoft.graph.${schema.typeName}' is not supported by the pimkit local tenant.`,
      );
    }
    const item: ExpandItem = { name, expand: [] };
    const nested = m[2]?.trim();
    if (nested) {
      if (!nav.target) {
        throw new GraphError(400, "BadRequest", `Nested query options are not supported on '${name}'.`);
      }
      for (const opt of splitTop(nested, ";")) {
        const eq = opt.indexOf("=");
        const key = (eq < 0 ? opt : opt.slice(0, eq)).trim().toLowerCase();
        const value = eq < 0 ? "" : opt.slice(eq + 1).trim();
        if (key === "$select") item.select = parseSelect(value, nav.target);
        else if (key === "$expand") item.expand = parseExpand(value, nav.target);
        else if (key in optionNames) throw notAllowed(key);
        else throw new GraphError(400, "BadRequest", `The query parameter '${key}' is not supported.`);
      }
    }
    items.push(item);
  }
  return items;
}

/**
 * Reads the request's system query options. `allowed` lists the options this endpoint serves;
 * others are refused by name. Parameters without `$` are not OData options and are ignored, as
 * Graph ignores them.
 */
export function readQuery(
  params: URLSearchParams,
  schema: EntitySchema,
  allowed: readonly OptionName[],
  signature: string,
): QueryOptions {
  const seen = new Map<string, string>();
  for (const [rawKey, value] of params) {
    if (!rawKey.startsWith("$")) continue;
    const key = rawKey.toLowerCase();
    if (seen.has(key)) {
      throw new GraphError(
        400,
        "BadRequest",
        `Query option '${rawKey}' was specified more than once, but it must be specified at most once.`,
      );
    }
    if (!(key in optionNames))
      throw new GraphError(400, "BadRequest", `The query parameter '${rawKey}' is not supported.`);
    if (!(allowed as readonly string[]).includes(key)) throw notAllowed(key);
    seen.set(key, value);
  }
  const out: QueryOptions = { expand: [], skip: 0 };
  const select = seen.get("$select");
  if (select !== undefined) out.select = parseSelect(select, schema);
  const expand = seen.get("$expand");
  if (expand !== undefined) out.expand = parseExpand(expand, schema);
  const filter = seen.get("$filter");
  if (filter !== undefined) {
    const node = parseFilter(filter);
    validateFilter(node, {
      typeName: schema.typeName,
      declared: [...schema.properties, ...Object.keys(schema.navigation)],
      filterable: schema.filter?.filterable ?? {},
    });
    out.filter = node;
  }
  const top = seen.get("$top");
  if (top !== undefined) {
    if (!/^\d+$/.test(top) || Number(top) > 999) {
      throw new GraphError(
        400,
        "BadRequest",
        `Invalid value '${top}' for $top query option found. The $top query option requires a non-negative integer value.`,
      );
    }
    out.top = Number(top);
  }
  const token = seen.get("$skiptoken");
  if (token !== undefined) out.skip = readSkipToken(token, signature);
  return out;
}

/**
 * Opaque continuation: the offset plus a digest of the query it belongs to, so a token replayed on
 * a different query is refused rather than silently skipping the wrong rows.
 */
export function makeSkipToken(offset: number, signature: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: digest(signature) })).toString("base64url");
}

function readSkipToken(token: string, signature: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (parsed && typeof parsed === "object" && "o" in parsed && "q" in parsed) {
      const { o, q } = parsed as { o: unknown; q: unknown };
      if (typeof o === "number" && Number.isInteger(o) && o >= 0 && q === digest(signature)) return o;
    }
  } catch {
    // Falls through to the error below.
  }
  throw new GraphError(400, "BadRequest", "The $skiptoken value is not valid for this request.");
}

function digest(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(36);
}

/** `(a,b,nav(inner()))` — the select/expand part of an `@odata.context` URL. */
export function contextClause(select: readonly string[] | undefined, expand: readonly ExpandItem[]): string {
  const parts: string[] = [...(select ?? [])];
  for (const e of expand) parts.push(`${e.name}(${contextClause(e.select, e.expand).slice(1, -1)})`);
  return parts.length === 0 ? "" : `(${parts.join(",")})`;
}

/** Keeps the selected properties (plus expanded navigations and type annotations). */
export function applySelect(
  entity: Record<string, unknown>,
  select: readonly string[] | undefined,
  expand: readonly ExpandItem[],
): Record<string, unknown> {
  if (!select) return entity;
  const keep = new Set([...select, ...expand.map((e) => e.name)]);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entity)) if (k.startsWith("@odata.") || keep.has(k)) out[k] = v;
  return out;
}
