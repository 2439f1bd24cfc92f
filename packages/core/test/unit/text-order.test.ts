import { describe, expect, it } from "vitest";
import { compareIsoTime, textComparator } from "../../src/text-order";

const root = new Intl.Collator("und");
const sign = (n: number) => Math.sign(n);

/** Deterministic pseudo-random ASCII names (printable characters and spaces). */
function names(count: number, seed: number): string[] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s;
  };
  const alphabet = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = 1 + (next() % 8);
    let t = "";
    for (let j = 0; j < len; j++) t += alphabet[next() % alphabet.length];
    out.push(t);
  }
  return out;
}

describe("textComparator", () => {
  it("orders ASCII names as the Unicode root collation does", () => {
    const sample = [
      ...names(400, 7),
      "Application Administrator",
      "application administrator",
      "Application administrator",
      "Key Vault Secrets User",
      "Owner",
      "owner",
      "Contributor (sub-a)",
      "Contributor (sub-b)",
      "Contributor",
      "grp_finance-admins",
      "grp-finance_admins",
      "Reader 2",
      "Reader 10",
      "a b",
      "ab",
      "a-b",
      "a_b",
      "",
    ];
    const compare = textComparator(sample);
    expect(compare).not.toBe(root.compare);
    let checked = 0;
    for (const a of sample) {
      for (const b of sample.slice(0, 120)) {
        expect([a, b, sign(compare(a, b))]).toEqual([a, b, sign(root.compare(a, b))]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40_000);
  });

  it("brings in the platform collator for the whole sort when any name is not plain ASCII", () => {
    const sample = ["Zeta", "Ärzte", "alpha", "Éclair", "eclair"];
    const compare = textComparator(sample);
    expect([...sample].sort(compare)).toEqual([...sample].sort(new Intl.Collator().compare));
    expect(compare("Ärzte", "Zeta")).toBeLessThan(0);
  });

  it("treats control characters as needing the collator", () => {
    const plain = textComparator(["a", "b"]);
    const withControl = textComparator(["a", "b\u0007"]);
    expect(withControl).not.toBe(plain);
  });
});

describe("compareIsoTime", () => {
  it("orders by instant, whatever the fraction digits or offset, unreadable values first", () => {
    const times = ["2020-01-01T00:00:27.5Z", "2020-01-01T00:00:27Z", null, "2020-01-01T01:00:27+02:00", "not a time"];
    expect([...times].sort(compareIsoTime)).toEqual([
      null,
      "not a time",
      "2020-01-01T01:00:27+02:00",
      "2020-01-01T00:00:27Z",
      "2020-01-01T00:00:27.5Z",
    ]);
  });
});
