import { describe, expect, it } from "vitest";
import { isRealIsoDate } from "../../src/framework/dates";

describe("isRealIsoDate", () => {
  it("accepts dates and date-times that exist", () => {
    for (const ok of ["2026-05-01T08:00:00Z", "2028-02-29T23:59:59.123+02:00", "2026-12-31", "2026-05-01T08:00Z"]) {
      expect(isRealIsoDate(ok), ok).toBe(true);
    }
  });
  it("refuses impossible days, times and shapes instead of rolling them forward", () => {
    for (const bad of [
      "2027-02-30T10:00:00Z",
      "2027-04-31T10:00:00Z",
      "2027-02-29T10:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-05-01T24:00:00Z",
      "2026-05-01T08:60:00Z",
      "tomorrow",
      "2026-5-1",
    ]) {
      expect(isRealIsoDate(bad), bad).toBe(false);
    }
  });
  it("can require a time", () => {
    expect(isRealIsoDate("2026-05-01", { requireTime: true })).toBe(false);
  });
});
