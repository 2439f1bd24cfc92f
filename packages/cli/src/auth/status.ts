import { defaultClientId } from "@pimkit/contracts";
import type { Runtime } from "../app/runtime";
import type { CommandContext, FlagSpecs } from "../framework/command";
import { isCliError } from "../framework/errors";
import { resolveCloud } from "./cloud";
import { openTokenStore, type TokenStorageInfo } from "./token-store";

export interface TokenSummary {
  resource: string;
  scopes: string[];
  tenantId: string;
  expiresOn: string | null;
  acrs: string[];
}

export interface AuthStatus {
  signedIn: boolean;
  account: string | null;
  tenantId: string | null;
  homeTenantId: string | null;
  clientId: string;
  cloud: { name: string; ref: string; authorityHost: string };
  scopes: string[];
  acrs: string[];
  tokens: TokenSummary[];
  tokenStorage: TokenStorageInfo & { available: boolean; reason?: string };
  signedInAt: string | null;
}

interface SerializedAccessToken {
  home_account_id?: string;
  client_id?: string;
  secret?: string;
  realm?: string;
  target?: string;
  expires_on?: string;
}

/** Reads a JWT's payload for its claims; the token itself is never printed or kept. */
function claimsOf(token: string | undefined): Record<string, unknown> {
  const part = token?.split(".")[1];
  if (!part) return {};
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Everything `auth status` shows, from the session and the token cache; no network. */
export async function describeStatus(ctx: CommandContext<FlagSpecs>, rt: Runtime): Promise<AuthStatus> {
  const session = rt.session;
  const { cloud, ref } = await resolveCloud(rt.settings.cloud.value, ctx.io.cwd);
  const clientId = rt.settings.clientId.value ?? defaultClientId;
  let storage: AuthStatus["tokenStorage"];
  let raw = "";
  try {
    const store = await openTokenStore(rt.settings.tokenCache.value, rt.stores.dir, ctx.deps.secretStore);
    storage = { ...store.info, available: true };
    raw = await store.readRaw();
  } catch (e) {
    if (!isCliError(e)) throw e;
    storage = {
      storage: rt.settings.tokenCache.value,
      location: "none",
      protection: "no OS secret store is usable here; pass --token-cache file or memory",
      plaintext: false,
      available: false,
      reason: e.message,
    };
  }
  const tokens: TokenSummary[] = [];
  let hasAccount = false;
  if (raw && session) {
    try {
      const cache = JSON.parse(raw) as {
        Account?: Record<string, { home_account_id?: string }>;
        AccessToken?: Record<string, SerializedAccessToken>;
      };
      hasAccount = Object.values(cache.Account ?? {}).some((a) => a.home_account_id === session.homeAccountId);
      for (const at of Object.values(cache.AccessToken ?? {})) {
        if (at.home_account_id !== session.homeAccountId || at.client_id !== clientId) continue;
        const claims = claimsOf(at.secret);
        const acrs = Array.isArray(claims.acrs) ? claims.acrs.filter((x): x is string => typeof x === "string") : [];
        const scopes = (at.target ?? "").split(" ").filter(Boolean);
        tokens.push({
          resource: typeof claims.aud === "string" ? claims.aud : "",
          scopes,
          tenantId: at.realm ?? "",
          expiresOn: at.expires_on ? new Date(Number(at.expires_on) * 1000).toISOString() : null,
          acrs,
        });
      }
    } catch {
      // An unreadable cache means no usable tokens; status says so.
    }
  }
  const signedIn = session !== null && hasAccount;
  return {
    signedIn,
    account: session?.username ?? null,
    tenantId: session?.tenantId ?? null,
    homeTenantId: session?.homeTenantId ?? null,
    clientId,
    cloud: { name: cloud.name, ref, authorityHost: cloud.authorityHost },
    scopes: [...new Set(tokens.flatMap((t) => t.scopes))].sort(),
    acrs: [...new Set(tokens.flatMap((t) => t.acrs))].sort(),
    tokens,
    tokenStorage: storage,
    signedInAt: session?.signedInAt ?? null,
  };
}
