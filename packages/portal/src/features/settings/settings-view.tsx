import type { RoleKind } from "@pimkit/core";
import { kindLabels } from "../../lib/format";
import { useStore } from "../../lib/store";
import { useServices } from "../../services/app-services";
import { allKinds, type ThemeName, themeNames } from "../../services/settings";

const themeLabels: Record<ThemeName, string> = {
  system: "Same as the system",
  light: "Light",
  dark: "Dark",
  "high-contrast": "High contrast",
};

/** Preferences: theme, default duration, planes shown (and read), wait until effective. */
export function SettingsView() {
  const { settings, pim } = useServices();
  const s = useStore(settings.store, (x) => x);
  const togglePlane = (k: RoleKind, on: boolean) => {
    const planes = on ? allKinds.filter((x) => x === k || s.planes.includes(x)) : s.planes.filter((x) => x !== k);
    if (planes.length === 0) return;
    settings.update({ planes });
    void pim.refresh();
  };
  return (
    <section aria-labelledby="settings-title" className="view">
      <div className="view-head">
        <h2 id="settings-title">Settings</h2>
        <p className="muted">Kept in this browser (localStorage).</p>
      </div>
      <div className="settings-grid">
        <fieldset className="card field-group">
          <legend>Theme</legend>
          {themeNames.map((t) => (
            <label key={t} className="check">
              <input
                type="radio"
                name="theme"
                value={t}
                checked={s.theme === t}
                onChange={() => settings.update({ theme: t })}
              />
              <span>{themeLabels[t]}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="card field-group">
          <legend>Activation</legend>
          <label className="field">
            <span>Default duration</span>
            <select value={s.defaultDuration} onChange={(e) => settings.update({ defaultDuration: e.target.value })}>
              <option value="">Each role's maximum</option>
              <option value="PT30M">30 minutes</option>
              <option value="PT1H">1 hour</option>
              <option value="PT2H">2 hours</option>
              <option value="PT4H">4 hours</option>
              <option value="PT8H">8 hours</option>
            </select>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={s.waitUntilEffective}
              onChange={(e) => settings.update({ waitUntilEffective: e.target.checked })}
            />
            <span>Wait until activations are effective (default)</span>
          </label>
        </fieldset>
        <fieldset className="card field-group">
          <legend>Planes shown</legend>
          {allKinds.map((k) => (
            <label key={k} className="check">
              <input
                type="checkbox"
                checked={s.planes.includes(k)}
                disabled={s.planes.length === 1 && s.planes.includes(k)}
                onChange={(e) => togglePlane(k, e.target.checked)}
              />
              <span>{kindLabels[k]}s</span>
            </label>
          ))}
          <p className="hint">A plane that is not shown is not read either (no token is asked for it).</p>
        </fieldset>
      </div>
    </section>
  );
}
