import { describe, expect, test } from "vitest";
import { formatIsoDuration, parseIsoDateTime, parseIsoDuration, resolveTimeSpec } from "../../src/state/durations";

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

describe("parseIsoDuration", () => {
  test.each([
    ["PT30M", 30 * M],
    ["PT1H", H],
    ["PT1H30M", 90 * M],
    ["PT8H", 8 * H],
    ["P1D", D],
    ["P365D", 365 * D],
    ["P1DT2H", D + 2 * H],
    ["PT45S", 45_000],
    ["PT0.5S", 500],
    ["PT90M", 90 * M],
    ["PT0S", 0],
  ])("%s = %d ms", (s, ms) => {
    expect(parseIsoDuration(s)).toBe(ms);
  });

  test.each(["", "P", "PT", "P1DT", "1H", "PT1.5H", "P1Y", "P1M", "P2W", "-PT1H", "pt1h", "PT1H ", "PT1H30", "8h"])(
    "refuses %j",
    (s) => {
      expect(parseIsoDuration(s)).toBeUndefined();
    },
  );
});

describe("formatIsoDuration", () => {
  test.each([
    [30 * M, "PT30M"],
    [H, "PT1H"],
    [90 * M, "PT1H30M"],
    [D, "P1D"],
    [D + 2 * H + 5 * M, "P1DT2H5M"],
    [0, "PT0S"],
    [1500, "PT1.5S"],
  ])("%d ms = %s", (ms, s) => {
    expect(formatIsoDuration(ms)).toBe(s);
    expect(parseIsoDuration(s)).toBe(ms);
  });

  test("refuses negative durations", () => {
    expect(() => formatIsoDuration(-1)).toThrow(RangeError);
  });
});

describe("date-times and scenario times", () => {
  test("accepts Graph's seven fractional digits and ARM's +00:00 offset", () => {
    expect(parseIsoDateTime("2022-04-11T11:50:05.9999343Z")).toBe(Date.parse("2022-04-11T11:50:05.999Z"));
    expect(parseIsoDateTime("2026-10-09T18:30:12.9751944+00:00")).toBe(Date.parse("2026-10-09T18:30:12.975Z"));
  });

  test("refuses date-times without an offset", () => {
    expect(parseIsoDateTime("2026-01-01T00:00:00")).toBeUndefined();
    expect(parseIsoDateTime("yesterday")).toBeUndefined();
  });

  test("relative times count from the given now", () => {
    expect(resolveTimeSpec("-P30D", 100 * D)).toBe(70 * D);
    expect(resolveTimeSpec("P1D", 0)).toBe(D);
    expect(resolveTimeSpec("+PT2H", 0)).toBe(2 * H);
    expect(resolveTimeSpec("2026-01-01T00:00:00Z", 0)).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(resolveTimeSpec("-P1Y", 0)).toBeUndefined();
  });
});
