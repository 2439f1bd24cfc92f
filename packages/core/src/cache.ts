/**
 * The policy cache is injected so the CLI can persist it between runs; entries are JSON values
 * with an absolute expiry the core checks against its own clock.
 */
export interface CacheEntry {
  value: unknown;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface PimCache {
  get(key: string): Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry): Promise<void>;
  /** Removes every entry whose key starts with `prefix` (all entries for ""). */
  invalidate(prefix: string): Promise<void>;
}

export function createMemoryCache(): PimCache {
  const entries = new Map<string, CacheEntry>();
  return {
    async get(key) {
      return entries.get(key);
    },
    async set(key, entry) {
      entries.set(key, entry);
    },
    async invalidate(prefix) {
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) entries.delete(key);
    },
  };
}

/** Policies change rarely and are expensive to read; 30 minutes matches what users expect of the portal. */
export const policyCacheTtlMs = 30 * 60 * 1000;
