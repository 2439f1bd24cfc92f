/**
 * Value formatting as live ARM writes it: bodies omit null-valued properties, instance times are
 * ISO-8601 with `Z`, request `scheduleInfo.startDateTime` carries `+00:00` and 7 fractional
 * digits, `createdOn` 7 fractional digits with `Z` (recorded responses, see docs/emulator-fidelity.md).
 */

/** `T` without null-valued properties, as `omitNulls` leaves it. */
export type NoNulls<T> = T extends null
  ? undefined
  : T extends readonly unknown[]
    ? { [K in keyof T]: NoNulls<T[K]> }
    : T extends object
      ? { [K in keyof T]: NoNulls<T[K]> }
      : T;

/** Removes null and undefined properties, recursively (arrays keep their items). */
export function omitNulls<T>(value: T): NoNulls<T> {
  if (Array.isArray(value)) return value.map((v) => omitNulls(v)) as NoNulls<T>;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      out[k] = omitNulls(v);
    }
    return out as NoNulls<T>;
  }
  return value as NoNulls<T>;
}

function parse(iso: string): Date | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** `2026-10-09T18:35:29.023Z` */
export function isoTime(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  return parse(iso)?.toISOString() ?? iso;
}

function sevenDigits(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$10000");
}

/** `2026-10-09T18:30:11.5651510Z` */
export function ticksTime(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const d = parse(iso);
  return d ? `${sevenDigits(d)}Z` : iso;
}

/** `2026-10-09T18:30:12.9751940+00:00` */
export function offsetTime(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const d = parse(iso);
  return d ? `${sevenDigits(d)}+00:00` : iso;
}
