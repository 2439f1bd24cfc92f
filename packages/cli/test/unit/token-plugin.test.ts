import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TokenCacheContext } from "@azure/msal-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SecretStore } from "../../src/auth/secret-store";
import { openTokenStore } from "../../src/auth/token-store";

/**
 * MSAL empties its memory before every cache lookup and has the plugin refill it from disk, while
 * a command runs several token requests at once. If the plugin yielded to the event loop between
 * the two, a concurrent request would look into an empty cache ("no tokens found": a sign-in
 * demanded for no reason). So the plugin's hooks finish their work before they return.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pimkit-plugin-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function memorySecrets(): SecretStore {
  const m = new Map<string, string>();
  return {
    backend: "memory",
    get: (a) => m.get(a) ?? null,
    set: (a, s) => {
      m.set(a, s);
    },
    delete: (a) => m.delete(a),
  };
}

/** A stand-in for MSAL's TokenCacheContext that records what the plugin did to the cache. */
function context(changed: boolean, serialized = "") {
  const calls: string[] = [];
  const ctx = {
    cacheHasChanged: changed,
    tokenCache: {
      deserialize: (text: string) => calls.push(`deserialize ${text}`),
      serialize: () => serialized,
    },
  } as unknown as TokenCacheContext;
  return { ctx, calls };
}

describe.each(["file", "keyring"] as const)("the MSAL cache plugin (%s mode)", (mode) => {
  async function plugin() {
    const store = await openTokenStore(mode, dir, async () => memorySecrets());
    if (!store.plugin) throw new Error("no plugin");
    return store.plugin;
  }

  it("writes a changed cache before afterCacheAccess returns, and fills MSAL's memory before beforeCacheAccess returns", async () => {
    const p = await plugin();
    const write = context(true, '{"Account":{"a":1}}');
    const pending = p.afterCacheAccess(write.ctx);
    // Nothing awaited yet: the file must already hold the new cache.
    const file = join(dir, mode === "file" ? "token-cache.json" : "token-cache.enc");
    expect(readFileSync(file, "utf8").length).toBeGreaterThan(0);
    await pending;

    const read = context(false);
    const filling = p.beforeCacheAccess(read.ctx);
    expect(read.calls).toEqual(['deserialize {"Account":{"a":1}}']);
    await filling;
  });

  it("an unchanged cache is not written", async () => {
    const p = await plugin();
    await p.afterCacheAccess(context(false, '{"x":1}').ctx);
    const read = context(false);
    await p.beforeCacheAccess(read.ctx);
    expect(read.calls).toEqual([]);
  });
});

describe("a damaged file cache", () => {
  it("is moved aside during the lookup, and MSAL starts empty", async () => {
    const store = await openTokenStore("file", dir, async () => memorySecrets());
    writeFileSync(join(dir, "token-cache.json"), "{not json", { mode: 0o600 });
    const read = context(false);
    await store.plugin?.beforeCacheAccess(read.ctx);
    expect(read.calls).toEqual([]);
    expect(await store.readRaw()).toBe("");
  });
});
