/**
 * One Graph request as the handlers see it (the same shape for a plain request and a `$batch`
 * item), and the helpers that turn entities into OData answers.
 */
import type { EmulatorContext } from "../context";
import type { AccessTokenClaims } from "../entra/types";
import { GraphError, messages } from "./errors";
import { matches } from "./odata/filter";
import { applySelect, contextClause, type ExpandItem, makeSkipToken, type QueryOptions } from "./odata/query";

export type GraphVersion = "v1.0" | "beta";

export interface GraphCall {
  readonly ctx: EmulatorContext;
  readonly method: string;
  readonly version: GraphVersion;
  /** Path after `/graph/{version}`, percent-encoded as requested (`/roleManagement/directory/...`). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly requestId: string;
  readonly clientRequestId: string;
  readonly caller: AccessTokenClaims;
}

export interface GraphResult {
  status: number;
  headers?: Record<string, string>;
  /** A JSON value; absent for 204. */
  body?: unknown;
}

/** What Graph sends as the content type of its OData JSON answers. */
export const odataJson =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

export function metadataUrl(call: GraphCall, fragment: string): string {
  return `${call.ctx.publicBase}/graph/${call.version}/$metadata#${fragment}`;
}

export function ok(body: unknown, status = 200): GraphResult {
  return { status, headers: { "Content-Type": odataJson, "OData-Version": "4.0" }, body };
}

export function noContent(): GraphResult {
  return { status: 204, headers: {} };
}

/** A single entity with its `@odata.context` (`…#{entitySet}{(select,expand)}/$entity`). */
export function entityResult(
  call: GraphCall,
  entitySet: string,
  entity: Record<string, unknown>,
  q: Pick<QueryOptions, "select" | "expand">,
  status = 200,
): GraphResult {
  const context = metadataUrl(call, `${entitySet}${contextClause(q.select, q.expand)}/$entity`);
  return ok({ "@odata.context": context, ...entity }, status);
}

export interface ListSpec<R> {
  records: readonly R[];
  /** The entity without navigation properties (filters are evaluated on this). */
  render: (record: R) => Record<string, unknown>;
  /** Value of one expanded navigation property. */
  expand?: (record: R, item: ExpandItem) => unknown;
  /** `roleManagement/directory/roleEligibilityScheduleInstances` or `Collection(type)` for functions. */
  context: string;
}

/** Applies a nested `$select` to an expanded value (an entity or a collection of them). */
export function shapeExpanded(value: unknown, item: ExpandItem): unknown {
  const shape = (v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? applySelect(v as Record<string, unknown>, item.select, item.expand)
      : v;
  return Array.isArray(value) ? value.map(shape) : shape(value);
}

/** The entity with its expanded navigation properties, then `$select` applied. */
export function expandEntity<R>(
  record: R,
  entity: Record<string, unknown>,
  expand: ((record: R, item: ExpandItem) => unknown) | undefined,
  q: Pick<QueryOptions, "select" | "expand">,
): Record<string, unknown> {
  const full = { ...entity };
  for (const item of q.expand) full[item.name] = shapeExpanded(expand ? expand(record, item) : null, item);
  return applySelect(full, q.select, q.expand);
}

/** Filters, pages, expands and selects a collection. */
export function listResult<R>(call: GraphCall, spec: ListSpec<R>, q: QueryOptions): GraphResult {
  const rows: Array<{ record: R; entity: Record<string, unknown> }> = [];
  for (const record of spec.records) {
    const entity = spec.render(record);
    if (!q.filter || matches(q.filter, entity)) rows.push({ record, entity });
  }
  const pageSize = Math.max(1, q.top ?? call.ctx.state.settings.pageSize);
  const page = rows.slice(q.skip, q.skip + pageSize);
  const value = page.map(({ record, entity }) => expandEntity(record, entity, spec.expand, q));
  const body: Record<string, unknown> = {
    "@odata.context": metadataUrl(call, `${spec.context}${contextClause(q.select, q.expand)}`),
  };
  if (q.skip + pageSize < rows.length) body["@odata.nextLink"] = nextLink(call, q.skip + pageSize);
  body.value = value;
  return ok(body);
}

/** Identifies a query for its skip tokens: the same path and options, without the token itself. */
export function querySignature(call: GraphCall): string {
  const parts: string[] = [];
  for (const [k, v] of call.query) if (k.toLowerCase() !== "$skiptoken") parts.push(`${k}=${v}`);
  return `${call.version}${call.path.toLowerCase()}?${parts.sort().join("&")}`;
}

function nextLink(call: GraphCall, offset: number): string {
  const parts: string[] = [];
  for (const [k, v] of call.query) {
    if (k.toLowerCase() === "$skiptoken") continue;
    parts.push(`${k}=${encodeURIComponent(v).replace(/%24/g, "$").replace(/%2C/g, ",")}`);
  }
  parts.push(`$skiptoken=${makeSkipToken(offset, querySignature(call))}`);
  return `${call.ctx.publicBase}/graph/${call.version}${call.path}?${parts.join("&")}`;
}

/** The request body as a JSON object, with Graph's answers for a missing type or unreadable JSON. */
export function readJsonBody(call: GraphCall): Record<string, unknown> {
  const type = call.headers["content-type"];
  if (!type) throw new GraphError(400, "BadRequest", messages.contentTypeMissing);
  if (!/^application\/json\b/i.test(type.trim())) throw new GraphError(400, "BadRequest", messages.unreadableJson);
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.body);
  } catch {
    throw new GraphError(400, "BadRequest", messages.unreadableJson);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new GraphError(400, "BadRequest", messages.unreadableJson);
  }
  return parsed as Record<string, unknown>;
}

/** OData refuses properties a (non-open) type does not declare [standard ODataException text]. */
export function rejectUnknownProperties(
  body: Record<string, unknown>,
  allowed: readonly string[],
  typeName: string,
): void {
  for (const key of Object.keys(body)) {
    if (key.startsWith("@") || key.includes("@odata.")) continue;
    if (!allowed.includes(key)) {
      throw new GraphError(
        400,
        "BadRequest",
        `The property '${key}' does not exist on type 'microsoft.graph.${typeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
  }
}
