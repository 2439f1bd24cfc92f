import type { Runtime } from "../app/runtime";
import type { CommandContext, FlagSpecs } from "../framework/command";
import { allTokenStores } from "./token-store";

type Section = Record<string, { home_account_id?: string; username?: string }>;
type SerializedCache = Record<string, Section | undefined>;

export interface LogoutResult {
  accounts: string[];
  /** Token stores that held tokens and were cleared. */
  cleared: string[];
}

/**
 * Removes the account's tokens from every store this config folder may use (whatever mode is
 * current), so switching modes never leaves a copy behind. Works on the serialized cache
 * directly: no MSAL, no network.
 */
export async function logout(ctx: CommandContext<FlagSpecs>, rt: Runtime, all: boolean): Promise<LogoutResult> {
  const target = rt.session?.homeAccountId;
  const accounts = new Set<string>();
  const cleared: string[] = [];
  for (const store of await allTokenStores(rt.stores.dir, ctx.deps.secretStore)) {
    const raw = await store.readRaw();
    if (!raw) {
      await store.writeRaw("");
      continue;
    }
    let cache: SerializedCache;
    try {
      cache = JSON.parse(raw) as SerializedCache;
    } catch {
      await store.writeRaw("");
      cleared.push(store.info.storage);
      continue;
    }
    for (const a of Object.values(cache.Account ?? {})) {
      if ((all || a.home_account_id === target) && a.username) accounts.add(a.username);
    }
    if (all || !target) {
      if (all) {
        await store.writeRaw("");
        cleared.push(store.info.storage);
      }
      continue;
    }
    let removed = false;
    for (const section of ["Account", "IdToken", "AccessToken", "RefreshToken"]) {
      const entries = cache[section];
      if (!entries) continue;
      for (const [k, v] of Object.entries(entries)) {
        if (v.home_account_id === target) {
          delete entries[k];
          removed = true;
        }
      }
    }
    const left = Object.keys(cache.Account ?? {}).length;
    if (left === 0) await store.writeRaw("");
    else if (removed) await store.writeRaw(JSON.stringify(cache));
    if (removed) cleared.push(store.info.storage);
  }
  if (all || target) await rt.stores.session.write({ current: null });
  if (rt.session?.username) accounts.add(rt.session.username);
  return { accounts: [...accounts], cleared };
}
