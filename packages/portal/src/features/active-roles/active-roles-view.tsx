import type { PimRequest, PimRole } from "@pimkit/core";
import { useState } from "react";
import { formatCountdown, formatDateTime, humanDuration, type Urgency, urgencyOf } from "../../lib/format";
import { useStore } from "../../lib/store";
import { useNow } from "../../lib/use-now";
import { useServices } from "../../services/app-services";
import { activeRoles } from "../../state/portal-state";
import { Dialog } from "../../ui/dialog";
import { KindBadge, RoleName, roleLabel, ScopeText } from "../../ui/role-labels";

/** Active roles with a live countdown, and the user's pending requests (cancel). */
export function ActiveRolesView() {
  const { store, pim, settings } = useServices();
  const planes = useStore(settings.store, (s) => s.planes);
  const roles = useStore(store, activeRoles).filter((r) => planes.includes(r.kind));
  const pending = useStore(store, (s) => s.pendingRequests).filter((r) => planes.includes(r.kind));
  const selected = useStore(store, (s) => s.selectedActive);
  const busy = useStore(store, (s) => s.busy);
  const loading = useStore(store, (s) => s.loading);
  const now = useNow(1000);
  const [confirming, setConfirming] = useState(false);

  const sorted = [...roles].sort((a, b) => endOf(a) - endOf(b) || a.name.localeCompare(b.name));
  const selectedSet = new Set(selected);
  const activated = sorted.filter(isDeactivatable);
  const setSelected = (ids: string[]) => store.set((s) => ({ ...s, selectedActive: ids }));
  const toggle = (id: string, on: boolean) =>
    setSelected(on ? [...new Set([...selected, id])] : selected.filter((x) => x !== id));
  const chosen = sorted.filter((r) => selectedSet.has(r.id));

  return (
    <section aria-labelledby="active-title" className="view">
      <div className="view-head">
        <h2 id="active-title">Active roles</h2>
        <p className="muted">
          {sorted.length} active · {pending.filter((r) => r.pendingReason !== "scheduled").length} pending ·{" "}
          {pending.filter((r) => r.pendingReason === "scheduled").length} scheduled
        </p>
      </div>
      <div className="toolbar">
        <button
          type="button"
          className="secondary"
          disabled={activated.length === 0}
          onClick={() => setSelected(activated.map((r) => r.id))}
        >
          Select activated only
        </button>
        {selected.length > 0 ? (
          <button type="button" className="secondary" onClick={() => setSelected([])}>
            Clear selection
          </button>
        ) : null}
        <div className="spacer" />
        <button
          type="button"
          className="danger"
          disabled={chosen.length === 0 || busy !== null}
          onClick={() => setConfirming(true)}
        >
          Deactivate selected ({chosen.length})
        </button>
      </div>
      {sorted.length === 0 ? (
        <p className="empty">{loading ? "Loading active roles…" : "No role is active."}</p>
      ) : (
        <div className="table-wrap">
          <table className="roles-table" data-table="active">
            <caption className="visually-hidden">Active roles and the time left</caption>
            <thead>
              <tr>
                <th scope="col" className="col-select">
                  <span className="visually-hidden">Select</span>
                </th>
                <th scope="col">Role</th>
                <th scope="col">Scope</th>
                <th scope="col">Assignment</th>
                <th scope="col">Time left</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <ActiveRow key={r.id} role={r} now={now} selected={selectedSet.has(r.id)} onToggle={toggle} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3 id="pending-title">Pending and scheduled requests</h3>
      {pending.length === 0 ? (
        <p className="empty">No request is waiting for approval or scheduled to start.</p>
      ) : (
        <div className="table-wrap">
          <table className="roles-table" data-table="pending" aria-labelledby="pending-title">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Scope</th>
                <th scope="col">Status</th>
                <th scope="col">Requested</th>
                <th scope="col">Duration</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pending.map((r) => (
                <PendingRow
                  key={`${r.kind}:${r.requestId}`}
                  request={r}
                  disabled={busy !== null}
                  onCancel={() => pim.cancel([r.requestId])}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {confirming ? (
        <Dialog title={`Deactivate ${chosen.length} role(s)?`} onClose={() => setConfirming(false)}>
          <ul className="plain-list">
            {chosen.map((r) => (
              <li key={r.id}>{roleLabel(r)}</li>
            ))}
          </ul>
          <div className="dialog-actions">
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Keep them
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setConfirming(false);
                void pim.deactivate(chosen);
              }}
            >
              Deactivate
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}

function endOf(r: PimRole): number {
  const end = r.assignment?.end ?? r.activeUntil;
  return end ? Date.parse(end) : Number.POSITIVE_INFINITY;
}

function isDeactivatable(r: PimRole): boolean {
  return r.assignment?.assignmentType === "activated";
}

const urgencyText: Record<Urgency, string> = {
  none: "",
  ok: "",
  soon: "Expires soon",
  critical: "Expiring",
  expired: "Expired",
};

function ActiveRow({
  role,
  now,
  selected,
  onToggle,
}: {
  role: PimRole;
  now: number;
  selected: boolean;
  onToggle: (id: string, on: boolean) => void;
}) {
  const end = role.assignment?.end ?? role.activeUntil;
  const permanent = role.assignment?.assignmentType === "permanent";
  const urgency = permanent ? "none" : urgencyOf(end, now);
  const left = end ? Date.parse(end) - now : null;
  return (
    <tr
      data-role-id={role.id}
      data-assignment={permanent ? "permanent" : "activated"}
      className={selected ? "selected" : undefined}
    >
      <td className="col-select">
        <input
          type="checkbox"
          aria-label={`Select ${roleLabel(role)}`}
          checked={selected}
          disabled={!isDeactivatable(role)}
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
      <td data-label="Assignment">
        <span className={`status status-${permanent ? "permanent" : "active"}`}>
          {permanent ? "Permanent" : "Activated"}
        </span>
      </td>
      <td data-label="Time left">
        {permanent || left === null ? (
          <span className="muted">No end</span>
        ) : (
          <span className={`countdown urgency-${urgency}`} data-urgency={urgency}>
            <time dateTime={end ?? undefined}>{formatCountdown(left)}</time>
            {urgencyText[urgency] ? <span className="urgency-label">{urgencyText[urgency]}</span> : null}
            <span className="muted small">until {formatDateTime(end)}</span>
          </span>
        )}
      </td>
    </tr>
  );
}

function PendingRow({ request, disabled, onCancel }: { request: PimRequest; disabled: boolean; onCancel: () => void }) {
  return (
    <tr
      data-request-id={request.requestId}
      data-role-id={request.roleId}
      data-pending-reason={request.pendingReason ?? undefined}
    >
      <th scope="row" data-label="Role">
        <span className="role-name">
          <span className="role-title">{request.name}</span>
          {request.accessId ? (
            <span className="access">{request.accessId === "owner" ? "Owner" : "Member"}</span>
          ) : null}
        </span>
        <KindBadge kind={request.kind} />
      </th>
      <td data-label="Scope">
        <ScopeText scope={request.scope} />
      </td>
      <td data-label="Status">
        {request.pendingReason === "scheduled" ? (
          <span className="status status-scheduled">
            Scheduled
            <span className="muted small"> · starts {formatDateTime(request.start)}</span>
          </span>
        ) : (
          <span className="status status-pending">
            {request.pendingReason === "approval" ? "Awaiting approval" : request.status}
          </span>
        )}
      </td>
      <td data-label="Requested">{formatDateTime(request.createdAt)}</td>
      <td data-label="Duration">{humanDuration(request.duration)}</td>
      <td>
        <button
          type="button"
          className="secondary"
          disabled={disabled}
          onClick={onCancel}
          aria-label={`Cancel the request for ${request.name}`}
        >
          Cancel request
        </button>
      </td>
    </tr>
  );
}
