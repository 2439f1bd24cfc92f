import { PimError } from "./errors";

/**
 * ISO-8601 durations as PIM uses them (`PT30M`, `PT8H`, `P1D`, `P90D`, `PT1H45M`). Years and
 * months are refused: their length depends on the calendar and PIM never sends them.
 */
const isoRe =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const shortRe =
  /^(?:(\d+(?:\.\d+)?)d)?\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)s)?$/i;

/** Seconds in an ISO-8601 duration, or null when the text is not one this parser accepts. */
export function tryDurationToSeconds(text: string): number | null {
  const t = text.trim();
  const m = isoRe.exec(t);
  if (!m || t === "P" || /T$/i.test(t)) return null;
  const [, w, d, h, min, s] = m;
  const total = num(w) * 7 * 86400 + num(d) * 86400 + num(h) * 3600 + num(min) * 60 + num(s);
  return Number.isFinite(total) ? Math.round(total) : null;
}

export function durationToSeconds(text: string): number {
  const s = tryDurationToSeconds(text);
  if (s === null)
    throw new PimError("invalid_duration", `"${clip(text)}" is not an ISO-8601 duration such as PT8H, PT30M or P1D.`);
  return s;
}

/** Canonical ISO form: `P1D`, `PT8H`, `PT1H30M`, `P1DT2H`, `PT45S`. */
export function secondsToIsoDuration(totalSeconds: number): string {
  let s = Math.max(0, Math.round(totalSeconds));
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  let out = "P";
  if (days > 0) out += `${days}D`;
  if (hours > 0 || minutes > 0 || s > 0) {
    out += "T";
    if (hours > 0) out += `${hours}H`;
    if (minutes > 0) out += `${minutes}M`;
    if (s > 0) out += `${s}S`;
  }
  return out === "P" ? "PT0S" : out;
}

export function normalizeDuration(text: string): string {
  return secondsToIsoDuration(durationToSeconds(text));
}

/**
 * What a user may type: ISO-8601 (`PT2H`, `P1D`) or shorthand (`2h`, `90m`, `1h30m`, `1d`,
 * `45min`); a bare number is minutes. Returns the canonical ISO duration; zero is refused.
 */
export function parseDurationInput(text: string): string {
  const t = text.trim();
  let seconds: number | null = null;
  if (/^P/i.test(t)) seconds = tryDurationToSeconds(t);
  else if (/^\d+(?:\.\d+)?$/.test(t)) seconds = Math.round(Number(t) * 60);
  else if (t.length > 0) {
    const m = shortRe.exec(t);
    if (m && (m[1] || m[2] || m[3] || m[4])) {
      seconds = Math.round(num(m[1]) * 86400 + num(m[2]) * 3600 + num(m[3]) * 60 + num(m[4]));
    }
  }
  if (seconds === null) {
    throw new PimError("invalid_duration", `"${clip(text)}" is not a duration; use e.g. 2h, 90m, 1h30m, PT2H or P1D.`);
  }
  if (seconds <= 0) throw new PimError("invalid_duration", "The duration must be longer than zero.");
  return secondsToIsoDuration(seconds);
}

export function compareDurations(a: string, b: string): number {
  return durationToSeconds(a) - durationToSeconds(b);
}

/** `start` (ISO date-time) plus an ISO duration, as an ISO date-time. */
export function addDuration(start: string, duration: string): string {
  const ms = Date.parse(start);
  if (Number.isNaN(ms)) throw new PimError("invalid_start", `"${clip(start)}" is not an ISO-8601 date-time.`);
  return new Date(ms + durationToSeconds(duration) * 1000).toISOString();
}

/** Short human form for tables: `8h`, `30m`, `1d`, `1h 30m`. */
export function formatDuration(text: string): string {
  const total = tryDurationToSeconds(text);
  if (total === null) return text;
  let s = total;
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s) parts.push(`${s}s`);
  return parts.length ? parts.join(" ") : "0m";
}

function num(v: string | undefined): number {
  return v === undefined ? 0 : Number(v);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
