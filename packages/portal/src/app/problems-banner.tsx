import { kindLabels } from "../lib/format";
import { useStore } from "../lib/store";
import { useServices } from "../services/app-services";

/** What could not be read (a plane, policies, names): the rest of the screen is still good. */
export function ProblemsBanner() {
  const { store } = useServices();
  const problems = useStore(store, (s) => s.problems);
  const loadError = useStore(store, (s) => s.loadError);
  if (!loadError && problems.length === 0) return null;
  return (
    <div className="callout warn" role="alert">
      {loadError ? (
        <p data-error-code={loadError.code}>
          Roles could not be read: {loadError.message} <code>{loadError.code}</code>
        </p>
      ) : null}
      {problems.length > 0 ? (
        <ul className="plain-list">
          {problems.map((p) => (
            <li key={`${p.kind ?? "all"}-${p.area}-${p.code}`} data-error-code={p.code}>
              {p.kind ? kindLabels[p.kind] : "All planes"} · {p.area}: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
