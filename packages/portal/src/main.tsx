import { createPimClient } from "@pimkit/core";
import { StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { App } from "./app/app";
import { BootstrapError, SignInScreen } from "./app/sign-in-screen";
import { createAuthService } from "./auth/auth-service";
import { ConfigError, loadRuntimeConfig } from "./config/runtime-config";
import { AppServicesProvider } from "./services/app-services";
import { PimService } from "./services/pim-service";
import { applyTheme, createSettingsService } from "./services/settings";
import { createPortalStore } from "./state/portal-state";
import "./styles/app.css";

/**
 * Start-up: settings (theme first, so nothing flashes), runtime configuration, sign-in state
 * (including the answer of a redirect), then either the sign-in screen or the app. An operation
 * interrupted by a step-up resumes once the roles are listed again.
 */
async function bootstrap(root: Root): Promise<void> {
  const settings = createSettingsService(safeStorage("local"), (s) => applyTheme(s.theme));
  let config: Awaited<ReturnType<typeof loadRuntimeConfig>>;
  try {
    config = await loadRuntimeConfig();
  } catch (e) {
    root.render(<BootstrapError message={e instanceof ConfigError ? e.message : "configuration error"} />);
    return;
  }
  const session = safeStorage("session");
  const auth = await createAuthService(config, session, window.location.origin);
  // Marks for the start-up benchmark: sign-in state known → eligible table drawn.
  performance.mark("pimkit:auth-ready");
  if (!auth.account()) {
    root.render(
      <StrictMode>
        <SignInScreen onSignIn={() => auth.signIn()} error={auth.redirectError} cloudName={config.cloud.name} />
      </StrictMode>,
    );
    return;
  }
  const store = createPortalStore();
  const client = createPimClient({
    cloud: config.cloud,
    credential: auth.credential,
    fetch: (input, init) => window.fetch(input, init),
    tenantId: auth.tenantId,
    userAgent: "pimkit-portal",
  });
  const pim = new PimService({
    client,
    store,
    session,
    tenantId: auth.tenantId,
    planes: () => settings.store.get().planes,
    onUserAction: () => auth.guard.reset(),
  });
  auth.setBeforeRedirect(() => pim.beforeRedirect());
  root.render(
    <StrictMode>
      <AppServicesProvider value={{ auth, pim, store, settings }}>
        <App />
      </AppServicesProvider>
    </StrictMode>,
  );
  await pim.refresh();
  await pim.resumePending(auth.returnedFromTokenRedirect ? auth.redirectError : null);
  if (auth.redirectError && !auth.returnedFromTokenRedirect) {
    pim.toast("error", `Sign-in did not complete: ${auth.redirectError.message}`);
  }
}

function safeStorage(kind: "local" | "session"): Storage {
  try {
    const s = kind === "local" ? window.localStorage : window.sessionStorage;
    const probe = "pimkit.probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    // Storage disabled: keep working for this page.
    const map = new Map<string, string>();
    return {
      get length() {
        return map.size;
      },
      clear: () => map.clear(),
      getItem: (k) => map.get(k) ?? null,
      key: (i) => [...map.keys()][i] ?? null,
      removeItem: (k) => {
        map.delete(k);
      },
      setItem: (k, v) => {
        map.set(k, v);
      },
    };
  }
}

const element = document.getElementById("root");
if (element) {
  const root = createRoot(element);
  bootstrap(root).catch((e: unknown) => {
    root.render(<BootstrapError message={e instanceof Error ? e.message : "unexpected error"} />);
  });
}
