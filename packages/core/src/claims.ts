/**
 * Claims requests and challenges. A challenge reaches us in three shapes (see docs/errors.md,
 * `auth_context_not_satisfied`): a 401/403 `WWW-Authenticate` header with base64 `claims`, a 400
 * whose error code is `RoleAssignmentRequestAcrsValidationFailed` with the claims URL-encoded or raw
 * after `claims=` in the message, and a Graph 400 `UnknownError` whose message is itself a JSON
 * document wrapping that code. Claims text is never logged: callers get it back only to hand it
 * to the credential.
 */

type JsonObject = Record<string, unknown>;

/** `{"access_token":{"acrs":{"essential":true,"values":[...]}}}` for the given contexts (sorted, distinct). */
export function buildAcrsClaims(contextIds: readonly string[]): string | undefined {
  const ids = [...new Set(contextIds.filter((c) => c.length > 0))].sort();
  if (ids.length === 0) return undefined;
  return JSON.stringify({ access_token: { acrs: { essential: true, values: ids } } });
}

/** The acrs values a claims request asks for (`value` or `values`). */
export function acrsInClaims(claims: string | undefined): string[] {
  const obj = parseObject(claims);
  const acrs = obj && isObject(obj.access_token) ? obj.access_token.acrs : undefined;
  return isObject(acrs) ? acrsValues(acrs) : [];
}

/**
 * Deep-merges claims requests. `acrs` value(s) are unioned into `values` so a reactive challenge
 * for c2 keeps the proactive c1; other claims from the later request win.
 */
export function mergeClaims(...claims: (string | undefined)[]): string | undefined {
  let merged: JsonObject | undefined;
  for (const c of claims) {
    const obj = parseObject(c);
    if (!obj) continue;
    merged = merged ? mergeObjects(merged, obj) : structuredClone(obj);
  }
  return merged ? JSON.stringify(merged) : undefined;
}

function mergeObjects(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [key, bv] of Object.entries(b)) {
    const av = out[key];
    if (key === "acrs" && isObject(av) && isObject(bv)) {
      const values = [...new Set([...acrsValues(av), ...acrsValues(bv)])].sort();
      out[key] = { essential: av.essential === true || bv.essential === true, values };
    } else if (isObject(av) && isObject(bv)) {
      out[key] = mergeObjects(av, bv);
    } else {
      out[key] = structuredClone(bv);
    }
  }
  return out;
}

function acrsValues(acrs: JsonObject): string[] {
  const out: string[] = [];
  if (typeof acrs.value === "string") out.push(acrs.value);
  if (Array.isArray(acrs.values)) for (const v of acrs.values) if (typeof v === "string") out.push(v);
  return out;
}

export interface WwwAuthenticateChallenge {
  /** Scheme as sent (`Bearer`, `PoP`). */
  scheme: string;
  /** Parameter names lower-cased; quoted values unescaped. */
  params: Record<string, string>;
  /** token68 form (`Basic abc==`), when present instead of parameters. */
  token68?: string;
}

/**
 * RFC 9110 challenge list parser: several schemes in one header, quoted values that contain
 * commas and `=`, escaped quotes, token68. Splitting on commas (as some samples do) breaks on the
 * real Graph header, which carries a PoP challenge with a JWT nonce after the Bearer one.
 */
export function parseWwwAuthenticate(header: string): WwwAuthenticateChallenge[] {
  const out: WwwAuthenticateChallenge[] = [];
  const s = header;
  let i = 0;
  const n = s.length;
  const skipWs = () => {
    while (i < n && (s[i] === " " || s[i] === "\t")) i++;
  };
  const skipWsAndCommas = () => {
    while (i < n && (s[i] === " " || s[i] === "\t" || s[i] === ",")) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(s[i] ?? "")) i++;
    return s.slice(start, i);
  };
  let current: WwwAuthenticateChallenge | undefined;
  while (i < n) {
    skipWsAndCommas();
    if (i >= n) break;
    const save = i;
    const token = readToken();
    if (token.length === 0) {
      // Unparseable byte: skip it rather than loop forever.
      i++;
      continue;
    }
    skipWs();
    if (s[i] === "=" && current && s[i + 1] !== "=") {
      // auth-param of the current challenge
      i++;
      skipWs();
      let value: string;
      if (s[i] === '"') {
        i++;
        let v = "";
        while (i < n && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < n) i++;
          v += s[i];
          i++;
        }
        i++; // closing quote
        value = v;
      } else {
        const start = i;
        while (i < n && s[i] !== "," && s[i] !== " " && s[i] !== "\t") i++;
        value = s.slice(start, i);
      }
      current.params[token.toLowerCase()] = value;
      continue;
    }
    // A new scheme. It may be followed by a token68.
    i = save;
    const scheme = readToken();
    current = { scheme, params: {} };
    out.push(current);
    skipWs();
    const t68 = /^[A-Za-z0-9\-._~+/]+=*(?=\s*(,|$))/.exec(s.slice(i));
    if (t68 && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=[^=]/.test(s.slice(i))) {
      current.token68 = t68[0];
      i += t68[0].length;
    }
  }
  return out;
}

/** The claims request carried by a `WWW-Authenticate` header (any scheme that has `claims=`), decoded. */
export function claimsFromWwwAuthenticate(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  for (const ch of parseWwwAuthenticate(header)) {
    const raw = ch.params.claims;
    if (!raw) continue;
    const decoded = decodeBase64Json(raw) ?? normaliseJson(raw);
    if (decoded) return decoded;
  }
  return undefined;
}

export interface ClaimsChallenge {
  /** The challenge asks for an authentication context (ACRS) rather than, say, a CAE re-auth. */
  acrs: boolean;
  /** The claims request to satisfy; undefined when the error named ACRS but carried no readable claims. */
  claims: string | undefined;
}

/**
 * Finds a claims challenge in a response: the WWW-Authenticate header on 401/403, or an ACRS
 * refusal in a Graph/ARM error body (plain code, or wrapped in `UnknownError`).
 */
export function parseClaimsChallenge(
  status: number,
  headers: { get(name: string): string | null },
  body: unknown,
): ClaimsChallenge | undefined {
  if (status === 401 || status === 403) {
    const claims = claimsFromWwwAuthenticate(headers.get("www-authenticate"));
    if (claims) return { acrs: acrsInClaims(claims).length > 0, claims };
  }
  if (status !== 400 && status !== 401 && status !== 403) return undefined;
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  if (!error) return undefined;
  const code = typeof error.code === "string" ? error.code : "";
  const message = typeof error.message === "string" ? error.message : "";
  const texts = [message, ...innerStrings(message)];
  const mentionsAcrs = /AcrsValidationFailed/i.test(code) || texts.some((t) => /AcrsValidationFailed/i.test(t));
  if (!mentionsAcrs) return undefined;
  for (const t of texts) {
    const claims = extractClaimsFromText(t);
    if (claims) return { acrs: true, claims };
  }
  return { acrs: true, claims: undefined };
}

/** String values found inside a message that is itself JSON (the wrapped `UnknownError` form). */
function innerStrings(message: string): string[] {
  const trimmed = message.trim();
  const start = trimmed.indexOf("{");
  if (start < 0) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed.slice(start));
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 6) return;
    if (typeof v === "string") {
      out.push(v);
      out.push(...innerStrings(v));
    } else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (isObject(v)) for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(parsed, 0);
  return out;
}

/** `…&claims=%7B…%7D` (URL-encoded, possibly with `%20`) or `… claims={…}` (raw JSON). */
export function extractClaimsFromText(text: string): string | undefined {
  const re = /claims=/gi;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const rest = text.slice(m.index + m[0].length).replace(/^["']/, "");
    if (rest.startsWith("{")) {
      const json = balancedObject(rest);
      const norm = json ? normaliseJson(json) : undefined;
      if (norm) return norm;
      continue;
    }
    const encoded = /^[^\s"&'<>]+/.exec(rest)?.[0];
    if (!encoded) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(encoded.replace(/\+/g, "%20"));
    } catch {
      continue;
    }
    const norm = normaliseJson(decoded) ?? decodeBase64Json(encoded);
    if (norm) return norm;
  }
  return undefined;
}

function balancedObject(s: string): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return s.slice(0, i + 1);
    }
  }
  return undefined;
}

function decodeBase64Json(b64: string): string | undefined {
  try {
    let t = b64.trim().replace(/-/g, "+").replace(/_/g, "/");
    while (t.length % 4 !== 0) t += "=";
    const bin = atob(t);
    const bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
    return normaliseJson(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

function normaliseJson(text: string): string | undefined {
  const obj = parseObject(text);
  return obj ? JSON.stringify(obj) : undefined;
}

function parseObject(text: string | undefined): JsonObject | undefined {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
