import type { AccountInfo, AuthenticationResult, PublicClientApplication } from "@azure/msal-node";
import { type Cloud, defaultClientId, graphScopes, qualifyGraphScopes } from "@pimkit/contracts";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@pimkit/core";
import type { CliDeps } from "../app/deps";
import type { EffectiveSettings } from "../app/settings";
import { CliError, InterruptedError, SignInRequiredError } from "../framework/errors";
import { type CliIo, isInteractive } from "../framework/io";
import { resolveCloud } from "./cloud";
import { type CloudTransport, createCloudTransport, type SignInTraceEvent } from "./https";
import { accountsInCache, findCachedAccessToken, scopesAsCached } from "./scope-match";
import { openTokenStore, type TokenStore } from "./token-store";

const multiTenantAuthorities = new Set(["organizations", "common", "consumers"]);

export const signInHint =
  "Run `pimkit auth login` in a terminal (or with BROWSER set to a program that completes the sign-in), then try again.";

/** How long a browser sign-in may take before pimkit gives up. */
const interactiveTimeoutMs = 5 * 60 * 1000;

const successPage =
  "<!doctype html><meta charset=utf-8><title>pimkit</title><p>Signed in. You can close this tab and return to pimkit.</p>";
const errorPage =
  "<!doctype html><meta charset=utf-8><title>pimkit</title><p>The sign-in did not complete. Return to pimkit for details.</p>";

export interface AuthSession {
  cloud: Cloud;
  cloudRef: string;
  /** Tenant the authority names (`organizations` until someone signs in). */
  tenant: string;
  clientId: string;
  store: TokenStore;
  transport: CloudTransport;
  /** MSAL, loaded on first use: a command served from the token cache never loads it. */
  app(): Promise<PublicClientApplication>;
  /** True once MSAL is loaded (from then on the cache is read through it). */
  appLoaded(): boolean;
  credential: CliCredential;
  /** The signed-in account for this cloud and app, if any (read from the cache without MSAL when it can be). */
  account(): Promise<AccountInfo | null>;
  /** The same account as MSAL sees it (loads MSAL). */
  msalAccount(): Promise<AccountInfo | null>;
  /** The serialized token cache as it stands. */
  serializedCache(): Promise<string>;
  authorityFor(tenant: string): string;
  /** Scopes `auth login` asks for: sign-in plus the Graph permissions pimkit uses to list and activate. */
  loginScopes: string[];
  close(): void;
}

/** True when a sign-in may be started: a terminal, or a BROWSER program that completes it. */
export function canSignIn(io: CliIo): boolean {
  return isInteractive(io) || (io.env.BROWSER !== undefined && io.env.BROWSER.trim() !== "");
}

export interface OpenAuthOptions {
  io: CliIo;
  deps: CliDeps;
  settings: EffectiveSettings;
  dir: string;
  /** The homeAccountId of the signed-in session, when it belongs to this cloud and app. */
  homeAccountId: string | undefined;
  trace?: (e: SignInTraceEvent) => void;
}

export async function openAuth(options: OpenAuthOptions): Promise<AuthSession> {
  const { io, settings } = options;
  const { cloud, ref } = await resolveCloud(settings.cloud.value, io.cwd);
  const tenant = settings.tenant.value ?? cloud.tenantId ?? "organizations";
  const clientId = settings.clientId.value ?? defaultClientId;
  const store = await openTokenStore(settings.tokenCache.value, options.dir, options.deps.secretStore, (m) =>
    io.stderr.write(`pimkit: warning: ${m}\n`),
  );
  // Read the token cache now: the read overlaps the transport's set-up.
  const raw = store.readRaw();
  raw.catch(() => undefined);
  const transport = createCloudTransport(cloud, options.trace);
  const authorityHost = cloud.authorityHost.replace(/\/+$/, "");
  const builtIn = ["public", "usgov", "china"].includes(ref);
  const authorityFor = (t: string) => `${authorityHost}/${t}`;
  const metadata = builtIn ? {} : customCloudMetadata(authorityHost);
  let appPromise: Promise<PublicClientApplication> | undefined;
  let loaded = false;
  const app = (): Promise<PublicClientApplication> => {
    appPromise ??= import("./msal-app").then(({ createMsalApp }) => {
      loaded = true;
      return createMsalApp({
        io,
        clientId,
        authority: authorityFor(tenant),
        metadata,
        plugin: store.plugin,
        transport,
      });
    });
    return appPromise;
  };
  const loginScopes = qualifyGraphScopes(cloud.graphResource, [
    ...graphScopes.entraRoles,
    ...graphScopes.groups,
    ...graphScopes.authContexts,
  ]);

  const environment = new URL(authorityHost).host;
  const pick = <A extends { environment: string; homeAccountId: string }>(accounts: A[]): A | null => {
    const here = accounts.filter((a) => a.environment === environment || builtIn);
    if (options.homeAccountId) {
      const mine = here.find((a) => a.homeAccountId === options.homeAccountId);
      if (mine) return mine;
    }
    return here[0] ?? null;
  };
  const msalAccount = async (): Promise<AccountInfo | null> =>
    pick(await (await app()).getTokenCache().getAllAccounts());
  // Before MSAL is loaded nothing in this process writes the cache, so one read serves them all.
  const serializedCache = async (): Promise<string> => {
    if (loaded) return (await app()).getTokenCache().serialize();
    return raw;
  };
  const account = async (): Promise<AccountInfo | null> => {
    if (!loaded) {
      const found = pick(accountsInCache(await serializedCache()));
      if (found) return found;
    }
    return msalAccount();
  };

  const host: CredentialHost = {
    app,
    tenant,
    account,
    msalAccount,
    serializedCache,
    authorityFor,
    clientId,
    cloud,
  };
  return {
    ...host,
    appLoaded: () => loaded,
    cloud,
    cloudRef: ref,
    clientId,
    store,
    transport,
    loginScopes,
    credential: new CliCredential(host, io),
    close: () => transport.close(),
  };
}

/**
 * A cloud file's sign-in endpoints, given to MSAL so it never fetches the OpenID configuration or
 * runs instance discovery (built-in clouds are in MSAL's own tables). The layout is Entra's:
 * `{host}/{tenant}/oauth2/v2.0/…`, `{tenantid}` filled in by MSAL for whichever tenant a request
 * names.
 */
export function customCloudMetadata(authorityHost: string): {
  knownAuthorities: string[];
  authorityMetadata: string;
  cloudDiscoveryMetadata: string;
} {
  const origin = new URL(authorityHost).origin;
  const host = new URL(authorityHost).host;
  const t = `${origin}/{tenantid}`;
  return {
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify({
      token_endpoint: `${t}/oauth2/v2.0/token`,
      authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${t}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${t}/oauth2/v2.0/logout`,
      jwks_uri: `${t}/discovery/v2.0/keys`,
      issuer: `${t}/v2.0`,
    }),
    cloudDiscoveryMetadata: JSON.stringify({
      tenant_discovery_endpoint: `${t}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    }),
  };
}

/**
 * The core's only way to a token. Silent first (cache, then refresh token); when the service
 * wants interaction (a first sign-in, an authentication context, a CAE challenge) it signs in in
 * the browser — one sign-in at a time, and the token it returns is reused for the rest of the
 * command — or, when no sign-in is possible here, fails with exit code 4.
 */
/** What the credential needs from the session. */
export type CredentialHost = Pick<
  AuthSession,
  "app" | "tenant" | "account" | "msalAccount" | "serializedCache" | "authorityFor" | "clientId"
> & {
  cloud: Pick<Cloud, "graphResource">;
};

export class CliCredential implements TokenCredential {
  /** Set when a token was needed and no sign-in could be started (exit 4). */
  signInWasNeeded = false;
  /** Interactive sign-ins done by this command (tests assert a batch needs one). */
  interactiveSignIns = 0;
  private readonly memo = new Map<string, AuthenticationResult>();
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly session: CredentialHost,
    private readonly io: CliIo,
  ) {}

  /** Tenant every token is requested for (the home tenant, or a guest tenant after `tenant switch`). */
  tenantId: string | undefined;

  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken | null> {
    const list = Array.isArray(scopes) ? scopes : [scopes];
    // The core asks with `forceRefresh` when the token it had was refused (401): a cached one,
    // even one that looks valid here, must not be handed back.
    const forceRefresh = options.forceRefresh === true;
    if (!options.claims && !forceRefresh) {
      const cached = await this.fromCache(list);
      if (cached) return cached;
    }
    const result = await this.acquire(list, options.claims, options.abortSignal, { forceRefresh });
    return { token: result.accessToken, expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now() + 5 * 60_000 };
  }

  private authority(): string {
    return this.session.authorityFor(this.tenantId ?? this.session.tenant);
  }

  private key(scopes: string[], claims: string | undefined): string {
    return `${[...scopes].sort().join(" ")}|${claims ?? ""}|${this.authority()}`;
  }

  private fresh(r: AuthenticationResult | undefined): r is AuthenticationResult {
    return r !== undefined && (r.expiresOn?.getTime() ?? 0) - Date.now() > 2 * 60_000;
  }

  private cacheQuery(account: AccountInfo, scopes: string[]) {
    const tenant = this.tenantId ?? this.session.tenant;
    return {
      homeAccountId: account.homeAccountId,
      environment: account.environment,
      clientId: this.session.clientId,
      realm: multiTenantAuthorities.has(tenant.toLowerCase()) ? account.tenantId : tenant,
      graphResource: this.session.cloud.graphResource,
      scopes,
      nowSec: Math.floor(Date.now() / 1000),
    };
  }

  /**
   * The token MSAL's silent call would return from its cache, read without loading MSAL. Only
   * without claims: a claims request must reach the service.
   */
  private async fromCache(scopes: string[]): Promise<AccessToken | undefined> {
    const account = await this.session.account();
    if (!account) return undefined;
    const hit = findCachedAccessToken(await this.session.serializedCache(), this.cacheQuery(account, scopes));
    return hit ? { token: hit.secret, expiresOnTimestamp: hit.expiresOn * 1000 } : undefined;
  }

  /**
   * A silent call through MSAL. Without claims, the scopes are spelled as the covering cached
   * token has them (see scope-match), so a token the cache holds is found; with claims MSAL goes
   * to the service anyway, by design, so they are sent as asked.
   */
  private async silent(
    account: AccountInfo,
    scopes: string[],
    claims: string | undefined,
    forceRefresh = false,
  ): Promise<AuthenticationResult> {
    const app = await this.session.app();
    const acct = (await this.session.msalAccount()) ?? account;
    const authority = this.authority();
    const asked = claims ? scopes : scopesAsCached(await this.session.serializedCache(), this.cacheQuery(acct, scopes));
    return app.acquireTokenSilent({
      account: acct,
      scopes: asked,
      authority,
      ...(claims ? { claims } : {}),
      ...(forceRefresh ? { forceRefresh: true } : {}),
    });
  }

  async acquire(
    scopes: string[],
    claims: string | undefined,
    signal?: AbortSignal,
    options: { forceRefresh?: boolean } = {},
  ): Promise<AuthenticationResult> {
    const memoKey = this.key(scopes, claims);
    const memo = this.memo.get(memoKey);
    if (!options.forceRefresh && this.fresh(memo)) return memo;
    const account = await this.session.account();
    let needed: { claims: string | undefined } | undefined;
    if (!account) {
      needed = { claims };
    } else {
      try {
        const r = await this.silent(account, scopes, claims, options.forceRefresh);
        this.memo.set(memoKey, r);
        return r;
      } catch (e) {
        if (!isInteractionRequired(e) && !isNoTokensFound(e)) throw e;
        const serverClaims = isInteractionRequired(e) && e.claims ? e.claims : undefined;
        needed = { claims: serverClaims ?? claims };
      }
    }
    if (!canSignIn(this.io)) {
      this.signInWasNeeded = true;
      throw new SignInRequiredError(
        account
          ? "A new sign-in is needed (the session expired, or a role asks for a stronger sign-in)."
          : "You are not signed in.",
        [signInHint],
      );
    }
    // One browser sign-in at a time: a second caller waits, then tries silently first, since
    // the sign-in it waited for usually satisfied it too.
    const run = this.lock.then(async () => {
      const again = this.memo.get(memoKey);
      if (this.fresh(again)) return again;
      const acct = await this.session.account();
      if (acct && this.interactiveSignIns > 0) {
        try {
          const r = await this.silent(acct, scopes, claims);
          this.memo.set(memoKey, r);
          return r;
        } catch (e) {
          if (!isInteractionRequired(e) && !isNoTokensFound(e)) throw e;
        }
      }
      const r = await this.interactive(scopes, needed?.claims, acct?.username, signal);
      this.memo.set(memoKey, r);
      return r;
    });
    this.lock = run.catch(() => undefined);
    return run;
  }

  async interactive(
    scopes: string[],
    claims: string | undefined,
    loginHint: string | undefined,
    signal?: AbortSignal,
    authority?: string,
  ): Promise<AuthenticationResult> {
    this.interactiveSignIns++;
    const io = this.io;
    io.stderr.write(
      claims
        ? "pimkit: a role asks for a stronger sign-in; opening the sign-in page in your browser…\n"
        : "pimkit: opening the sign-in page in your browser…\n",
    );
    let launchFailed: Promise<never> | undefined;
    const [app, { launchBrowser }] = await Promise.all([this.session.app(), import("./browser")]);
    const acquire = app.acquireTokenInteractive({
      scopes,
      authority: authority ?? this.authority(),
      ...(claims ? { claims } : {}),
      ...(loginHint ? { loginHint } : {}),
      successTemplate: successPage,
      errorTemplate: errorPage,
      openBrowser: async (url: string) => {
        const launched = launchBrowser(io, url);
        launchFailed = launched.failed;
        // The address is not printed: it carries the claims request (cp1, authentication
        // contexts), which pimkit never writes out. Without a desktop browser, device code works.
        if (!io.env.BROWSER && io.stderr.isTTY) {
          io.stderr.write("If no browser opens, sign in with `pimkit auth login --device-code` instead.\n");
        }
      },
    });
    return withTimeout(acquire, () => launchFailed, interactiveTimeoutMs, signal ?? io.signal);
  }

  /** Device code flow: the code and address go to stderr. */
  async deviceCode(scopes: string[]): Promise<AuthenticationResult> {
    this.interactiveSignIns++;
    const app = await this.session.app();
    const r = await app.acquireTokenByDeviceCode({
      scopes,
      authority: this.authority(),
      deviceCodeCallback: (response) => {
        this.io.stderr.write(`pimkit: ${response.message}\n`);
      },
    });
    if (!r) throw new CliError("sign_in_failed", "The device code sign-in returned no token.");
    return r;
  }
}

/** MSAL's InteractionRequiredAuthError, recognised without importing MSAL. */
function isInteractionRequired(e: unknown): e is Error & { claims?: string } {
  return e instanceof Error && e.name === "InteractionRequiredAuthError";
}

function isNoTokensFound(e: unknown): boolean {
  const code = (e as { errorCode?: unknown })?.errorCode;
  return code === "no_tokens_found" || code === "no_account_in_silent_request" || code === "token_refresh_required";
}

async function withTimeout<T>(
  work: Promise<T>,
  launchFailed: () => Promise<never> | undefined,
  ms: number,
  signal: AbortSignal,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CliError("sign_in_timeout", `The sign-in did not complete within ${Math.round(ms / 60000)} minutes.`),
        ),
      ms,
    );
    onAbort = () => reject(new InterruptedError());
    signal.addEventListener("abort", onAbort, { once: true });
    // The browser program is launched by MSAL a moment after the loopback listens.
    poll = setInterval(() => {
      const failed = launchFailed();
      if (failed) {
        clearInterval(poll);
        failed.catch((e: Error) =>
          reject(
            new CliError("browser_failed", `The sign-in page could not be opened: ${e.message}.`, {
              details: [signInHint],
            }),
          ),
        );
      }
    }, 20);
  });
  try {
    return await Promise.race([work, guard]);
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
