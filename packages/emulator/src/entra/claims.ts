/**
 * The `claims` request parameter (URL-encoded JSON). MSAL sends one on every request (id_token
 * defaults, and `access_token.xms_cc` when the app declares client capabilities), so only
 * `access_token.acrs` (`value` or `values`) is a step-up request, and `access_token.xms_cc.values`
 * declares capabilities such as `cp1`.
 */
export interface ClaimsRequest {
  /** The parameter as received (echoed in interaction_required errors), when there was one. */
  raw?: string;
  /** Authentication context ids asked for. */
  acrs: string[];
  /** Client capabilities declared (`cp1`), lower-case. */
  capabilities: string[];
}

export const noClaims: ClaimsRequest = { acrs: [], capabilities: [] };

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** undefined when the parameter is present but not a JSON object (Entra answers invalid_request). */
export function parseClaims(raw: string | null | undefined): ClaimsRequest | undefined {
  if (raw === null || raw === undefined || raw.trim() === "") return noClaims;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  const accessToken = field(parsed, "access_token");
  const acrs = field(accessToken, "acrs");
  const ids = [...strings(field(acrs, "value")), ...strings(field(acrs, "values"))];
  const caps = strings(field(field(accessToken, "xms_cc"), "values")).map((c) => c.toLowerCase());
  return { raw, acrs: [...new Set(ids)], capabilities: [...new Set(caps)] };
}

export function mergeCapabilities(...lists: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(lists.flat())];
}
