/**
 * Reads TypeScript interface declarations (names, `extends`, property names and their type text)
 * out of a `.d.ts` or `.ts` source, enough to compare property sets with Microsoft's published
 * Graph types at test time.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface InterfaceDecl {
  name: string;
  extends: string[];
  /** Property name -> its type as written. */
  props: Map<string, string>;
}

export type Interfaces = Map<string, InterfaceDecl>;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'])\/\/.*$/gm, "$1");
}

/** The text between the brace at `open` and its match. */
function body(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (c === "{") depth += 1;
    else if (c === "}") {
      depth -= 1;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  throw new Error(`unbalanced braces from offset ${open}`);
}

/** Members of an interface body, split on `;` / newlines outside nested braces and generics. */
function members(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === "{" || c === "<" || c === "(") depth += 1;
    else if (c === "}" || c === ">" || c === ")") depth -= 1;
    else if ((c === ";" || c === "\n") && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  // A member whose type continues on the next line (a `|` union) is joined back.
  const joined: string[] = [];
  for (const m of out.map((x) => x.trim()).filter((x) => x.length > 0)) {
    const last = joined.length - 1;
    if (last >= 0 && (m.startsWith("|") || (joined[last] ?? "").endsWith("|") || (joined[last] ?? "").endsWith(":"))) {
      joined[last] = `${joined[last]} ${m}`;
    } else {
      joined.push(m);
    }
  }
  return joined;
}

export function parseInterfaces(source: string): Interfaces {
  const text = stripComments(source);
  const out: Interfaces = new Map();
  const re = /export interface (\w+)(?:<[^>]*>)?(?:\s+extends\s+([^{]+?))?\s*\{/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1] ?? "";
    const ext = (m[2] ?? "")
      .split(",")
      .map((e) => e.replace(/<.*$/, "").trim())
      .filter((e) => e.length > 0);
    const props = new Map<string, string>();
    for (const member of members(body(text, m.index + m[0].length - 1))) {
      const pm = /^(?:readonly\s+)?("[^"]+"|[\w$]+)\??\s*:\s*([\s\S]+)$/.exec(member);
      if (!pm?.[1] || !pm[2]) continue;
      props.set(pm[1].replace(/^"|"$/g, ""), pm[2].trim());
    }
    out.set(name, { name, extends: ext, props });
  }
  return out;
}

/** All properties of an interface, inherited ones included. */
export function propertiesOf(all: Interfaces, name: string): Map<string, string> {
  const decl = all.get(name);
  if (!decl) throw new Error(`no interface ${name}`);
  const out = new Map<string, string>();
  for (const base of decl.extends) for (const [k, v] of propertiesOf(all, base)) out.set(k, v);
  for (const [k, v] of decl.props) out.set(k, v);
  return out;
}

/** Interfaces a property's type text refers to (`NullableOption<RequestSchedule>` -> RequestSchedule). */
export function referencedInterfaces(all: Interfaces, typeText: string): string[] {
  return [...typeText.matchAll(/[A-Za-z_]\w*/g)].map((m) => m[0]).filter((n) => all.has(n));
}

let microsoft: Interfaces | undefined;

/** The interfaces of @microsoft/microsoft-graph-types (v1.0), parsed once. */
export function microsoftGraphInterfaces(): Interfaces {
  if (!microsoft) {
    const require = createRequire(import.meta.url);
    const dir = require.resolve("@microsoft/microsoft-graph-types/package.json").replace(/package\.json$/, "");
    microsoft = parseInterfaces(readFileSync(`${dir}microsoft-graph.d.ts`, "utf8"));
  }
  return microsoft;
}

/**
 * Every property of a JSON value that Microsoft's type for it does not declare. The type of a
 * nested object follows the property's declared type, or its own `@odata.type` when it has one.
 */
export function undeclaredProperties(value: unknown, typeName: string, path = "$"): string[] {
  const all = microsoftGraphInterfaces();
  if (Array.isArray(value)) return value.flatMap((v, i) => undeclaredProperties(v, typeName, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  const entity = value as Record<string, unknown>;
  const odataType = entity["@odata.type"];
  let name = typeName;
  if (typeof odataType === "string" && odataType.startsWith("#microsoft.graph.")) {
    const t = odataType.slice("#microsoft.graph.".length);
    name = t.charAt(0).toUpperCase() + t.slice(1);
  }
  if (!all.has(name)) return [`${path}: no Microsoft Graph type ${name}`];
  const props = propertiesOf(all, name);
  const problems: string[] = [];
  for (const [key, v] of Object.entries(entity)) {
    if (key.startsWith("@odata.")) continue;
    const declared = props.get(key);
    if (declared === undefined) {
      problems.push(`${path}.${key}: not a property of ${name}`);
      continue;
    }
    const [nested] = referencedInterfaces(all, declared);
    if (nested) problems.push(...undeclaredProperties(v, nested, `${path}.${key}`));
  }
  return problems;
}
