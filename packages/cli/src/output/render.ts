import type { CommandResult, OutputFormat, TableStyle } from "../framework/command";
import { palette } from "./colors";
import { sanitizeData, sanitizeText } from "./sanitize";
import { renderDetails, renderTable } from "./table";

export type QueryFn = (data: unknown) => unknown;

export interface RenderOptions {
  format: OutputFormat;
  query: QueryFn | undefined;
  color: boolean;
  width: number | undefined;
}

/**
 * The one output path of every command: sanitise, apply `--query`, then format. Commands never
 * print results themselves.
 */
export async function renderResult(result: CommandResult, options: RenderOptions): Promise<string> {
  if (options.format === "none" || result.data === undefined) return "";
  const clean = sanitizeData(result.data);
  const data = options.query ? options.query(clean) : clean;
  switch (options.format) {
    case "json":
      return `${JSON.stringify(data ?? null, null, 2)}\n`;
    case "jsonc":
      return `${options.color ? colorJson(data ?? null) : JSON.stringify(data ?? null, null, 2)}\n`;
    case "yaml": {
      // yaml is CommonJS: a bundle split into chunks exposes it as the default export only.
      const mod = (await import("yaml")) as typeof import("yaml") & { default?: typeof import("yaml") };
      const stringify = mod.default?.stringify ?? mod.stringify;
      return stringify(data ?? null, { lineWidth: 0 });
    }
    case "tsv":
      return renderTsv(data);
    case "table": {
      const style: TableStyle = { color: options.color, width: options.width };
      if (!options.query && result.table) return result.table(style);
      return renderGeneric(data, style);
    }
  }
}

function scalarText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** az-style TSV: one line per item, values only, nested objects flattened depth-first. */
export function renderTsv(data: unknown): string {
  const leaves = (v: unknown): string[] => {
    if (Array.isArray(v)) return v.flatMap(leaves);
    if (v !== null && typeof v === "object") return Object.values(v).flatMap(leaves);
    return [scalarText(v).replace(/[\t\r\n]/g, " ")];
  };
  const rows = Array.isArray(data) ? data : [data];
  return rows.map((r) => `${leaves(r).join("\t")}\n`).join("");
}

function renderGeneric(data: unknown, style: TableStyle): string {
  if (data === null || data === undefined) return "";
  if (Array.isArray(data)) {
    if (data.length === 0) return "";
    if (data.every((r) => r !== null && typeof r === "object" && !Array.isArray(r))) {
      const keys: string[] = [];
      for (const r of data as Record<string, unknown>[]) {
        for (const [k, v] of Object.entries(r)) {
          if (!keys.includes(k) && (v === null || typeof v !== "object")) keys.push(k);
        }
      }
      if (keys.length === 0) return data.map((r) => `${JSON.stringify(r)}\n`).join("");
      return renderTable(
        data as Record<string, unknown>[],
        keys.map((k) => ({ header: k, value: (r: Record<string, unknown>) => scalarText(r[k]) })),
        { color: style.color },
      );
    }
    return data.map((v) => `${sanitizeText(scalarText(v))}\n`).join("");
  }
  if (typeof data === "object") {
    const pairs = Object.entries(data as Record<string, unknown>).map(
      ([k, v]) => [k, scalarText(v)] as [string, string],
    );
    return pairs.length ? renderDetails(pairs, { color: style.color }) : "";
  }
  return `${scalarText(data)}\n`;
}

function colorJson(value: unknown): string {
  const p = palette(true);
  const text = JSON.stringify(value, null, 2);
  return text.replace(
    /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
    (m, str: string | undefined, colon: string | undefined, lit: string | undefined, num: string | undefined) => {
      if (str !== undefined) return colon ? `${p.cyan(str)}${colon}` : p.green(str);
      if (lit !== undefined) return p.magenta(lit);
      if (num !== undefined) return p.yellow(num);
      return m;
    },
  );
}

/** Compiles `--query` up front, so a bad expression is a usage error before anything is sent. */
export async function compileQuery(expression: string): Promise<QueryFn> {
  const { compile, search } = await import("@jmespath-community/jmespath");
  compile(expression);
  return (data: unknown) => search(data as Parameters<typeof search>[0], expression);
}
