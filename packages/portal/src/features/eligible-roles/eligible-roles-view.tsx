import type { PimRole, RoleKind } from "@pimkit/core";
import { useEffect, useMemo } from "react";
import { formatDateTime, kindLabels } from "../../lib/format";
import { useStore } from "../../lib/store";
import { useServices } from "../../services/app-services";
import { eligibleRoles } from "../../state/portal-state";
import { KindBadge, RoleName, roleLabel, ScopeText } from "../../ui/role-labels";
import { PolicyMatrix } from "./policy-matrix";
import { filterRoles, sortRoles } from "./role-filter";

/** Eligible roles of the three planes in one table, with the policy matrix per row. */
export function EligibleRolesView() {
  const { store, settings } = useServices();
  const roles = useStore(store, eligibleRoles);
  const search = useStore(store, (s) => s.search);
  const kindFilter = useStore(store, (s) => s.kindFilter);
  const selected = useStore(store, (s) => s.selectedEligible);
  const loading = useStore(store, (s) => s.loading);
  const loadedAt = useStore(store, (s) => s.loadedAt);
  const busy = useStore(store, (s) => s.busy);
  const planes = useStore(settings.store, (s) => s.planes);

  const shown = useMemo(
    () => sortRoles(filterRoles(roles, search, kindFilter).filter((r) => planes.includes(r.kind))),
    [roles, search, kindFilter, planes],
  );
  useEffect(() => {
    if (shown.length > 0 && performance.getEntriesByName("pimkit:eligible-drawn").length === 0) {
      performance.mark("pimkit:eligible-drawn");
    }
  }, [shown.length]);
  const selectedSet = new Set(selected);
  const shownSelectable = shown.filter(selectable);
  const allShownSelected = shownSelectable.length > 0 && shownSelectable.every((r) => selectedSet.has(r.id));

  const setSelected = (ids: string[]) => store.set((s) => ({ ...s, selectedEligible: ids }));
  const toggle = (id: string, on: boolean) =>
    setSelected(on ? [...new Set([...selected, id])] : selected.filter((x) => x !== id));
  const toggleAllShown = (on: boolean) => {
    const ids = new Set(shownSelectable.map((r) => r.id));
    setSelected(on ? [...new Set([...selected, ...ids])] : selected.filter((x) => !ids.has(x)));
  };

  return (
    <section aria-labelledby="eligible-title" className="view">
      <div className="view-head">
        <h2 id="eligible-title">Eligible roles</h2>
        <p className="muted">{loadedAt === null && loading ? "Loading…" : `${roles.length} eligible`}</p>
      </div>
      <div className="toolbar">
        <label className="field inline">
          <span>Search</span>
          <input
            type="search"
            value={search}
            placeholder="Name, scope, c1, approval…"
            onChange={(e) => store.set((s) => ({ ...s, search: e.target.value }))}
          />
        </label>
        <label className="field inline">
          <span>Kind</span>
          <select
            value={kindFilter}
            onChange={(e) => store.set((s) => ({ ...s, kindFilter: e.target.value as RoleKind | "all" }))}
          >
            <option value="all">All kinds</option>
            {planes.map((k) => (
              <option key={k} value={k}>
                {kindLabels[k]}
              </option>
            ))}
          </select>
        </label>
        <div className="spacer" />
        {selected.length > 0 ? (
          <button type="button" className="secondary" onClick={() => setSelected([])}>
            Clear selection
          </button>
        ) : null}
        <button
          type="button"
          className="primary"
          disabled={selected.length === 0 || busy !== null}
          onClick={() => store.set((s) => ({ ...s, activationOpen: true }))}
        >
          Activate selected ({selected.length})
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="empty">{loading ? "Loading eligible roles…" : "No eligible role matches."}</p>
      ) : (
        <div className="table-wrap">
          <table className="roles-table" data-table="eligible">
            <caption className="visually-hidden">Eligible roles with the requirements of their policies</caption>
            <thead>
              <tr>
                <th scope="col" className="col-select">
                  <input
                    type="checkbox"
                    aria-label="Select every role shown"
                    checked={allShownSelected}
                    onChange={(e) => toggleAllShown(e.target.checked)}
                  />
                </th>
                <th scope="col">Role</th>
                <th scope="col">Scope</th>
                <th scope="col">Requirements</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <EligibleRow key={r.id} role={r} selected={selectedSet.has(r.id)} onToggle={toggle} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function selectable(r: PimRole): boolean {
  return r.pendingRequest === null;
}

function EligibleRow({
  role,
  selected,
  onToggle,
}: {
  role: PimRole;
  selected: boolean;
  onToggle: (id: string, on: boolean) => void;
}) {
  const status = statusOf(role);
  return (
    <tr data-role-id={role.id} data-kind={role.kind} className={selected ? "selected" : undefined}>
      <td className="col-select">
        <input
          type="checkbox"
          aria-label={`Select ${roleLabel(role)}`}
          checked={selected}
          disabled={!selectable(role)}
          onChange={(e) => onToggle(role.id, e.target.checked)}
        />
      </td>
      <th scope="row" data-label="Role">
        <RoleName role={role} />
        <KindBadge kind={role.kind} />
      </th>
      <td data-label="Scope">
        <ScopeText scope={role.scope} />
      </td>
      <td data-label="Requirements">
        <PolicyMatrix requirements={role.requirements} />
      </td>
      <td data-label="Status">
        <span className={`status status-${status.key}`}>{status.text}</span>
        {role.eligibility?.end ? (
          <span className="muted small">Eligible until {formatDateTime(role.eligibility.end)}</span>
        ) : null}
      </td>
    </tr>
  );
}

function statusOf(role: PimRole): { key: string; text: string } {
  if (role.pendingRequest) return { key: "pending", text: "Pending approval" };
  if (role.assignment?.assignmentType === "permanent") return { key: "permanent", text: "Permanently assigned" };
  if (role.assignment) return { key: "active", text: `Active until ${formatDateTime(role.assignment.end)}` };
  return { key: "eligible", text: "Eligible" };
}
