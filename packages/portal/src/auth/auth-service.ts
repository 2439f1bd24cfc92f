import {
  type AccountInfo,
  AuthError,
  type AuthenticationResult,
  type IPublicClientApplication,
  PublicClientApplication,
} from "@azure/msal-browser";
import type { PortalRuntimeConfig } from "@pimkit/contracts";
import type { ErrorInfo } from "@pimkit/core";
import { isRecord, type KeyValueStorage, readJson } from "../lib/storage";
import { BrowserCredential, type RedirectIntent } from "./browser-credential";
import { createInteractionGuard, type InteractionGuard } from "./interaction-guard";
import { authorityFor, msalConfiguration, signInRequestScopes } from "./msal-config";

/**
 * Sign-in for the portal: MSAL Browser with the redirect flow. Which tenant is in use (home or a
 * guest tenant picked in the switcher) is kept for the tab in sessionStorage; every token is
 * requested from that tenant's authority.
 */
const tenantKey = "pimkit.tenant";
const redirectKey = "pimkit.redirect";

interface RedirectRecord {
  state: string;
  kind: "sign-in" | "token";
  scopes: string[];
  claims?: string;
  tenant: string;
  /** Tenant in use before a switch: restored when the switch's sign-in fails. */
  previousTenant?: string;
}

export interface TenantOption {
  id: string;
  displayName: string;
}

export interface AuthService {
  readonly config: PortalRuntimeConfig;
  readonly credential: BrowserCredential;
  readonly guard: InteractionGuard;
  /** Tenant whose tokens are used (an id once signed in; the configured value before). */
  readonly tenantId: string;
  account(): AccountInfo | null;
  /** Tenants offered by the switcher: home, configured guests, and any signed into in this tab. */
  tenants(): TenantOption[];
  /** The redirect that brought the page back ended in an error (shown, and an interrupted operation is dropped). */
  readonly redirectError: ErrorInfo | null;
  /** The page came back from a step-up (a token redirect), so an operation may be waiting to resume. */
  readonly returnedFromTokenRedirect: boolean;
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  switchTenant(tenant: string): Promise<void>;
  /** The app saves the operation in flight here before any redirect. */
  setBeforeRedirect(hook: () => void): void;
}

export async function createAuthService(
  config: PortalRuntimeConfig,
  session: KeyValueStorage,
  origin: string,
  pcaFactory: (c: ReturnType<typeof msalConfiguration>) => IPublicClientApplication = (c) =>
    new PublicClientApplication(c),
): Promise<AuthService> {
  const pca = pcaFactory(msalConfiguration({ ...config, origin }));
  await pca.initialize();

  let result: AuthenticationResult | null = null;
  let redirectError: ErrorInfo | null = null;
  try {
    result = await pca.handleRedirectPromise();
  } catch (e) {
    redirectError = describeAuthError(e);
  }
  const record = parseRecord(readJson(session, redirectKey));
  session.removeItem(redirectKey);

  if (redirectError && record?.previousTenant) session.setItem(tenantKey, record.previousTenant);
  let tenantId = session.getItem(tenantKey) ?? config.tenant;
  if (result?.account) {
    pca.setActiveAccount(result.account);
    tenantId = result.tenantId || result.account.tenantId || tenantId;
    session.setItem(tenantKey, tenantId);
  }

  const accountFor = (): AccountInfo | null => {
    const active = pca.getActiveAccount();
    const inTenant = pca.getAllAccounts().filter((a) => a.tenantId.toLowerCase() === tenantId.toLowerCase());
    if (active && active.tenantId.toLowerCase() === tenantId.toLowerCase()) return active;
    return inTenant[0] ?? (config.tenant === tenantId ? (active ?? pca.getAllAccounts()[0] ?? null) : null);
  };
  const initialAccount = accountFor();
  if (initialAccount && !pca.getActiveAccount()) pca.setActiveAccount(initialAccount);
  if (initialAccount && !session.getItem(tenantKey)) {
    tenantId = initialAccount.tenantId || tenantId;
    session.setItem(tenantKey, tenantId);
  }

  const guard = createInteractionGuard(session);
  let beforeRedirectHook: (() => void) | undefined;
  const credential = new BrowserCredential({
    pca,
    account: accountFor,
    authority: () => authorityFor(config.cloud, tenantId),
    guard,
    beforeRedirect: (intent: RedirectIntent, state: string) => {
      saveRecord(session, {
        state,
        kind: "token",
        scopes: intent.scopes,
        ...(intent.claims ? { claims: intent.claims } : {}),
        tenant: tenantId,
      });
      beforeRedirectHook?.();
    },
  });
  if (result && record && record.kind === "token" && record.state === result.state) {
    credential.seed({ scopes: record.scopes, claims: record.claims }, result);
  }
  const service: AuthService = {
    config,
    guard,
    get tenantId() {
      return tenantId;
    },
    credential,
    account: accountFor,
    redirectError,
    returnedFromTokenRedirect: record?.kind === "token" && (result !== null || redirectError !== null),
    setBeforeRedirect(hook) {
      beforeRedirectHook = hook;
    },
    tenants() {
      // Configured tenants first, in their order (the deployment names them), then any other
      // tenant this tab has signed in to.
      const out = new Map<string, TenantOption>();
      for (const t of config.tenants ?? []) out.set(t.id.toLowerCase(), { id: t.id, displayName: t.displayName });
      const home = pca.getActiveAccount() ?? pca.getAllAccounts()[0];
      const homeTenant = home?.homeAccountId.split(".")[1];
      if (homeTenant && !out.has(homeTenant.toLowerCase()))
        out.set(homeTenant.toLowerCase(), { id: homeTenant, displayName: "Home tenant" });
      for (const a of pca.getAllAccounts()) {
        for (const p of a.tenantProfiles?.values() ?? []) {
          if (!out.has(p.tenantId.toLowerCase()))
            out.set(p.tenantId.toLowerCase(), { id: p.tenantId, displayName: p.tenantId });
        }
      }
      if (!out.has(tenantId.toLowerCase())) out.set(tenantId.toLowerCase(), { id: tenantId, displayName: tenantId });
      return [...out.values()];
    },
    async signIn() {
      guard.reset();
      const scopes = signInRequestScopes(config.cloud);
      const state = crypto.randomUUID();
      saveRecord(session, { state, kind: "sign-in", scopes, tenant: tenantId });
      await pca.loginRedirect({
        scopes,
        state,
        authority: authorityFor(config.cloud, tenantId),
        prompt: "select_account",
      });
    },
    async signOut() {
      const account = pca.getActiveAccount() ?? accountFor();
      session.removeItem(tenantKey);
      await pca.logoutRedirect(account ? { account } : {});
    },
    async switchTenant(tenant) {
      guard.reset();
      const account = pca.getActiveAccount() ?? accountFor();
      const scopes = signInRequestScopes(config.cloud);
      const state = crypto.randomUUID();
      saveRecord(session, { state, kind: "sign-in", scopes, tenant, previousTenant: tenantId });
      session.setItem(tenantKey, tenant);
      await pca.loginRedirect({
        scopes,
        state,
        authority: authorityFor(config.cloud, tenant),
        ...(account?.username ? { loginHint: account.username } : {}),
      });
    },
  };

  return service;
}

function saveRecord(session: KeyValueStorage, r: RedirectRecord): void {
  session.setItem(redirectKey, JSON.stringify(r));
}

function parseRecord(v: unknown): RedirectRecord | undefined {
  if (!isRecord(v) || typeof v.state !== "string" || typeof v.tenant !== "string" || !Array.isArray(v.scopes))
    return undefined;
  const kind = v.kind === "token" ? "token" : "sign-in";
  return {
    state: v.state,
    kind,
    scopes: v.scopes.filter((s): s is string => typeof s === "string"),
    ...(typeof v.claims === "string" ? { claims: v.claims } : {}),
    tenant: v.tenant,
    ...(typeof v.previousTenant === "string" ? { previousTenant: v.previousTenant } : {}),
  };
}

/** MSAL errors for people: the code plus Entra's description (which never holds a token). */
export function describeAuthError(e: unknown): ErrorInfo {
  if (e instanceof AuthError) {
    const description = e.errorMessage?.split(/\r?\n/)[0]?.slice(0, 300) ?? "";
    return {
      code: e.errorCode || "sign_in_failed",
      message: description || "The sign-in did not complete.",
    };
  }
  return { code: "sign_in_failed", message: e instanceof Error ? e.message : "The sign-in did not complete." };
}
