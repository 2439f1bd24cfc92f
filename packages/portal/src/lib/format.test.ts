import { describe, expect, it } from "vitest";
import { formatCountdown, isoToLocalInput, localInputToIso, urgencyOf } from "./format";

describe("countdown and urgency", () => {
  const now = Date.parse("2026-03-01T10:00:00Z");
  it("grades time left", () => {
    expect(urgencyOf(null, now)).toBe("none");
    expect(urgencyOf("2026-03-01T12:00:00Z", now)).toBe("ok");
    expect(urgencyOf("2026-03-01T10:30:00Z", now)).toBe("soon");
    expect(urgencyOf("2026-03-01T10:04:00Z", now)).toBe("critical");
    expect(urgencyOf("2026-03-01T09:59:00Z", now)).toBe("expired");
  });

  it("formats with a stable width", () => {
    expect(formatCountdown(2 * 3600_000 + 5 * 60_000 + 9_000)).toBe("2h 05m 09s");
    expect(formatCountdown(4 * 60_000 + 10_000)).toBe("4m 10s");
    expect(formatCountdown(12_000)).toBe("12s");
    expect(formatCountdown(-5)).toBe("0s");
    expect(formatCountdown(26 * 3600_000)).toBe("1d 2h 00m");
  });

  it("converts the datetime-local value both ways", () => {
    const iso = localInputToIso("2030-01-01T09:15");
    expect(iso).toBe(new Date("2030-01-01T09:15").toISOString());
    expect(isoToLocalInput(iso ?? "")).toBe("2030-01-01T09:15");
    expect(localInputToIso("tomorrow")).toBeUndefined();
  });
});
