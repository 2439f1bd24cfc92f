/**
 * How long a 429/503 asks us to wait, in milliseconds: `retry-after-ms` / `x-ms-retry-after-ms`
 * (milliseconds), `Retry-After` as seconds (Graph sends fractional values such as `2.128`) or as
 * an HTTP-date (relative to `nowMs`). Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(headers: { get(name: string): string | null }, nowMs: number): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const v = headers.get(name);
    if (v !== null && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.max(0, Math.round(Number(v)));
  }
  const v = headers.get("retry-after");
  if (v === null) return undefined;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.max(0, Math.round(Number(t) * 1000));
  const at = Date.parse(t);
  if (!Number.isNaN(at) && /[a-z]/i.test(t)) return Math.max(0, at - nowMs);
  return undefined;
}

/** Header lookup over a plain record (Graph `$batch` item headers), case-insensitive. */
export function recordHeaders(record: Record<string, unknown> | undefined | null): {
  get(name: string): string | null;
} {
  return {
    get(name) {
      if (!record) return null;
      const want = name.toLowerCase();
      for (const [k, v] of Object.entries(record)) {
        if (k.toLowerCase() === want) return typeof v === "string" ? v : typeof v === "number" ? String(v) : null;
      }
      return null;
    },
  };
}
