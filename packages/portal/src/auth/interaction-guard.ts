import { isRecord, type KeyValueStorage, readJson } from "../lib/storage";

/**
 * Stops redirect loops. An automatic interactive sign-in (a step-up, or a sign-in the service
 * asked for) is allowed once per (scopes, claims) until the user acts again; if the same need
 * comes back after the redirect, the operation fails with a readable error instead of sending the
 * user round again. The record lives in sessionStorage because the page reloads in between.
 */
const storageKey = "pimkit.interactions";
/** Old records are forgotten: a need that comes back much later is a new one, not a loop. */
const windowMs = 10 * 60 * 1000;

export interface InteractionGuard {
  /** True (and recorded) when an interactive sign-in for `key` may start now. */
  allow(key: string): boolean;
  /** A user action (clicking Activate, Sign in) starts afresh. */
  reset(): void;
}

export function interactionKey(scopes: readonly string[], claims: string | undefined): string {
  return `${[...scopes]
    .map((s) => s.toLowerCase())
    .sort()
    .join(" ")}|${claims ?? ""}`;
}

export function createInteractionGuard(storage: KeyValueStorage, now: () => number = Date.now): InteractionGuard {
  const read = (): Record<string, number> => {
    const v = readJson(storage, storageKey);
    const out: Record<string, number> = {};
    if (!isRecord(v)) return out;
    const t = now();
    for (const [k, at] of Object.entries(v)) if (typeof at === "number" && t - at < windowMs) out[k] = at;
    return out;
  };
  return {
    allow(key) {
      const seen = read();
      if (seen[key] !== undefined) return false;
      seen[key] = now();
      storage.setItem(storageKey, JSON.stringify(seen));
      return true;
    },
    reset() {
      storage.removeItem(storageKey);
    },
  };
}
