import { createContext, type ReactNode, useContext } from "react";
import type { AuthService } from "../auth/auth-service";
import type { PortalStore } from "../state/portal-state";
import type { PimService } from "./pim-service";
import type { SettingsService } from "./settings";

/** What the screens share, provided once by the app. Features read it; they never build it. */
export interface AppServices {
  auth: AuthService;
  pim: PimService;
  store: PortalStore;
  settings: SettingsService;
}

const Context = createContext<AppServices | null>(null);

export function AppServicesProvider({ value, children }: { value: AppServices; children: ReactNode }) {
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useServices(): AppServices {
  const v = useContext(Context);
  if (!v) throw new Error("useServices outside AppServicesProvider");
  return v;
}
