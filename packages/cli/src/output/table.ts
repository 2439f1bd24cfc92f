import { visibleWidth } from "./colors";
import { sanitizeText } from "./sanitize";

export interface Column<R> {
  header: string;
  /** Plain text of the cell (sanitised here). */
  value: (row: R) => string;
  /** Optional colouring applied after sanitising and padding decisions. */
  color?: (text: string, row: R) => string;
  /** Cells wider than this are cut with an ellipsis. */
  maxWidth?: number;
}

/**
 * A plain, aligned table (gh style): header row, two spaces between columns, no borders, so it
 * stays readable when piped and greppable. Widths adapt to the terminal when known.
 */
export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[], options: { color: boolean }): string {
  const cells = rows.map((r) => columns.map((c) => clip(sanitizeText(c.value(r)), c.maxWidth)));
  const widths = columns.map((c, i) =>
    Math.max(visibleWidth(c.header), ...cells.map((row) => visibleWidth(row[i] ?? ""))),
  );
  const lines: string[] = [];
  const header = columns
    .map((c, i) => pad(c.header.toUpperCase(), widths[i] ?? 0, i === columns.length - 1))
    .join("  ");
  lines.push(options.color ? `\u001b[1m${header}\u001b[22m` : header);
  rows.forEach((r, ri) => {
    const row = cells[ri] ?? [];
    lines.push(
      columns
        .map((c, i) => {
          const text = row[i] ?? "";
          const padded = pad(text, widths[i] ?? 0, i === columns.length - 1);
          return options.color && c.color ? padded.replace(text, c.color(text, r)) : padded;
        })
        .join("  ")
        .trimEnd(),
    );
  });
  return `${lines.join("\n")}\n`;
}

function pad(s: string, width: number, last: boolean): string {
  if (last) return s;
  const w = visibleWidth(s);
  return w >= width ? s : s + " ".repeat(width - w);
}

function clip(s: string, max: number | undefined): string {
  if (max === undefined || s.length <= max) return s;
  return `${s.slice(0, Math.max(1, max - 1))}…`;
}

/** Key/value block for `show` commands. */
export function renderDetails(pairs: readonly [string, string][], options: { color: boolean }): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return `${pairs
    .map(([k, v]) => {
      const key = `${k}:`.padEnd(width + 2);
      return `${options.color ? `\u001b[2m${key}\u001b[22m` : key}${sanitizeText(v)}`;
    })
    .join("\n")}\n`;
}
