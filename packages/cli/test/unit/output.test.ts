import { describe, expect, it } from "vitest";
import { compileQuery, renderResult, renderTsv } from "../../src/output/render";
import { sanitizeData, sanitizeText } from "../../src/output/sanitize";
import { renderTable } from "../../src/output/table";

const hostile = [
  "Ops\u001b[31mRED\u001b[0m",
  "link\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007",
  "title\u001b]0;pwned\u0007",
  "bell\u0007null\u0000del\u007fc1\u009b31m",
  "rtl\u202eexe.txt",
  "cursor\u001b[2J\u001b[H",
  "dcs\u001bPq#0;2;0;0;0\u001b\\",
  "tab\tnew\nline\r",
];

describe("sanitizer", () => {
  it("removes escape sequences, control characters and bidi overrides", () => {
    for (const s of hostile) {
      const out = sanitizeText(s);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting none are left
      expect(out, JSON.stringify(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }
    expect(sanitizeText("Ops\u001b[31mRED\u001b[0m")).toBe("OpsRED");
    expect(sanitizeText("link\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007")).toBe("linkclick");
    expect(sanitizeText("Global Administrator")).toBe("Global Administrator");
    expect(sanitizeText("Zoë — 管理者")).toBe("Zoë — 管理者");
  });

  it("sanitises every string of a JSON value, keys included", () => {
    expect(sanitizeData({ "k\u001b[1m": ["a\u0007", { b: "c\u202e" }], n: 1, z: null })).toEqual({
      k: ["a", { b: "c" }],
      n: 1,
      z: null,
    });
  });
});

describe("output formats", () => {
  const data = [
    { id: "a", name: "Reader\u001b[31m", scope: { id: "/", displayName: "Directory" }, ok: true, until: null },
    { id: "b", name: "Owner", scope: { id: "/s", displayName: "Sub" }, ok: false, until: "2026-01-01T00:00:00Z" },
  ];
  const opts = { query: undefined, color: false, width: 80 } as const;

  it("json, jsonc, yaml, tsv and none through one path", async () => {
    const j = await renderResult({ data }, { ...opts, format: "json" });
    expect(JSON.parse(j)[0].name).toBe("Reader");
    const jc = await renderResult({ data }, { ...opts, format: "jsonc", color: true });
    expect(jc.includes('\u001b[36m"id"\u001b[39m:')).toBe(true);
    expect(await renderResult({ data }, { ...opts, format: "jsonc" })).toBe(j);
    const y = await renderResult({ data }, { ...opts, format: "yaml" });
    expect(y).toMatch(/^- id: a/m);
    expect(await renderResult({ data }, { ...opts, format: "tsv" })).toBe(
      "a\tReader\t/\tDirectory\ttrue\t\nb\tOwner\t/s\tSub\tfalse\t2026-01-01T00:00:00Z\n",
    );
    expect(await renderResult({ data }, { ...opts, format: "none" })).toBe("");
  });

  it("--query applies before formatting; a table of queried data is generic", async () => {
    const q = await compileQuery("[?ok].{n: name, s: scope.displayName}");
    expect(JSON.parse(await renderResult({ data }, { ...opts, format: "json", query: q }))).toEqual([
      { n: "Reader", s: "Directory" },
    ]);
    const t = await renderResult({ data, table: () => "custom\n" }, { ...opts, format: "table", query: q });
    expect(t).toBe("N       S\nReader  Directory\n");
    expect(await renderResult({ data, table: () => "custom\n" }, { ...opts, format: "table" })).toBe("custom\n");
    await expect(compileQuery("[?")).rejects.toThrow();
  });

  it("tsv flattens and keeps one line per row even with tabs and newlines in values", () => {
    expect(renderTsv([{ a: "x\ty", b: ["1", "2"] }])).toBe("x y\t1\t2\n");
  });

  it("tables sanitise cells and align wide characters", () => {
    const out = renderTable(
      [{ n: "a\u001b[31mb" }, { n: "管理" }],
      [{ header: "Name", value: (r: { n: string }) => r.n }],
      { color: false },
    );
    expect(out).toBe("NAME\nab\n管理\n");
  });
});
