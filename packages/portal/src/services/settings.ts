import type { RoleKind } from "@pimkit/core";
import { isRecord, type KeyValueStorage, readJson } from "../lib/storage";
import { createStore, type Store } from "../lib/store";

/** Preferences, in localStorage (nothing secret: no token, no justification). */
export type ThemeName = "system" | "light" | "dark" | "high-contrast";
export const themeNames: readonly ThemeName[] = ["system", "light", "dark", "high-contrast"];
export const allKinds: readonly RoleKind[] = ["entraRole", "group", "azureRole"];

export interface Settings {
  theme: ThemeName;
  /** ISO duration the form starts with; "" = each role's maximum. */
  defaultDuration: string;
  /** Planes read and shown. */
  planes: RoleKind[];
  /** The form's "wait until effective" starts ticked. */
  waitUntilEffective: boolean;
  /** Last ticket system used, per plane: the form suggests it. */
  ticketSystems: Partial<Record<RoleKind, string>>;
}

export const defaultSettings: Settings = {
  theme: "system",
  defaultDuration: "",
  planes: [...allKinds],
  waitUntilEffective: false,
  ticketSystems: {},
};

const storageKey = "pimkit.settings";

export function parseSettings(value: unknown): Settings {
  if (!isRecord(value)) return { ...defaultSettings, planes: [...defaultSettings.planes] };
  const theme = themeNames.find((t) => t === value.theme) ?? defaultSettings.theme;
  const defaultDuration =
    typeof value.defaultDuration === "string" && /^P(?:T?\d)/i.test(value.defaultDuration) ? value.defaultDuration : "";
  const planes = Array.isArray(value.planes)
    ? allKinds.filter((k) => (value.planes as unknown[]).includes(k))
    : [...defaultSettings.planes];
  const ticketSystems: Partial<Record<RoleKind, string>> = {};
  if (isRecord(value.ticketSystems)) {
    for (const k of allKinds) {
      const s = value.ticketSystems[k];
      if (typeof s === "string" && s.length <= 100) ticketSystems[k] = s;
    }
  }
  return {
    theme,
    defaultDuration,
    planes: planes.length > 0 ? planes : [...allKinds],
    waitUntilEffective: value.waitUntilEffective === true,
    ticketSystems,
  };
}

export interface SettingsService {
  store: Store<Settings>;
  update(change: Partial<Settings>): void;
}

export function createSettingsService(storage: KeyValueStorage, apply: (s: Settings) => void): SettingsService {
  const store = createStore(parseSettings(readJson(storage, storageKey)));
  apply(store.get());
  return {
    store,
    update(change) {
      store.set((s) => ({ ...s, ...change }));
      const next = store.get();
      try {
        storage.setItem(storageKey, JSON.stringify(next));
      } catch {
        // Storage full or disabled: the choice holds for this page only.
      }
      apply(next);
    },
  };
}

/** Themes are classes on <html> over CSS custom properties in the stylesheet: no inline style. */
export function applyTheme(theme: ThemeName, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme;
}
