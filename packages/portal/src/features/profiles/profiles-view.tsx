import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { humanDuration } from "../../lib/format";
import { useStore } from "../../lib/store";
import { useServices } from "../../services/app-services";
import { rolesByIds } from "../../state/portal-state";
import { createProfileRepository, type ProfileRepository } from "./profile-db";
import {
  exportProfiles,
  maxProfileNameLength,
  mergeImported,
  normalizeProfileName,
  type Profile,
  ProfileFormatError,
  parseProfileExport,
} from "./profile-format";

/**
 * Profiles: save the current selection with the form's defaults, apply one (selects its roles and
 * opens the form prefilled), rename, delete, export to and import from a JSON file.
 */
export function ProfilesView({ repository }: { repository?: ProfileRepository }) {
  const { store, pim, settings } = useServices();
  const repo = useMemo(() => repository ?? createProfileRepository(), [repository]);
  const selectedIds = useStore(store, (s) => s.selectedEligible);
  const roles = useStore(store, (s) => s.roles);
  const selected = useStore(store, (s) => rolesByIds(s, selectedIds));
  const prefs = useStore(settings.store, (s) => s);
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [unreadable, setUnreadable] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [duration, setDuration] = useState(prefs.defaultDuration);
  const [keepJustification, setKeepJustification] = useState(false);
  const [justification, setJustification] = useState("");
  const [renaming, setRenaming] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const nameId = useId();

  const reload = useCallback(async () => {
    try {
      const r = await repo.list();
      setProfiles(r.profiles);
      setUnreadable(r.unreadable);
    } catch (e) {
      setError(e instanceof Error ? e.message : "Profiles could not be read.");
    }
  }, [repo]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const trimmed = normalizeProfileName(name);
  const nameTaken = profiles.some((p) => p.name.toLowerCase() === trimmed.toLowerCase());
  const canSave = trimmed.length > 0 && selected.length > 0 && !nameTaken;

  const save = async () => {
    if (!canSave) return;
    const now = new Date().toISOString();
    const ticketSystems: Record<string, string> = {};
    for (const r of selected) {
      const sys = prefs.ticketSystems[r.kind];
      if (r.requirements.ticket && sys) ticketSystems[r.id] = sys;
    }
    const profile: Profile = {
      id: crypto.randomUUID(),
      name: trimmed,
      roles: selected.map((r) => ({ id: r.id, name: r.name, kind: r.kind, scope: r.scope.displayName })),
      defaults: {
        ...(duration ? { duration } : {}),
        ...(keepJustification && justification.trim() ? { justification: justification.trim() } : {}),
        ...(Object.keys(ticketSystems).length > 0 ? { ticketSystems } : {}),
      },
      createdAt: now,
      updatedAt: now,
    };
    try {
      await repo.put(profile);
      setName("");
      setJustification("");
      pim.toast("success", `Profile "${profile.name}" saved with ${profile.roles.length} role(s).`);
      await reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : "The profile could not be saved.");
    }
  };

  const apply = (p: Profile) => {
    const known = new Set(roles.filter((r) => r.eligibility !== null).map((r) => r.id));
    const present = p.roles.filter((r) => known.has(r.id)).map((r) => r.id);
    const missing = p.roles.length - present.length;
    store.set((s) => ({
      ...s,
      selectedEligible: present,
      view: "eligible",
      activationOpen: present.length > 0,
      formDefaults: {
        ...(p.defaults.duration ? { duration: p.defaults.duration } : {}),
        ...(p.defaults.justification ? { justification: p.defaults.justification } : {}),
        ...(p.defaults.ticketSystem ? { ticketSystem: p.defaults.ticketSystem } : {}),
        ...(p.defaults.ticketSystems ? { ticketSystems: p.defaults.ticketSystems } : {}),
        ...(p.defaults.childScopes ? { childScopes: p.defaults.childScopes } : {}),
      },
    }));
    if (missing > 0)
      pim.toast("warning", `${missing} role(s) of "${p.name}" are not eligible any more and were left out.`);
    else pim.toast("info", `Profile "${p.name}" applied: ${present.length} role(s) selected.`);
  };

  const rename = async (p: Profile, next: string) => {
    const n = normalizeProfileName(next);
    setRenaming(null);
    if (!n || n === p.name) return;
    if (profiles.some((o) => o.id !== p.id && o.name.toLowerCase() === n.toLowerCase())) {
      setError(`Another profile is already called "${n}".`);
      return;
    }
    await repo.put({ ...p, name: n, updatedAt: new Date().toISOString() });
    await reload();
  };

  const remove = async (p: Profile) => {
    if (!window.confirm(`Delete the profile "${p.name}"?`)) return;
    await repo.remove(p.id);
    pim.toast("info", `Profile "${p.name}" deleted.`);
    await reload();
  };

  const doExport = () => {
    const blob = new Blob([exportProfiles(profiles)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = "pimkit-profiles.json";
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const doImport = async (file: File) => {
    setError(null);
    try {
      const imported = parseProfileExport(await file.text());
      const merged = mergeImported(profiles, imported);
      await repo.putMany(merged.filter((m) => imported.some((i) => i.id === m.id)));
      pim.toast("success", `${imported.length} profile(s) imported.`);
      await reload();
    } catch (e) {
      setError(e instanceof ProfileFormatError ? `Import refused: ${e.message}` : "The file could not be imported.");
    } finally {
      if (fileRef.current) fileRef.current.value = "";
    }
  };

  return (
    <section aria-labelledby="profiles-title" className="view">
      <div className="view-head">
        <h2 id="profiles-title">Profiles</h2>
        <p className="muted">Saved in this browser (IndexedDB). No token is ever stored in a profile.</p>
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {unreadable > 0 ? (
        <p className="callout warn">{unreadable} stored profile(s) could not be read and are kept as they are.</p>
      ) : null}

      <form
        className="card profile-save"
        aria-labelledby="save-title"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h3 id="save-title">Save the current selection</h3>
        <p className="muted small">
          {selected.length === 0
            ? "Select roles on the Eligible roles screen first."
            : `${selected.length} role(s) selected: ${selected.map((r) => r.name).join(", ")}`}
        </p>
        <div className="field">
          <label htmlFor={nameId}>Profile name</label>
          <input
            id={nameId}
            value={name}
            maxLength={maxProfileNameLength}
            aria-invalid={nameTaken ? true : undefined}
            aria-describedby={nameTaken ? `${nameId}-error` : undefined}
            onChange={(e) => setName(e.target.value)}
          />
          {nameTaken ? (
            <span id={`${nameId}-error`} className="error">
              A profile with this name exists.
            </span>
          ) : null}
        </div>
        <label className="field">
          <span>Default duration</span>
          <select value={duration} onChange={(e) => setDuration(e.target.value)}>
            <option value="">Each role's maximum</option>
            <option value="PT30M">30 minutes</option>
            <option value="PT1H">1 hour</option>
            <option value="PT2H">2 hours</option>
            <option value="PT4H">4 hours</option>
            <option value="PT8H">8 hours</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={keepJustification} onChange={(e) => setKeepJustification(e.target.checked)} />
          <span>Remember a justification with this profile (stored in this browser)</span>
        </label>
        {keepJustification ? (
          <label className="field">
            <span>Justification</span>
            <input value={justification} maxLength={500} onChange={(e) => setJustification(e.target.value)} />
          </label>
        ) : null}
        <div className="row">
          <button type="submit" className="primary" disabled={!canSave}>
            Save profile
          </button>
        </div>
      </form>

      <div className="toolbar">
        <h3 className="toolbar-title">Saved profiles ({profiles.length})</h3>
        <div className="spacer" />
        <button type="button" className="secondary" disabled={profiles.length === 0} onClick={doExport}>
          Export JSON
        </button>
        <label className="button secondary file-button">
          Import JSON
          <input
            ref={fileRef}
            type="file"
            accept="application/json,.json"
            className="visually-hidden"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void doImport(f);
            }}
          />
        </label>
      </div>
      {profiles.length === 0 ? (
        <p className="empty">No profile yet.</p>
      ) : (
        <ul className="profile-list">
          {profiles.map((p) => (
            <li key={p.id} className="card profile" data-profile-name={p.name}>
              {renaming === p.id ? (
                <RenameForm profile={p} onDone={(n) => void rename(p, n)} onCancel={() => setRenaming(null)} />
              ) : (
                <div className="profile-head">
                  <h4>{p.name}</h4>
                  <span className="muted small">
                    {p.roles.length} role(s){p.defaults.duration ? ` · ${humanDuration(p.defaults.duration)}` : ""}
                  </span>
                </div>
              )}
              <p className="muted small">{p.roles.map((r) => r.name).join(", ")}</p>
              <div className="row">
                <button
                  type="button"
                  className="primary"
                  onClick={() => apply(p)}
                  aria-label={`Apply profile ${p.name}`}
                >
                  Apply
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setRenaming(p.id)}
                  aria-label={`Rename profile ${p.name}`}
                >
                  Rename
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => void remove(p)}
                  aria-label={`Delete profile ${p.name}`}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RenameForm({
  profile,
  onDone,
  onCancel,
}: {
  profile: Profile;
  onDone: (name: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(profile.name);
  const id = useId();
  return (
    <form
      className="rename"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(value);
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        New name for {profile.name}
      </label>
      <input
        id={id}
        value={value}
        maxLength={maxProfileNameLength}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to rename this profile
        autoFocus
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") onCancel();
        }}
      />
      <button type="submit" className="primary">
        Save name
      </button>
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
