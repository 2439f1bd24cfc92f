import type { TokenCacheMode } from "../auth/token-store";
import type { GlobalOptions } from "../framework/command";
import { UsageError } from "../framework/errors";
import { tokenCacheModes } from "../framework/global-flags";
import type { CliIo } from "../framework/io";
import type { Settings } from "../state/config";
import type { SessionInfo } from "../state/session";

export type SettingSource = "flag" | "env" | "config" | "session" | "default";

export interface Resolved<T> {
  value: T;
  source: SettingSource;
}

export interface EffectiveSettings {
  cloud: Resolved<string>;
  tenant: Resolved<string | undefined>;
  clientId: Resolved<string | undefined>;
  tokenCache: Resolved<TokenCacheMode>;
}

function pick<T>(candidates: [SettingSource, T | undefined][], fallback: Resolved<T>): Resolved<T> {
  for (const [source, v] of candidates) {
    if (v !== undefined && v !== "") return { value: v, source };
  }
  return fallback;
}

/** Flag > environment > config file > signed-in session > default. */
export function effectiveSettings(
  globals: GlobalOptions,
  io: CliIo,
  config: Settings,
  session: SessionInfo | null,
): EffectiveSettings {
  const env = io.env;
  const cloud = pick<string>(
    [
      ["flag", globals.cloud],
      ["env", env.PIMKIT_CLOUD],
      ["config", config.cloud],
      ["session", session?.cloud],
    ],
    { value: "public", source: "default" },
  );
  // The session's tenant and app belong to the session's cloud only.
  const sameCloud = session !== null && cloud.value === session.cloud;
  const tenant = pick<string | undefined>(
    [
      ["flag", globals.tenant],
      ["env", env.PIMKIT_TENANT],
      ["config", config.tenant],
      ["session", sameCloud ? session?.tenantId : undefined],
    ],
    { value: undefined, source: "default" },
  );
  const clientId = pick<string | undefined>(
    [
      ["flag", globals.clientId],
      ["env", env.PIMKIT_CLIENT_ID],
      ["config", config.clientId],
      ["session", sameCloud ? session?.clientId : undefined],
    ],
    { value: undefined, source: "default" },
  );
  const rawCache = pick<string>(
    [
      ["flag", globals.tokenCache],
      ["env", env.PIMKIT_TOKEN_CACHE],
      ["config", config.tokenCache],
      ["session", session?.tokenCache],
    ],
    { value: "keyring", source: "default" },
  );
  if (!(tokenCacheModes as readonly string[]).includes(rawCache.value)) {
    const where =
      rawCache.source === "env"
        ? "PIMKIT_TOKEN_CACHE"
        : rawCache.source === "config"
          ? "the config setting token-cache"
          : "--token-cache";
    throw new UsageError(`${where} must be one of ${tokenCacheModes.join(", ")} (got "${rawCache.value}").`);
  }
  return { cloud, tenant, clientId, tokenCache: rawCache as Resolved<TokenCacheMode> };
}
