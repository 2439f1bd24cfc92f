import { join } from "node:path";
import type { CacheEntry, PimCache } from "@pimkit/core";
import { readPrivateFile, writeFileAtomic } from "../state/atomic";
import { fileNames } from "../state/paths";

/**
 * The core's policy cache, kept between runs in the config folder (policies, not tokens), so a
 * warm `role list` does not read every policy again. Written once, when the command ends.
 */
export class FilePolicyCache implements PimCache {
  private entries: Map<string, CacheEntry> | undefined;
  private loading: Promise<Map<string, CacheEntry>> | undefined;
  private dirty = false;
  private readonly path: string;

  constructor(
    dir: string,
    private readonly now: () => number,
  ) {
    this.path = join(dir, fileNames.policyCache);
  }

  private load(): Promise<Map<string, CacheEntry>> {
    this.loading ??= this.read();
    return this.loading;
  }

  private async read(): Promise<Map<string, CacheEntry>> {
    const map = new Map<string, CacheEntry>();
    try {
      const raw = await readPrivateFile(this.path);
      const doc = raw ? (JSON.parse(raw.toString("utf8")) as unknown) : undefined;
      if (doc && typeof doc === "object" && (doc as { version?: unknown }).version === 1) {
        const entries = (doc as { entries?: unknown }).entries;
        if (entries && typeof entries === "object") {
          for (const [k, v] of Object.entries(entries)) {
            const e = v as Partial<CacheEntry>;
            if (typeof e?.expiresAt === "number" && e.expiresAt > this.now())
              map.set(k, { value: e.value, expiresAt: e.expiresAt });
          }
        }
      }
    } catch {
      // A damaged cache is only a cache: start empty, it is rewritten on flush.
      this.dirty = true;
    }
    this.entries = map;
    return map;
  }

  /** Starts reading the file now (a damaged file only means an empty cache). */
  preload(): void {
    void this.load();
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    return (await this.load()).get(key);
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    (await this.load()).set(key, entry);
    this.dirty = true;
  }

  async invalidate(prefix: string): Promise<void> {
    const map = await this.load();
    for (const k of [...map.keys()]) if (k.startsWith(prefix)) map.delete(k);
    this.dirty = true;
  }

  async flush(): Promise<void> {
    if (!this.dirty || !this.entries) return;
    const now = this.now();
    const entries = Object.fromEntries([...this.entries].filter(([, e]) => e.expiresAt > now));
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, entries })}\n`);
    this.dirty = false;
  }
}
