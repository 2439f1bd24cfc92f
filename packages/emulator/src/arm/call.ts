/**
 * One ARM request as the handlers see it: the caller, the parsed query, and the helpers that
 * write ARM's answers (JSON with nulls omitted, pages with `nextLink`).
 */
import type { EmulatorContext } from "../context";
import type { AccessTokenClaims } from "../entra/types";
import { type EmuRequest, type EmuResponse, json } from "../http/types";
import type { TenantState } from "../state/api";
import type { UserRecord } from "../state/model";
import { ArmError, armErrors } from "./errors";
import { type ArmFilter, type FilterTerm, parseFilter } from "./filter";
import { paginate } from "./paging";
import { type ArmScope, parseScope } from "./scope";

export interface ArmCall {
  readonly req: EmuRequest;
  readonly ctx: EmulatorContext;
  readonly state: TenantState;
  readonly claims: AccessTokenClaims;
  /** The signed-in user (undefined only for tokens of principals the scenario does not hold). */
  readonly user: UserRecord | undefined;
  readonly query: URLSearchParams;
  /** The request URL on the public base, path normalised (for `nextLink`). */
  readonly selfUrl: URL;
}

/** Query options each route understands besides `api-version`; other `$` options are refused. */
export function checkQueryOptions(call: ArmCall, allowed: readonly string[]): void {
  for (const name of call.query.keys()) {
    const lower = name.toLowerCase();
    if (lower === "api-version" || lower === "$skiptoken") continue;
    if (allowed.some((a) => a.toLowerCase() === lower)) continue;
    if (lower.startsWith("$")) throw armErrors.unsupportedQueryOption(name);
  }
}

export function queryValue(call: ArmCall, name: string): string | null {
  for (const [k, v] of call.query) if (k.toLowerCase() === name.toLowerCase()) return v;
  return null;
}

export function filterOf(call: ArmCall, allowed: readonly FilterTerm[]): ArmFilter {
  return parseFilter(queryValue(call, "$filter"), allowed);
}

/** `$expand` is accepted only as `expandedProperties` (the service always expands anyway). */
export function checkExpand(call: ArmCall): void {
  const expand = queryValue(call, "$expand");
  if (expand === null) return;
  const parts = expand.split(",").map((p) => p.trim().toLowerCase());
  if (parts.some((p) => p !== "expandedproperties")) {
    throw armErrors.badRequest(
      `The $expand value '${expand}' is not supported. The supported value is 'expandedProperties'.`,
    );
  }
}

export function ok(body: unknown, status = 200): EmuResponse {
  return json(status, body);
}

export function page<T>(call: ArmCall, items: readonly T[]): EmuResponse {
  return json(200, paginate(items, call.selfUrl, call.state.settings.pageSize));
}

/** A scope from the path, or ARM's answer for a scope that names nothing. */
export function scopeOf(call: ArmCall, raw: string): ArmScope {
  const parsed = parseScope(raw, call.state);
  if (parsed.ok) return parsed.scope;
  switch (parsed.reason) {
    case "subscription":
      throw armErrors.notFound("SubscriptionNotFound", `The subscription '${parsed.name}' could not be found.`);
    case "resourceGroup":
      throw armErrors.notFound("ResourceGroupNotFound", `Resource group '${parsed.name}' could not be found.`);
    case "managementGroup":
      throw armErrors.notFound("ManagementGroupNotFound", `The management group '${parsed.name}' could not be found.`);
    default:
      throw new ArmError(400, "InvalidScope", `The scope '${parsed.name}' is not a valid Azure scope.`);
  }
}

export function callerUpn(call: ArmCall): string {
  return call.user?.upn ?? call.claims.upn;
}

/** Parses a JSON body; ARM's deserialisation error otherwise. */
export function jsonBody(call: ArmCall): unknown {
  const text = call.req.text();
  if (text.trim() === "") throw armErrors.invalidJson("The request content is empty.");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : "Unexpected character encountered while parsing value.";
    throw armErrors.invalidJson(detail.replace(/'/g, '"'));
  }
}

/** Case-insensitive property lookup (ARM binds body keys case-insensitively). */
export function prop(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) if (k.toLowerCase() === want) return v;
  return undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export type { TenantState };
