/**
 * Strict ISO-8601 dates. `Date.parse` rolls impossible dates forward (2027-02-30 becomes 2 March), so a
 * typo would silently schedule an activation on another day; these checks refuse it instead.
 */
const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))?)?$/;

/** True when `text` is a calendar date (optionally with a time) that exists, e.g. not 2027-04-31. */
export function isRealIsoDate(text: string, options: { requireTime?: boolean } = {}): boolean {
  const m = isoDateTime.exec(text);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, , oh, om] = m;
  if (options.requireTime && h === undefined) return false;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59))) return false;
  if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) return false;
  return !Number.isNaN(Date.parse(text));
}
