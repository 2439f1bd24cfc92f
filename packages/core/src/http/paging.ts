import { PimError } from "../errors";
import type { HttpResult, Pipeline, RequestSpec } from "./pipeline";
import type { AuthSession } from "./tokens";

/** Items of one collection page and the link to the next (`@odata.nextLink` or ARM `nextLink`). */
export function pageOf<T>(body: unknown): { items: T[]; next: string | undefined } {
  if (typeof body !== "object" || body === null || !Array.isArray((body as { value?: unknown }).value)) {
    throw new PimError("malformed_response", "The service's answer is not a collection (no `value` array).");
  }
  const b = body as { value: T[]; "@odata.nextLink"?: unknown; nextLink?: unknown };
  const next =
    typeof b["@odata.nextLink"] === "string"
      ? b["@odata.nextLink"]
      : typeof b.nextLink === "string"
        ? b.nextLink
        : undefined;
  return { items: b.value, next: next && next.length > 0 ? next : undefined };
}

/**
 * Follows next links to the end. A link seen twice is a loop; more than `maxPages` pages is a
 * runaway collection. Both are errors rather than silent truncation.
 */
export async function listAll<T>(
  pipeline: Pipeline,
  session: AuthSession,
  first: RequestSpec,
  maxPages: number,
  firstPage?: HttpResult,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>([first.url]);
  let pages = 0;
  let res = firstPage ?? (await pipeline.send(first, session));
  for (;;) {
    pages++;
    const { items, next } = pageOf<T>(res.body);
    out.push(...items);
    if (!next) return out;
    if (seen.has(next)) throw new PimError("paging_loop", "The service returned the same next-page link twice.");
    if (pages >= maxPages) throw new PimError("too_many_pages", `The collection has more than ${maxPages} pages.`);
    seen.add(next);
    res = await pipeline.send({ ...first, url: next, method: "GET", body: undefined }, session);
  }
}
