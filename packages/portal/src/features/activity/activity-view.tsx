import type { ActivationOutcome, ActivationResult, EffectiveProgress } from "@pimkit/core";
import { formatDateTime, humanDuration, kindLabels } from "../../lib/format";
import { useStore } from "../../lib/store";
import { useServices } from "../../services/app-services";
import type { ActivityEntry, ActivityStatus } from "../../state/portal-state";

/** One entry per operation, newest first, with the outcome of every role and its details. */
export function ActivityView() {
  const { store } = useServices();
  const activity = useStore(store, (s) => s.activity);
  return (
    <section aria-labelledby="activity-title" className="view">
      <div className="view-head">
        <h2 id="activity-title">Activity</h2>
        <p className="muted">This tab's operations (kept until the tab closes).</p>
      </div>
      {activity.length === 0 ? (
        <p className="empty">Nothing yet: activations, deactivations and cancellations show up here.</p>
      ) : (
        <ol className="activity-list">
          {activity.map((a, i) => (
            <ActivityItem key={a.id} entry={a} open={i === 0} />
          ))}
        </ol>
      )}
    </section>
  );
}

const statusText: Record<ActivityStatus, string> = {
  running: "In progress",
  "step-up": "Waiting for sign-in",
  done: "Done",
  failed: "Failed",
};

const kindText = { activate: "Activate", deactivate: "Deactivate", cancel: "Cancel request" } as const;

function ActivityItem({ entry, open }: { entry: ActivityEntry; open: boolean }) {
  const count = entry.names.length;
  return (
    <li className="activity-item" data-activity-id={entry.id} data-status={entry.status} data-kind={entry.kind}>
      <details open={open}>
        <summary>
          <span className="activity-title">
            {kindText[entry.kind]} · {count} {count === 1 ? "role" : "roles"}
          </span>
          <span className={`status status-${entry.status}`}>{statusText[entry.status]}</span>
          <span className="muted small">{formatDateTime(entry.startedAt)}</span>
        </summary>
        <div className="activity-body">
          {entry.kind === "activate" ? (
            <p className="muted small">
              Duration: {entry.summary.duration ? humanDuration(entry.summary.duration) : "each role's maximum"} ·
              Start: {entry.summary.start ? formatDateTime(entry.summary.start) : "now"}
              {entry.summary.authContexts.length > 0 ? ` · Step-up: ${entry.summary.authContexts.join(", ")}` : ""}
            </p>
          ) : null}
          {entry.error ? (
            <p className="error" data-error-code={entry.error.code}>
              {entry.error.message} <code>{entry.error.code}</code>
            </p>
          ) : null}
          {entry.notes.length > 0 ? (
            <ul className="notes">
              {entry.notes.map((n, i) => (
                // Notes are append-only, so the index is a stable key.
                // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
                <li key={i}>{n}</li>
              ))}
            </ul>
          ) : null}
          {entry.activations.length > 0 ? (
            <ActivationResults results={entry.activations} effective={entry.effective} />
          ) : null}
          {entry.deactivations.length > 0 ? (
            <table className="results-table">
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {entry.deactivations.map((r) => (
                  <tr key={r.id} data-role-id={r.id} data-outcome={r.outcome}>
                    <th scope="row">{r.name}</th>
                    <td>
                      <span className={`outcome outcome-${r.outcome}`}>{r.outcome}</span>
                    </td>
                    <td>
                      {r.error ? `${r.error.message} (${r.error.code})` : r.requestId ? `Request ${r.requestId}` : ""}
                      {r.earliestDeactivation ? ` Earliest: ${formatDateTime(r.earliestDeactivation)}.` : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {entry.cancellations.length > 0 ? (
            <ul className="plain-list">
              {entry.cancellations.map((c) => (
                <li key={c.requestId} data-request-id={c.requestId} data-outcome={c.outcome}>
                  {kindLabels[c.kind]} request <code>{c.requestId}</code>: {c.outcome}
                  {c.error ? ` — ${c.error.message}` : ""}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </details>
    </li>
  );
}

const outcomeText: Record<ActivationOutcome, string> = {
  activated: "Activated",
  scheduled: "Scheduled",
  pending: "Pending approval",
  "already-active": "Already active",
  failed: "Failed",
  "would-activate": "Would activate",
};

function ActivationResults({
  results,
  effective,
}: {
  results: ActivationResult[];
  effective: Record<string, EffectiveProgress>;
}) {
  return (
    <table className="results-table">
      <thead>
        <tr>
          <th scope="col">Role</th>
          <th scope="col">Outcome</th>
          <th scope="col">Start</th>
          <th scope="col">Duration</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {results.map((r) => {
          const eff = effective[r.id];
          return (
            <tr
              key={r.id}
              data-role-id={r.id}
              data-outcome={r.outcome}
              data-name={`${r.name}${r.accessId ? ` (${r.accessId})` : ""}`}
            >
              <th scope="row">
                {r.name}
                {r.accessId ? ` (${r.accessId})` : ""}
                {r.kind === "azureRole" ? (
                  <span className="muted small result-scope">{r.scope.displayName}</span>
                ) : null}
              </th>
              <td>
                <span className={`outcome outcome-${r.outcome}`}>{outcomeText[r.outcome]}</span>
                {eff ? (
                  <span className={`effective effective-${eff.state}`} data-effective={eff.state}>
                    {eff.state === "effective" ? "Effective" : `Effective: ${eff.state} (${eff.attempts})`}
                  </span>
                ) : null}
              </td>
              <td>{r.start ? formatDateTime(r.start) : "Now"}</td>
              <td>{humanDuration(r.duration)}</td>
              <td>
                {r.error ? (
                  <span data-error-code={r.error.code}>
                    {r.error.message} <code>{r.error.code}</code>
                  </span>
                ) : null}
                {r.advice ? <span className="muted small"> {r.advice}</span> : null}
                {r.requestId ? <span className="muted small"> Request {r.requestId}</span> : null}
                {r.status ? <span className="muted small"> · {r.status}</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
