import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../src/http/retry-after";

const now = Date.parse("2026-03-01T08:00:00Z");
const h = (o: Record<string, string>) => new Headers(o);

describe("Retry-After", () => {
  it("seconds, fractional seconds, HTTP-date, and millisecond headers", () => {
    expect(parseRetryAfter(h({ "Retry-After": "2" }), now)).toBe(2000);
    expect(parseRetryAfter(h({ "Retry-After": "2.128" }), now)).toBe(2128);
    expect(parseRetryAfter(h({ "Retry-After": "Sun, 01 Mar 2026 08:00:05 GMT" }), now)).toBe(5000);
    expect(parseRetryAfter(h({ "retry-after-ms": "250" }), now)).toBe(250);
    expect(parseRetryAfter(h({ "x-ms-retry-after-ms": "750", "Retry-After": "9" }), now)).toBe(750);
  });

  it("a date in the past is zero; absent or unreadable is undefined", () => {
    expect(parseRetryAfter(h({ "Retry-After": "Sun, 01 Mar 2026 07:00:00 GMT" }), now)).toBe(0);
    expect(parseRetryAfter(h({}), now)).toBeUndefined();
    expect(parseRetryAfter(h({ "Retry-After": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfter(h({ "Retry-After": "-3" }), now)).toBeUndefined();
  });
});
