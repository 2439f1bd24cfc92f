import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../lib/storage";
import { createInteractionGuard, interactionKey } from "./interaction-guard";

describe("interaction guard", () => {
  it("allows one automatic sign-in per need until the user acts again", () => {
    const storage = createMemoryStorage();
    let t = 1_000_000;
    const key = interactionKey(["https://graph.microsoft.com/A", "https://graph.microsoft.com/B"], '{"acrs":1}');
    expect(createInteractionGuard(storage, () => t).allow(key)).toBe(true);
    // After the redirect the page is new: the record is read back from storage.
    const after = createInteractionGuard(storage, () => t);
    expect(after.allow(key)).toBe(false);
    expect(after.allow(interactionKey(["https://graph.microsoft.com/A"], '{"acrs":1}'))).toBe(true);
    after.reset();
    expect(after.allow(key)).toBe(true);
    t += 11 * 60_000;
    expect(after.allow(key)).toBe(true);
  });

  it("does not depend on scope order or case", () => {
    expect(interactionKey(["B", "a"], undefined)).toBe(interactionKey(["A", "b"], undefined));
    expect(interactionKey(["a"], "x")).not.toBe(interactionKey(["a"], undefined));
  });
});
