import { describe, expect, it } from "vitest";
import {
  addDuration,
  compareDurations,
  durationToSeconds,
  formatDuration,
  normalizeDuration,
  parseDurationInput,
  secondsToIsoDuration,
} from "../../src/durations";
import { PimError } from "../../src/errors";

describe("ISO-8601 durations", () => {
  it("reads the forms PIM policies use, exactly", () => {
    expect(durationToSeconds("PT30M")).toBe(1800);
    expect(durationToSeconds("PT8H")).toBe(28800);
    expect(durationToSeconds("P1D")).toBe(86400);
    expect(durationToSeconds("PT1H45M")).toBe(6300);
    expect(durationToSeconds("P90D")).toBe(90 * 86400);
    expect(durationToSeconds("PT0.5H")).toBe(1800);
    expect(durationToSeconds("P1DT2H")).toBe(93600);
  });

  it("refuses calendar units and garbage with invalid_duration", () => {
    for (const bad of ["P1M", "P1Y", "PT", "P", "8h", "", "PTH"]) {
      expect(() => durationToSeconds(bad), bad).toThrow(PimError);
      try {
        durationToSeconds(bad);
      } catch (e) {
        expect((e as PimError).code).toBe("invalid_duration");
      }
    }
  });

  it("writes canonical forms that keep sub-hour and day values", () => {
    expect(secondsToIsoDuration(1800)).toBe("PT30M");
    expect(secondsToIsoDuration(86400)).toBe("P1D");
    expect(secondsToIsoDuration(5400)).toBe("PT1H30M");
    expect(secondsToIsoDuration(93600)).toBe("P1DT2H");
    expect(normalizeDuration("PT90M")).toBe("PT1H30M");
    expect(normalizeDuration("PT24H")).toBe("P1D");
  });

  it("parses what users type", () => {
    expect(parseDurationInput("2h")).toBe("PT2H");
    expect(parseDurationInput("90m")).toBe("PT1H30M");
    expect(parseDurationInput("1h30m")).toBe("PT1H30M");
    expect(parseDurationInput("45min")).toBe("PT45M");
    expect(parseDurationInput("1d")).toBe("P1D");
    expect(parseDurationInput("PT2H")).toBe("PT2H");
    expect(parseDurationInput("30")).toBe("PT30M");
    for (const bad of ["0", "0m", "abc", "2 hours", "-1h", "P1M"]) {
      expect(() => parseDurationInput(bad), bad).toThrowError(expect.objectContaining({ code: "invalid_duration" }));
    }
  });

  it("compares, adds and formats", () => {
    expect(compareDurations("PT30M", "PT1H")).toBeLessThan(0);
    expect(compareDurations("P1D", "PT24H")).toBe(0);
    expect(addDuration("2026-03-01T08:00:00Z", "PT30M")).toBe("2026-03-01T08:30:00.000Z");
    expect(formatDuration("PT1H30M")).toBe("1h 30m");
    expect(formatDuration("P1D")).toBe("1d");
  });
});
