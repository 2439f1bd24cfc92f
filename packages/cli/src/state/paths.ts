import { join } from "node:path";
import type { Env } from "../framework/io";

/**
 * The config folder: `PIMKIT_CONFIG_DIR`, else `%APPDATA%\pimkit` on Windows, else
 * `$XDG_CONFIG_HOME/pimkit`, else `~/.config/pimkit`. Everything pimkit keeps lives here.
 */
export function configDir(env: Env, platform: NodeJS.Platform, homedir: string): string {
  const explicit = env.PIMKIT_CONFIG_DIR;
  if (explicit && explicit.trim() !== "") return explicit;
  if (platform === "win32") {
    const appData = env.APPDATA;
    return join(appData && appData !== "" ? appData : join(homedir, "AppData", "Roaming"), "pimkit");
  }
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg?.startsWith("/") ? xdg : join(homedir, ".config"), "pimkit");
}

export const fileNames = {
  config: "config.json",
  profiles: "profiles.json",
  history: "history.json",
  session: "session.json",
  policyCache: "policy-cache.json",
  tokenCacheFile: "token-cache.json",
  tokenCacheEncrypted: "token-cache.enc",
} as const;
