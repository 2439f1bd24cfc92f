/**
 * ISO-8601 durations as PIM uses them (`PT30M`, `PT1H30M`, `PT8H`, `P1D`, `P365D`).
 *
 * Graph types these `Edm.Duration` (xs:dayTimeDuration) and ARM as a TimeSpan string, so only
 * day/time components are accepted: years, months and weeks have no fixed length and are refused
 * rather than guessed. Only the seconds component may carry a fraction, as in xs:duration.
 */

const MS_SECOND = 1000;
const MS_MINUTE = 60 * MS_SECOND;
const MS_HOUR = 60 * MS_MINUTE;
const MS_DAY = 24 * MS_HOUR;

const DURATION_RE = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO-8601 day/time duration, or `undefined` when `s` is not one. */
export function parseIsoDuration(s: string): number | undefined {
  const m = DURATION_RE.exec(s);
  if (!m) return undefined;
  const [, d, h, min, sec] = m;
  // `P` and `PT` alone match the pattern but name no component.
  if (d === undefined && h === undefined && min === undefined && sec === undefined) return undefined;
  if (s.includes("T") && h === undefined && min === undefined && sec === undefined) return undefined;
  const ms =
    Number(d ?? 0) * MS_DAY + Number(h ?? 0) * MS_HOUR + Number(min ?? 0) * MS_MINUTE + Number(sec ?? 0) * MS_SECOND;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/**
 * The canonical spelling of a duration: whole days as `P{n}D`, the rest as `T{h}H{m}M{s}S`, zero
 * components omitted (`PT1H30M`, `P1D`, `P1DT2H`, `PT0S`). Sub-millisecond precision is dropped.
 */
export function formatIsoDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`not a non-negative duration: ${ms}`);
  let rest = Math.round(ms);
  const days = Math.floor(rest / MS_DAY);
  rest -= days * MS_DAY;
  const hours = Math.floor(rest / MS_HOUR);
  rest -= hours * MS_HOUR;
  const minutes = Math.floor(rest / MS_MINUTE);
  rest -= minutes * MS_MINUTE;
  const seconds = rest / MS_SECOND;
  let out = "P";
  if (days > 0) out += `${days}D`;
  let time = "";
  if (hours > 0) time += `${hours}H`;
  if (minutes > 0) time += `${minutes}M`;
  if (seconds > 0) time += `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, "")}S`;
  if (time) out += `T${time}`;
  return out === "P" ? "PT0S" : out;
}

/**
 * A scenario time: an ISO date-time (`2026-01-01T00:00:00Z`) or a duration relative to the clock
 * when the scenario is loaded, signed (`-P30D` = thirty days ago, `P180D` or `+P180D` = in 180
 * days). Returns epoch milliseconds, or `undefined` when `spec` is neither.
 */
export function resolveTimeSpec(spec: string, nowMs: number): number | undefined {
  const rel = /^([+-]?)(P.*)$/.exec(spec);
  if (rel) {
    const ms = parseIsoDuration(rel[2] ?? "");
    if (ms === undefined) return undefined;
    return rel[1] === "-" ? nowMs - ms : nowMs + ms;
  }
  return parseIsoDateTime(spec);
}

const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of an ISO-8601 date-time with an explicit offset (`Z` or `±hh:mm`), else `undefined`. */
export function parseIsoDateTime(s: string): number | undefined {
  if (!DATE_TIME_RE.test(s)) return undefined;
  // JavaScript's parser accepts at most millisecond precision; Graph sends 7 fractional digits.
  const trimmed = s.replace(/(\.\d{3})\d+/, "$1");
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}

/** ISO-8601 UTC string ending in `Z`, the neutral time format of the tenant state. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}
