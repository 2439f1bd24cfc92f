/**
 * ARM collection paging: `{ value, nextLink }`, `nextLink` an absolute URL that repeats the
 * request's query (api-version included, since SDKs follow it verbatim) plus `$skipToken`.
 */
import { armErrors } from "./errors";

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), "utf8").toString("base64url");
}

function decodeToken(token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && "o" in parsed) {
      const o = (parsed as { o: unknown }).o;
      if (typeof o === "number" && Number.isInteger(o) && o >= 0) return o;
    }
  } catch {
    // fall through to the error below
  }
  throw armErrors.badSkipToken();
}

/**
 * Cuts `items` into the page the request asks for. `selfUrl` is the request URL rebuilt on the
 * public base (`{publicBase}/arm/...`).
 */
export function paginate<T>(items: readonly T[], selfUrl: URL, pageSize: number): Page<T> {
  const token = selfUrl.searchParams.get("$skipToken");
  const offset = token === null ? 0 : decodeToken(token);
  const size = Math.max(1, Math.floor(pageSize));
  const value = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { value };
  // Built by hand so option names keep their literal `$` as ARM writes them.
  const query: string[] = [];
  for (const [k, v] of selfUrl.searchParams) if (k !== "$skipToken") query.push(`${k}=${encodeURIComponent(v)}`);
  query.push(`$skipToken=${encodeToken(offset + size)}`);
  return { value, nextLink: `${selfUrl.origin}${selfUrl.pathname}?${query.join("&")}` };
}
