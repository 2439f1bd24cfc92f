import {
  type AccountInfo,
  type AuthenticationResult,
  InteractionRequiredAuthError,
  LogLevel,
  PublicClientApplication,
} from "@azure/msal-node";
import { type Cloud, defaultClientId, graphScopes, qualifyGraphScopes } from "@pimkit/contracts";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@pimkit/core";
import type { CliDeps } from "../app/deps";
import type { EffectiveSettings } from "../app/settings";
import { CliError, InterruptedError, SignInRequiredError } from "../framework/errors";
import { type CliIo, isInteractive } from "../framework/io";
import { launchBrowser } from "./browser";
import { resolveCloud } from "./cloud";
import { type CloudTransport, createCloudTransport, type SignInTraceEvent } from "./https";
import { openTokenStore, type TokenStore } from "./token-store";

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
  app: PublicClientApplication;
  credential: CliCredential;
  /** The signed-in account for this cloud and app, if any. */
  account(): Promise<AccountInfo | null>;
  authorityFor(tenant: string): string;
  /** Scopes `auth login` asks for: sign-in plus the Graph permissions pimkit uses to list and activate. */
  loginScopes: string[];
  close(): void;
}

/** True when a sign-in may be started: a terminal, or a BROWSER program that completes it. */
export function canSignIn(io: CliIo): boolean {
  return isInteractive(io) || (io.env.BROWSER !== undefined && io.env.BROWSER.trim() !== "");
}

function msalLogLevel(io: CliIo): LogLevel {
  return io.env.PIMKIT_DEBUG?.split(",").includes("msal") ? LogLevel.Info : LogLevel.Error;
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
  const store = await openTokenStore(settings.tokenCache.value, options.dir, options.deps.secretStore);
  const transport = createCloudTransport(cloud, options.trace);
  const authorityHost = cloud.authorityHost.replace(/\/+$/, "");
  const builtIn = ["public", "usgov", "china"].includes(ref);
  const authorityFor = (t: string) => `${authorityHost}/${t}`;
  const app = new PublicClientApplication({
    auth: {
      clientId,
      authority: authorityFor(tenant),
      clientCapabilities: ["cp1"],
      ...(builtIn ? {} : { knownAuthorities: [new URL(authorityHost).host] }),
    },
    ...(store.plugin ? { cache: { cachePlugin: store.plugin } } : {}),
    system: {
      networkClient: transport.networkClient,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: msalLogLevel(io),
        loggerCallback: (_level, message, containsPii) => {
          if (!containsPii && msalLogLevel(io) !== LogLevel.Error) io.stderr.write(`msal: ${message}\n`);
        },
      },
    },
  });
  const loginScopes = qualifyGraphScopes(cloud.graphResource, [
    ...graphScopes.entraRoles,
    ...graphScopes.groups,
    ...graphScopes.authContexts,
  ]);

  const account = async (): Promise<AccountInfo | null> => {
    const accounts = await app.getTokenCache().getAllAccounts();
    const environment = new URL(authorityHost).host;
    const here = accounts.filter((a) => a.environment === environment || builtIn);
    if (options.homeAccountId) {
      const mine = here.find((a) => a.homeAccountId === options.homeAccountId);
      if (mine) return mine;
    }
    return here[0] ?? null;
  };

  const host: CredentialHost = { app, tenant, account, authorityFor };
  return {
    ...host,
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
 * The core's only way to a token. Silent first (cache, then refresh token); when the service
 * wants interaction (a first sign-in, an authentication context, a CAE challenge) it signs in in
 * the browser — one sign-in at a time, and the token it returns is reused for the rest of the
 * command — or, when no sign-in is possible here, fails with exit code 4.
 */
/** What the credential needs from the session. */
export type CredentialHost = Pick<AuthSession, "app" | "tenant" | "account" | "authorityFor">;

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
    const result = await this.acquire(list, options.claims, options.abortSignal);
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

  async acquire(scopes: string[], claims: string | undefined, signal?: AbortSignal): Promise<AuthenticationResult> {
    const memoKey = this.key(scopes, claims);
    const memo = this.memo.get(memoKey);
    if (this.fresh(memo)) return memo;
    const account = await this.session.account();
    let needed: { claims: string | undefined } | undefined;
    if (!account) {
      needed = { claims };
    } else {
      try {
        const r = await this.session.app.acquireTokenSilent({
          account,
          scopes,
          authority: this.authority(),
          ...(claims ? { claims } : {}),
        });
        this.memo.set(memoKey, r);
        return r;
      } catch (e) {
        if (!(e instanceof InteractionRequiredAuthError) && !isNoTokensFound(e)) throw e;
        const serverClaims = e instanceof InteractionRequiredAuthError && e.claims ? e.claims : undefined;
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
          const r = await this.session.app.acquireTokenSilent({
            account: acct,
            scopes,
            authority: this.authority(),
            ...(claims ? { claims } : {}),
          });
          this.memo.set(memoKey, r);
          return r;
        } catch (e) {
          if (!(e instanceof InteractionRequiredAuthError) && !isNoTokensFound(e)) throw e;
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
    const acquire = this.session.app.acquireTokenInteractive({
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
    const r = await this.session.app.acquireTokenByDeviceCode({
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
