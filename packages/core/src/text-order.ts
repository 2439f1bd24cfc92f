/**
 * Ordering names for people. The platform collator (`Intl.Collator`, behind `localeCompare`)
 * costs several milliseconds to create — a visible share of a short CLI command — so names made
 * of ASCII only (nearly every role, group and scope name) are ordered by a table that follows
 * the Unicode root collation for ASCII: white space, then punctuation and symbols, then digits,
 * then letters; case ignored first, lower case before upper case on a tie. Any other name brings
 * in the collator, for the whole sort, so one sort never mixes two orders.
 */

// ASCII printable characters other than digits and letters, in root collation order.
const symbolOrder = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";

const primary = new Uint8Array(128);
const tertiary = new Uint8Array(128);
(() => {
  let w = 1;
  for (const c of "\t\n\v\f\r ") primary[c.charCodeAt(0)] = w++;
  for (const c of symbolOrder) primary[c.charCodeAt(0)] = w++;
  for (let d = 48; d <= 57; d++) primary[d] = w++;
  for (let l = 97; l <= 122; l++) {
    primary[l] = w;
    primary[l - 32] = w;
    tertiary[l - 32] = 1;
    w++;
  }
})();

/** True when every character has a place in the table above. */
function isTableText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || primary[c] === 0) return false;
  }
  return true;
}

function compareTable(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (primary[a.charCodeAt(i)] ?? 0) - (primary[b.charCodeAt(i)] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const d = (tertiary[a.charCodeAt(i)] ?? 0) - (tertiary[b.charCodeAt(i)] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

let collator: Intl.Collator | undefined;

/**
 * A comparison for the given texts: the table when all of them fit it, else the platform
 * collator (created once, on first need).
 */
export function textComparator(texts: Iterable<string>): (a: string, b: string) => number {
  for (const t of texts) {
    if (!isTableText(t)) {
      collator ??= new Intl.Collator();
      return collator.compare;
    }
  }
  return compareTable;
}

/** Order of two ISO 8601 timestamps (absent or unreadable ones first, then by text). */
export function compareIsoTime(a: string | null | undefined, b: string | null | undefined): number {
  const x = a ? Date.parse(a) : Number.NaN;
  const y = b ? Date.parse(b) : Number.NaN;
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? -1 : 1;
  const s = a ?? "";
  const t = b ?? "";
  return s < t ? -1 : s > t ? 1 : 0;
}
