/**
 * Names from the tenant (roles, groups, scopes, approvers' comments) are attacker-controllable:
 * anyone who can name a group can put terminal escapes in it. Every string we print goes through
 * `sanitizeText`: ANSI/OSC escape sequences, C0/C1 control characters and bidi overrides are removed.
 */
// ESC [ … final byte (CSI), ESC ] … BEL or ESC \ (OSC), ESC P/X/^/_ … ESC \ (DCS, SOS, PM, APC), two-byte ESC sequences.
const escapeSequences =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u009c]*(?:\u0007|\u009c)?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const controls = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function sanitizeText(text: string): string {
  return text.replace(escapeSequences, "").replace(controls, "");
}

/** Recursively sanitises every string (keys included) of a JSON-like value. */
export function sanitizeData(value: unknown): unknown {
  if (typeof value === "string") return sanitizeText(value);
  if (Array.isArray(value)) return value.map(sanitizeData);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[sanitizeText(k)] = sanitizeData(v);
    }
    return out;
  }
  return value;
}
