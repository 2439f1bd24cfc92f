import { randomUUID } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import type { AccountInfo, AuthenticationResult } from "@azure/msal-node";
import type { PimClient, TraceEvent } from "@pimkit/core";
import { createPimClient, redactUrl } from "@pimkit/core";
import type { AuthSession } from "../auth/session";
import { canSignIn, openAuth, signInHint } from "../auth/session";
import type { CommandContext, FlagSpecs } from "../framework/command";
import { SignInRequiredError } from "../framework/errors";
import { sanitizeText } from "../output/sanitize";
import type { Settings } from "../state/config";
import type { SessionInfo } from "../state/session";
import { version } from "../version";
import { FilePolicyCache } from "./policy-cache";
import { type EffectiveSettings, effectiveSettings } from "./settings";
import { openStores, type Stores } from "./state";

/** Everything a command learns before it talks to the network: stores, config, session, settings. */
export interface Runtime {
  stores: Stores;
  config: Settings;
  session: SessionInfo | null;
  settings: EffectiveSettings;
}

export async function loadRuntime(ctx: CommandContext<FlagSpecs>): Promise<Runtime> {
  const stores = openStores(ctx.io, ctx.deps);
  const config = (await stores.config.read()).settings;
  const session = (await stores.session.read()).current;
  const settings = effectiveSettings(ctx.globals, ctx.io, config, session);
  return { stores, config, session, settings };
}

function debugApi(ctx: CommandContext<FlagSpecs>): boolean {
  return (ctx.io.env.PIMKIT_DEBUG ?? "")
    .split(",")
    .map((s) => s.trim())
    .includes("api");
}

/** `PIMKIT_DEBUG=api` line: method, redacted URL, status, time and request ids; never headers or bodies. */
export function traceLine(
  e: Pick<TraceEvent, "method" | "url" | "status" | "durationMs"> & Partial<TraceEvent>,
): string {
  const ids = [
    e.requestId ? `client-request-id=${e.requestId}` : "",
    e.serviceRequestId ? `request-id=${e.serviceRequestId}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const attempt = e.attempt && e.attempt > 1 ? ` attempt=${e.attempt}` : "";
  const err = e.error ? ` error=${e.error}` : "";
  return sanitizeText(
    `api: ${e.method} ${e.url} -> ${e.status || "no response"} (${e.durationMs} ms)${attempt}${ids ? ` ${ids}` : ""}${err}`,
  );
}

export async function openAuthFor(ctx: CommandContext<FlagSpecs>, rt: Runtime): Promise<AuthSession> {
  const sameCloud =
    rt.session !== null && rt.session.cloud === (await normalisedCloudRef(ctx, rt.settings.cloud.value));
  const auth = await openAuth({
    io: ctx.io,
    deps: ctx.deps,
    settings: rt.settings,
    dir: rt.stores.dir,
    homeAccountId: sameCloud ? rt.session?.homeAccountId : undefined,
    ...(debugApi(ctx)
      ? {
          trace: (e) => ctx.io.stderr.write(`${traceLine({ ...e, url: redactUrl(e.url) })}\n`),
        }
      : {}),
  });
  if (sameCloud && rt.session && !rt.settings.tenant.value) auth.credential.tenantId = rt.session.tenantId;
  else if (rt.settings.tenant.value) auth.credential.tenantId = rt.settings.tenant.value;
  return auth;
}

async function normalisedCloudRef(ctx: CommandContext<FlagSpecs>, ref: string): Promise<string> {
  if (["public", "usgov", "china"].includes(ref)) return ref;
  return isAbsolute(ref) ? ref : resolve(ctx.io.cwd, ref);
}

/** Signs in (browser, or device code) and records the session. */
export async function signIn(
  ctx: CommandContext<FlagSpecs>,
  rt: Runtime,
  auth: AuthSession,
  options: { deviceCode: boolean },
): Promise<{ result: AuthenticationResult; session: SessionInfo }> {
  const result = options.deviceCode
    ? await auth.credential.deviceCode(auth.loginScopes)
    : await auth.credential.interactive(
        auth.loginScopes,
        undefined,
        undefined,
        ctx.io.signal,
        auth.authorityFor(auth.tenant),
      );
  const account = result.account;
  if (!account) throw new SignInRequiredError("The sign-in returned no account.");
  const session: SessionInfo = {
    cloud: auth.cloudRef,
    tenantId: account.tenantId || auth.tenant,
    homeTenantId: account.tenantId || auth.tenant,
    clientId: auth.clientId,
    homeAccountId: account.homeAccountId,
    username: account.username,
    tokenCache: auth.store.mode,
    signedInAt: ctx.deps.now().toISOString(),
  };
  await rt.stores.session.write({ current: session });
  rt.session = session;
  auth.credential.tenantId = session.tenantId;
  return { result, session };
}

export interface ClientHandle {
  auth: AuthSession;
  client: PimClient;
  account: AccountInfo;
  tenantId: string;
  /** Flushes caches and closes connections; call once when the command ends. */
  finish(): Promise<void>;
}

/** The core client for the current cloud, tenant and account; signs in first when possible. */
export async function openClient(ctx: CommandContext<FlagSpecs>, rt: Runtime): Promise<ClientHandle> {
  // Start reading the policy cache now, so the read overlaps the sign-in set-up.
  const cache = new FilePolicyCache(rt.stores.dir, () => ctx.deps.now().getTime());
  cache.preload();
  const auth = await openAuthFor(ctx, rt);
  let account = await auth.account();
  if (!account) {
    if (!canSignIn(ctx.io)) {
      auth.close();
      throw new SignInRequiredError("You are not signed in.", [signInHint]);
    }
    await signIn(ctx, rt, auth, { deviceCode: false });
    account = await auth.account();
    if (!account) throw new SignInRequiredError("The sign-in returned no account.", [signInHint]);
  }
  const tenantId = auth.credential.tenantId ?? account.tenantId;
  auth.credential.tenantId = tenantId;
  const client = createPimClient({
    cloud: auth.cloud,
    credential: auth.credential,
    fetch: auth.transport.fetch,
    cache,
    tenantId,
    userAgent: `pimkit/${version}`,
    // node:crypto is loaded already; the global Web Crypto would load another module.
    newGuid: randomUUID,
    ...(debugApi(ctx) ? { trace: (e: TraceEvent) => ctx.io.stderr.write(`${traceLine(e)}\n`) } : {}),
  });
  return {
    auth,
    client,
    account,
    tenantId,
    async finish() {
      try {
        await cache.flush();
      } finally {
        auth.close();
      }
    },
  };
}
