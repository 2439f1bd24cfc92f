import { ActivationDialog } from "../features/activation/activation-dialog";
import { ActiveRolesView } from "../features/active-roles/active-roles-view";
import { ActivityView } from "../features/activity/activity-view";
import { ToastRegion } from "../features/activity/toast-region";
import { EligibleRolesView } from "../features/eligible-roles/eligible-roles-view";
import { ProfilesView } from "../features/profiles/profiles-view";
import { SettingsView } from "../features/settings/settings-view";
import { TenantSwitcher } from "../features/tenant/tenant-switcher";
import { useStore } from "../lib/store";
import { useServices } from "../services/app-services";
import { activeRoles, eligibleRoles, type ViewName } from "../state/portal-state";
import { ProblemsBanner } from "./problems-banner";

const views: { name: ViewName; label: string }[] = [
  { name: "eligible", label: "Eligible roles" },
  { name: "active", label: "Active" },
  { name: "activity", label: "Activity" },
  { name: "profiles", label: "Profiles" },
  { name: "settings", label: "Settings" },
];

/** The signed-in shell: header, sections, the current view, the activation form and the toasts. */
export function App() {
  const { store, auth, pim } = useServices();
  const view = useStore(store, (s) => s.view);
  const loading = useStore(store, (s) => s.loading);
  const activationOpen = useStore(store, (s) => s.activationOpen);
  const eligibleCount = useStore(store, (s) => eligibleRoles(s).length);
  const activeCount = useStore(store, (s) => activeRoles(s).length + s.pendingRequests.length);
  const busy = useStore(store, (s) => s.busy);
  const firstLoadMs = useStore(store, (s) => s.firstLoadMs);
  const account = auth.account();
  const counts: Partial<Record<ViewName, number>> = { eligible: eligibleCount, active: activeCount };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          <span className="brand-name">pimkit</span>
        </div>
        <TenantSwitcher />
        <div className="spacer" />
        <button
          type="button"
          className="secondary"
          onClick={() => void pim.refresh({ policies: "fresh" })}
          disabled={loading}
          aria-busy={loading}
        >
          {loading ? "Refreshing…" : "Refresh"}
        </button>
        <span className="account" title={account?.username ?? ""}>
          {account?.name ?? account?.username ?? ""}
        </span>
        <button type="button" className="secondary" onClick={() => void auth.signOut()}>
          Sign out
        </button>
      </header>
      <nav className="sections" aria-label="Sections">
        <ul>
          {views.map((v) => (
            <li key={v.name}>
              <button
                type="button"
                aria-current={view === v.name ? "page" : undefined}
                data-view={v.name}
                onClick={() => store.set((s) => ({ ...s, view: v.name }))}
              >
                {v.label}
                {counts[v.name] !== undefined ? <span className="count">{counts[v.name]}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1} aria-busy={busy !== null || undefined}>
        <ProblemsBanner />
        {view === "eligible" ? <EligibleRolesView /> : null}
        {view === "active" ? <ActiveRolesView /> : null}
        {view === "activity" ? <ActivityView /> : null}
        {view === "profiles" ? <ProfilesView /> : null}
        {view === "settings" ? <SettingsView /> : null}
      </main>
      <footer className="app-footer">
        <span>
          pimkit portal · tenant <code>{auth.tenantId}</code>
        </span>
        {firstLoadMs !== null ? <span data-first-load-ms={firstLoadMs}>Roles read in {firstLoadMs} ms</span> : null}
        {busy ? <span className="busy">Working: {busy}…</span> : null}
      </footer>
      {activationOpen ? <ActivationDialog /> : null}
      <ToastRegion />
    </>
  );
}
