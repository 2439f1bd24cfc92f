import { randomUUID } from "node:crypto";
import { type Cloud, portalRuntimeConfig, portalSecurityHeaders } from "@pimkit/contracts";
import { type AdminHost, createAdmin, type EmulatorAdmin, type RuntimeSettings } from "./admin/api";
import { createAdminSurface } from "./admin/surface";
import { createArmSurface } from "./arm/surface";
import { generateCertificates } from "./certs";
import { type Clock, createClock } from "./clock";
import type { EmulatorContext } from "./context";
import { createEntra, type Entra, type IssueAccessTokenOptions } from "./entra/index";
import { createGraphSurface } from "./graph/surface";
import { createDispatcher, type Dispatch } from "./http/dispatch";
import { createFaultInjector } from "./http/fault-injector";
import type { FaultSpec } from "./http/faults";
import { createInProcessFetch, type FetchLike } from "./http/in-process-fetch";
import { createRequestLog } from "./http/request-log";
import { type HttpsTransport, startHttpsTransport } from "./http/server";
import { createStaticFiles } from "./http/static-files";
import { loadScenario } from "./scenario/load";
import type { TenantState } from "./state/api";
import type { EmulatorSettings } from "./state/model";
import { createTenantState } from "./state/store";

export interface EmulatorOptions {
  /** `demo` (default), `enterprise`, a path to a .json/.yaml scenario, or a scenario object. */
  scenario?: string | object;
  /** Added before every answer of the sign-in, Graph and ARM surfaces. Default 0. */
  latencyMs?: number;
  /** Faults active from the start (more can be added through `admin`). */
  faults?: FaultSpec[];
  /** The tenant's clock; a real-time clock when absent. */
  clock?: Clock;
  /** Complete every sign-in at once as this user (tests, headless demos). */
  autoSignIn?: string;
  /** Seconds between an accepted activation and its instance appearing. */
  provisioningDelaySeconds?: number;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to bind; 127.0.0.1 by default, because the emulator issues tokens. */
  host?: string;
  settings?: Partial<EmulatorSettings>;
  /** Serve this folder (the built portal) at `/`. */
  portalDir?: string;
  /** Start the HTTPS server (default true). Without it only `fetch` serves requests. */
  listen?: boolean;
  /** Seed of the fault injector's PRNG (probability faults), for reproducible runs. */
  faultSeed?: number;
}

export interface EmulatorUser {
  upn: string;
  oid: string;
}

export interface Emulator {
  /** `https://127.0.0.1:<port>`: the base of every URL the emulator emits (no trailing slash). */
  readonly url: string;
  /** A cloud definition pointing every endpoint at this emulator (resources stay the real identifiers). */
  readonly cloud: Cloud;
  readonly tenantId: string;
  /** The CA that signed the server certificate; trust it for this emulator only. */
  readonly caCertPem: string;
  /** WHATWG fetch served in-process (no socket), through the same dispatch as the server. */
  readonly fetch: FetchLike;
  readonly admin: EmulatorAdmin;
  /** Scenario users in scenario order. */
  readonly users: EmulatorUser[];
  /** Mints an access token directly, for tests of the resource surfaces (never reachable over HTTP). */
  issueAccessToken(options: IssueAccessTokenOptions): Promise<string>;
  /** Stops the server and ends requests still hanging. */
  close(): Promise<void>;
}

function reportError(error: unknown, where: string): void {
  // Only our own bugs reach this; request bodies are not printed (they may hold secrets).
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`pimkit-emulator: internal error in ${where}: ${detail}\n`);
}

function publicHost(host: string): string {
  if (host === "localhost") return "localhost";
  if (host === "::1") return "[::1]";
  // Any other bind address is still reached from this machine through 127.0.0.1, which the
  // certificate names.
  return "127.0.0.1";
}

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = options.clock ?? createClock();
  const log = createRequestLog({ clock });
  const faults = createFaultInjector(options.faultSeed !== undefined ? { seed: options.faultSeed } : {});
  for (const spec of options.faults ?? []) faults.add(spec);

  const initialSettings: Partial<EmulatorSettings> = {
    ...(options.settings ?? {}),
    ...(options.provisioningDelaySeconds !== undefined
      ? { provisioningDelaySeconds: options.provisioningDelaySeconds }
      : {}),
  };
  const initialLatency = options.latencyMs ?? 0;
  const initialAutoSignIn = options.autoSignIn;
  let settingsOverrides: Partial<EmulatorSettings> = { ...initialSettings };
  let latencyMs = initialLatency;

  let scenarioSource: string | object = options.scenario ?? "demo";
  // A bad scenario fails here, before any port is opened.
  let state: TenantState = createTenantState(loadScenario(scenarioSource), clock, settingsOverrides);

  const certs = await generateCertificates();
  const closing = new AbortController();
  let dispatch: Dispatch | undefined;
  let transport: HttpsTransport | undefined;
  let publicBase: string;
  const host = options.host ?? "127.0.0.1";
  if (options.listen ?? true) {
    transport = await startHttpsTransport({
      host,
      port: options.port ?? 0,
      keyPem: certs.leafKeyPem,
      certPem: certs.leafCertPem,
      dispatch: () => dispatch,
      publicBase: () => publicBase,
      reportError,
    });
    publicBase = `https://${publicHost(host)}:${transport.port}`;
  } else {
    // Nothing listens; the in-process fetch still needs an origin to serve.
    publicBase = new URL(`https://${publicHost(host)}:${options.port || 443}`).origin;
  }

  let entra: Entra | undefined;
  const ctx: EmulatorContext = {
    get publicBase() {
      return publicBase;
    },
    get state() {
      return state;
    },
    clock,
    get tokens() {
      if (!entra) throw new Error("the sign-in surface is not ready");
      return entra.verifier;
    },
    faults,
    log,
    newId: () => randomUUID(),
  };

  try {
    entra = await createEntra(() => ctx, options.autoSignIn !== undefined ? { autoSignIn: options.autoSignIn } : {});
  } catch (error) {
    await transport?.close();
    throw error;
  }
  const signIn = entra;

  const applySettings = (target: TenantState, update: Partial<EmulatorSettings>) => {
    if (Object.keys(update).length === 0) return;
    const live = target.settings as EmulatorSettings;
    Object.assign(live, update);
    for (const [key, value] of Object.entries(update)) {
      if (live[key as keyof EmulatorSettings] !== value) {
        throw new Error(`the tenant state did not take the setting ${key}`);
      }
    }
  };

  const adminHost: AdminHost = {
    state: () => state,
    loadScenario(source) {
      const next = source ?? scenarioSource;
      state = createTenantState(loadScenario(next), clock, settingsOverrides);
      scenarioSource = next;
    },
    log,
    faults,
    clock,
    settings: () => runtimeSettings(),
    updateSettings(update) {
      const { latencyMs: latency, autoSignIn, ...rest } = update;
      // Checked before anything changes, so a bad update leaves every setting as it was.
      if (typeof autoSignIn === "string" && !state.userByUpn(autoSignIn)) {
        throw new RangeError(`autoSignIn: no user ${autoSignIn} in the tenant`);
      }
      const tenantUpdate = Object.fromEntries(
        Object.entries(rest).filter(([, v]) => v !== undefined),
      ) as Partial<EmulatorSettings>;
      applySettings(state, tenantUpdate);
      settingsOverrides = { ...settingsOverrides, ...tenantUpdate };
      if (latency !== undefined) latencyMs = latency;
      if (autoSignIn !== undefined) signIn.setAutoSignIn(autoSignIn ?? undefined);
      return runtimeSettings();
    },
    restoreSettings() {
      settingsOverrides = { ...initialSettings };
      latencyMs = initialLatency;
      signIn.setAutoSignIn(initialAutoSignIn);
    },
    resetSignIn() {
      signIn.reset();
    },
  };
  function runtimeSettings(): RuntimeSettings {
    return { ...state.settings, latencyMs, autoSignIn: signIn.autoSignIn() ?? null };
  }
  const admin = createAdmin(adminHost);

  dispatch = createDispatcher({
    clock,
    log,
    faults,
    latencyMs: () => latencyMs,
    admin: createAdminSurface(admin),
    graph: createGraphSurface(ctx),
    arm: createArmSurface(ctx),
    entra: signIn.surface,
    portal: options.portalDir
      ? createStaticFiles(options.portalDir, {
          headers: () => portalSecurityHeaders(emulatorCloud()),
          generated: { "/config.json": () => portalConfigFile() },
        })
      : undefined,
    verifier: () => signIn.verifier,
    reportError,
  });
  const ready = dispatch;

  function emulatorCloud(): Cloud {
    return {
      name: "pimkit-local",
      authorityHost: publicBase,
      graphEndpoint: `${publicBase}/graph`,
      armEndpoint: `${publicBase}/arm`,
      graphResource: "https://graph.microsoft.com",
      armResource: "https://management.azure.com",
      caCertPem: certs.caCertPem,
      tenantId: state.tenant.id,
      portalUrl: `${publicBase}/`,
    };
  }

  // The portal served here signs in to this tenant with the scenario's SPA registration.
  function portalConfigFile(): { contentType: string; body: string } {
    const spa = state.apps.find((a) => a.spa && a.redirectUris.includes("/")) ?? state.apps.find((a) => a.spa);
    const config = portalRuntimeConfig({
      clientId: spa?.clientId ?? "",
      tenant: state.tenant.id,
      cloud: emulatorCloud(),
      tenants: [state.tenant, ...state.guestTenants].map((t) => ({ id: t.id, displayName: t.displayName })),
    });
    return { contentType: "application/json; charset=utf-8", body: JSON.stringify(config) };
  }

  const fetch = createInProcessFetch({
    publicBase: () => publicBase,
    dispatch: () => ready,
    closing: closing.signal,
  });

  let closed: Promise<void> | undefined;
  return {
    get url() {
      return publicBase;
    },
    get cloud(): Cloud {
      return emulatorCloud();
    },
    get tenantId() {
      return state.tenant.id;
    },
    caCertPem: certs.caCertPem,
    fetch,
    admin,
    get users() {
      return state.users.map((u) => ({ upn: u.upn, oid: u.oid }));
    },
    issueAccessToken: (tokenOptions) => signIn.issueAccessToken(tokenOptions),
    close() {
      closed ??= (async () => {
        closing.abort();
        await transport?.close();
      })();
      return closed;
    },
  };
}
