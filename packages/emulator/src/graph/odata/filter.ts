/**
 * `$filter`: a parser for the OData expression grammar (enough of it to recognise anything a
 * client sends) and an evaluator that accepts only the forms the PIM APIs support. Anything the
 * grammar knows but the service does not support is refused with a 400 naming the clause, so a
 * client that relies on an unsupported form fails here as it would against Microsoft.
 */
import { GraphError, unknownProperty } from "../errors";

export type LiteralType = "string" | "guid" | "number" | "boolean" | "null" | "dateTime";

export type Operand =
  | { kind: "property"; name: string }
  | { kind: "literal"; type: LiteralType; value: string | number | boolean | null; text: string }
  | { kind: "call"; name: string; args: Operand[]; text: string };

export type CompareOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le" | "has";

export type FilterNode =
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; operand: FilterNode }
  | { kind: "compare"; op: CompareOp; left: Operand; right: Operand }
  | { kind: "in"; left: Operand; values: Operand[] }
  | { kind: "operand"; operand: Operand };

type Token =
  | { t: "open" | "close" | "comma"; pos: number }
  | { t: "string"; value: string; raw: string; pos: number }
  | { t: "word"; value: string; pos: number };

function syntaxError(pos: number, text: string): GraphError {
  return new GraphError(400, "BadRequest", `Invalid filter clause: Syntax error at position ${pos} in '${text}'.`);
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === "(") {
      out.push({ t: "open", pos: i });
      i += 1;
    } else if (c === ")") {
      out.push({ t: "close", pos: i });
      i += 1;
    } else if (c === ",") {
      out.push({ t: "comma", pos: i });
      i += 1;
    } else if (c === "'") {
      const start = i;
      let value = "";
      i += 1;
      for (;;) {
        if (i >= text.length)
          throw new GraphError(
            400,
            "BadRequest",
            `Invalid filter clause: There is an unterminated string literal at position ${start} in '${text}'.`,
          );
        const ch = text[i];
        if (ch === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += ch;
        i += 1;
      }
      out.push({ t: "string", value, raw: text.slice(start, i), pos: start });
    } else {
      const start = i;
      while (i < text.length && !/[\s(),']/.test(text[i] ?? "")) i += 1;
      if (i === start) throw syntaxError(i, text);
      out.push({ t: "word", value: text.slice(start, i), pos: start });
    }
  }
  return out;
}

const compareOps = new Set(["eq", "ne", "gt", "ge", "lt", "le", "has"]);
const guidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dateTimeRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const identifierRe = /^[A-Za-z_][\w.]*(\/[A-Za-z_][\w.]*)*$/;

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let p = 0;
  const peek = () => tokens[p];
  const isWord = (w: string) => {
    const tok = tokens[p];
    return tok?.t === "word" && tok.value.toLowerCase() === w;
  };
  const posOf = (tok: Token | undefined) => (tok ? tok.pos : text.length);

  const parseOperand = (): Operand => {
    const tok = peek();
    if (!tok) throw syntaxError(text.length, text);
    if (tok.t === "string") {
      p += 1;
      return { kind: "literal", type: "string", value: tok.value, text: tok.raw };
    }
    if (tok.t !== "word") throw syntaxError(tok.pos, text);
    p += 1;
    const w = tok.value;
    const lower = w.toLowerCase();
    if (lower === "true" || lower === "false")
      return { kind: "literal", type: "boolean", value: lower === "true", text: w };
    if (lower === "null") return { kind: "literal", type: "null", value: null, text: w };
    if (guidRe.test(w)) return { kind: "literal", type: "guid", value: w, text: w };
    if (dateTimeRe.test(w)) return { kind: "literal", type: "dateTime", value: w, text: w };
    if (/^-?\d+(\.\d+)?$/.test(w)) return { kind: "literal", type: "number", value: Number(w), text: w };
    if (!identifierRe.test(w)) throw syntaxError(tok.pos, text);
    if (peek()?.t === "open") {
      const open = peek();
      p += 1;
      const args: Operand[] = [];
      if (peek()?.t !== "close") {
        for (;;) {
          args.push(parseOperand());
          const sep = peek();
          if (sep?.t === "comma") {
            p += 1;
            continue;
          }
          if (sep?.t === "close") break;
          throw syntaxError(posOf(sep), text);
        }
      }
      const close = peek();
      p += 1;
      return { kind: "call", name: w, args, text: text.slice(tok.pos, (close?.pos ?? posOf(open)) + 1) };
    }
    return { kind: "property", name: w };
  };

  const parsePrimary = (): FilterNode => {
    const tok = peek();
    if (tok?.t === "open") {
      p += 1;
      const inner = parseOr();
      const close = peek();
      if (close?.t !== "close") throw syntaxError(posOf(close), text);
      p += 1;
      return inner;
    }
    const left = parseOperand();
    const next = peek();
    if (next?.t === "word" && compareOps.has(next.value.toLowerCase())) {
      p += 1;
      const right = parseOperand();
      return { kind: "compare", op: next.value.toLowerCase() as CompareOp, left, right };
    }
    if (next?.t === "word" && next.value.toLowerCase() === "in") {
      p += 1;
      const open = peek();
      if (open?.t !== "open") throw syntaxError(posOf(open), text);
      p += 1;
      const values: Operand[] = [];
      for (;;) {
        values.push(parseOperand());
        const sep = peek();
        if (sep?.t === "comma") {
          p += 1;
          continue;
        }
        if (sep?.t === "close") {
          p += 1;
          break;
        }
        throw syntaxError(posOf(sep), text);
      }
      return { kind: "in", left, values };
    }
    return { kind: "operand", operand: left };
  };

  const parseUnary = (): FilterNode => {
    if (isWord("not")) {
      p += 1;
      return { kind: "not", operand: parseUnary() };
    }
    return parsePrimary();
  };

  const parseAnd = (): FilterNode => {
    let left = parseUnary();
    while (isWord("and")) {
      p += 1;
      left = { kind: "and", left, right: parseUnary() };
    }
    return left;
  };

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (isWord("or")) {
      p += 1;
      left = { kind: "or", left, right: parseAnd() };
    }
    return left;
  };

  if (tokens.length === 0) throw syntaxError(0, text);
  const node = parseOr();
  if (p < tokens.length) throw syntaxError(posOf(tokens[p]), text);
  return node;
}

function operandText(o: Operand): string {
  return o.kind === "property" ? o.name : o.text;
}

export function nodeText(n: FilterNode): string {
  switch (n.kind) {
    case "and":
    case "or":
      return `${nodeText(n.left)} ${n.kind} ${nodeText(n.right)}`;
    case "not":
      return `not ${nodeText(n.operand)}`;
    case "compare":
      return `${operandText(n.left)} ${n.op} ${operandText(n.right)}`;
    case "in":
      return `${operandText(n.left)} in (${n.values.map(operandText).join(",")})`;
    case "operand":
      return operandText(n.operand);
  }
}

/** How a property may be filtered on. `enum` lists the members (compared case-insensitively). */
export interface FilterableProperty {
  type: "string" | "boolean" | "enum";
  members?: readonly string[];
}

export interface FilterSchema {
  /** Entity type name without namespace, for error messages. */
  typeName: string;
  /** Every property the type declares (filterable or not), for "Could not find a property". */
  declared: readonly string[];
  filterable: Readonly<Record<string, FilterableProperty>>;
}

/** Graph's cap on OR'ed clauses [REC: Request_UnsupportedQuery text from a captured Graph answer]. */
export const maxOrClauses = 15;

function unsupported(fragment: string): GraphError {
  // [REC] identity-governance APIs answer unsupported filters with InvalidFilter (graph-docs #7520).
  return new GraphError(400, "InvalidFilter", `OData query is invalid: Filter '${fragment}' is not supported.`);
}

const edmType: Record<LiteralType, string> = {
  string: "Edm.String",
  guid: "Edm.Guid",
  number: "Edm.Int32",
  boolean: "Edm.Boolean",
  null: "null",
  dateTime: "Edm.DateTimeOffset",
};

function countOr(n: FilterNode): number {
  switch (n.kind) {
    case "or":
      return 1 + countOr(n.left) + countOr(n.right);
    case "and":
      return countOr(n.left) + countOr(n.right);
    case "not":
      return countOr(n.operand);
    case "in":
      return Math.max(0, n.values.length - 1);
    default:
      return 0;
  }
}

function checkProperty(schema: FilterSchema, name: string, fragment: string): FilterableProperty {
  if (!schema.declared.includes(name)) throw unknownProperty(name, schema.typeName);
  const prop = schema.filterable[name];
  if (!prop) throw unsupported(fragment);
  return prop;
}

function checkLiteral(prop: FilterableProperty, lit: Operand, opName: string): void {
  if (lit.kind !== "literal") throw unsupported(operandText(lit));
  const want = prop.type === "boolean" ? "boolean" : "string";
  if (lit.type !== want && lit.type !== "null") {
    throw new GraphError(
      400,
      "BadRequest",
      `A binary operator with incompatible types was detected. Found operand types '${
        prop.type === "boolean" ? "Edm.Boolean" : "Edm.String"
      }' and '${edmType[lit.type]}' for operator kind '${opName}'.`,
    );
  }
  if (prop.type === "enum" && lit.type === "string" && prop.members) {
    const v = String(lit.value).toLowerCase();
    if (!prop.members.some((m) => m.toLowerCase() === v)) {
      throw new GraphError(
        400,
        "BadRequest",
        `The string '${String(lit.value)}' is not a valid enumeration type constant.`,
      );
    }
  }
}

/** Refuses what the service would refuse; returns nothing when the filter is usable. */
export function validateFilter(node: FilterNode, schema: FilterSchema): void {
  const ors = countOr(node);
  if (ors + 1 > maxOrClauses && ors > 0) {
    throw new GraphError(
      400,
      "InvalidFilter",
      `Too many child clauses specified in search filter expression containing 'OR' operators: ${ors + 1}. Max allowed: ${maxOrClauses}.`,
    );
  }
  const walk = (n: FilterNode): void => {
    switch (n.kind) {
      case "and":
      case "or":
        walk(n.left);
        walk(n.right);
        return;
      case "not":
      case "operand":
        throw unsupported(nodeText(n));
      case "in": {
        if (n.left.kind !== "property") throw unsupported(nodeText(n));
        const prop = checkProperty(schema, n.left.name, nodeText(n));
        if (prop.type === "boolean") throw unsupported(nodeText(n));
        for (const v of n.values) checkLiteral(prop, v, "In");
        return;
      }
      case "compare": {
        if (n.left.kind === "call" || n.right.kind === "call") throw unsupported(nodeText(n));
        if (n.left.kind !== "property") throw unsupported(nodeText(n));
        const prop = checkProperty(schema, n.left.name, nodeText(n));
        if (n.op !== "eq" && n.op !== "ne") throw unsupported(nodeText(n));
        checkLiteral(prop, n.right, n.op === "eq" ? "Equal" : "NotEqual");
        return;
      }
    }
  };
  walk(node);
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return (a ?? null) === (b ?? null);
}

/** Evaluates a validated filter against a rendered wire entity. */
export function matches(node: FilterNode, entity: Readonly<Record<string, unknown>>): boolean {
  switch (node.kind) {
    case "and":
      return matches(node.left, entity) && matches(node.right, entity);
    case "or":
      return matches(node.left, entity) || matches(node.right, entity);
    case "in": {
      const name = node.left.kind === "property" ? node.left.name : "";
      return node.values.some((v) => v.kind === "literal" && same(entity[name], v.value));
    }
    case "compare": {
      const name = node.left.kind === "property" ? node.left.name : "";
      const value = node.right.kind === "literal" ? node.right.value : undefined;
      const eq = same(entity[name], value);
      return node.op === "eq" ? eq : !eq;
    }
    default:
      return false;
  }
}

/** Every literal compared for equality with `property` anywhere in the filter (`eq` and `in`). */
export function equalityValues(node: FilterNode, property: string): string[] {
  const out: string[] = [];
  const walk = (n: FilterNode): void => {
    switch (n.kind) {
      case "and":
      case "or":
        walk(n.left);
        walk(n.right);
        return;
      case "compare":
        if (n.op === "eq" && n.left.kind === "property" && n.left.name === property && n.right.kind === "literal") {
          out.push(String(n.right.value));
        }
        return;
      case "in":
        if (n.left.kind === "property" && n.left.name === property) {
          for (const v of n.values) if (v.kind === "literal") out.push(String(v.value));
        }
        return;
      default:
        return;
    }
  };
  walk(node);
  return out;
}

/** Properties pinned by an `eq` in the top-level conjunction (each branch of the filter must satisfy them). */
export function conjunctProperties(node: FilterNode): Set<string> {
  const out = new Set<string>();
  const walk = (n: FilterNode): void => {
    if (n.kind === "and") {
      walk(n.left);
      walk(n.right);
    } else if (n.kind === "compare" && n.op === "eq" && n.left.kind === "property") {
      out.add(n.left.name);
    } else if (n.kind === "in" && n.left.kind === "property") {
      out.add(n.left.name);
    } else if (n.kind === "or") {
      // A property pinned in every branch of an OR is pinned for the whole OR.
      const l = conjunctProperties(n.left);
      const r = conjunctProperties(n.right);
      for (const name of l) if (r.has(name)) out.add(name);
    }
  };
  walk(node);
  return out;
}
