import type {
  ActivationResult,
  CancelResult,
  DeactivationResult,
  EffectiveProgress,
  ErrorInfo,
  PimRequest,
  PimRole,
  PlaneProblem,
  RoleKind,
} from "@pimkit/core";
import { createStore, type Store } from "../lib/store";

/** Everything the screens show, in one store. Services change it; components only read it. */
export type ViewName = "eligible" | "active" | "activity" | "profiles" | "settings";

export type ActivityKind = "activate" | "deactivate" | "cancel";
export type ActivityStatus = "running" | "step-up" | "done" | "failed";

export interface ActivityEntry {
  id: string;
  kind: ActivityKind;
  status: ActivityStatus;
  startedAt: string;
  finishedAt: string | null;
  /** Display names of the roles (or requests) the operation is about. */
  names: string[];
  /** What was asked, for the details view (no justification text: it may be sensitive). */
  summary: { duration: string | null; start: string | null; ticket: boolean; authContexts: string[] };
  activations: ActivationResult[];
  deactivations: DeactivationResult[];
  cancellations: CancelResult[];
  /** Live status of "wait until effective", per role id. */
  effective: Record<string, EffectiveProgress>;
  /** Problems that stopped the operation before any request (validation, step-up). */
  error: ErrorInfo | null;
  notes: string[];
}

export type ToastTone = "success" | "info" | "warning" | "error";

export interface Toast {
  id: string;
  tone: ToastTone;
  text: string;
}

export interface PortalState {
  view: ViewName;
  roles: PimRole[];
  problems: PlaneProblem[];
  pendingRequests: PimRequest[];
  loading: boolean;
  loadError: ErrorInfo | null;
  loadedAt: number | null;
  /** Milliseconds the first listing took (shown in the footer; used by the benchmark). */
  firstLoadMs: number | null;
  selectedEligible: string[];
  selectedActive: string[];
  /** The activation form is open for the eligible selection. */
  activationOpen: boolean;
  /** Defaults the form starts from (a profile was applied). */
  formDefaults: FormDefaults | null;
  busy: ActivityKind | null;
  activity: ActivityEntry[];
  toasts: Toast[];
  search: string;
  kindFilter: RoleKind | "all";
}

export interface FormDefaults {
  duration?: string;
  justification?: string;
  ticketSystem?: string;
  ticketNumber?: string;
  /** Per role id: remembered ticket system. */
  ticketSystems?: Record<string, string>;
  childScopes?: Record<string, string>;
}

export function initialPortalState(): PortalState {
  return {
    view: "eligible",
    roles: [],
    problems: [],
    pendingRequests: [],
    loading: false,
    loadError: null,
    loadedAt: null,
    firstLoadMs: null,
    selectedEligible: [],
    selectedActive: [],
    activationOpen: false,
    formDefaults: null,
    busy: null,
    activity: [],
    toasts: [],
    search: "",
    kindFilter: "all",
  };
}

export type PortalStore = Store<PortalState>;

export function createPortalStore(initial: Partial<PortalState> = {}): PortalStore {
  return createStore<PortalState>({ ...initialPortalState(), ...initial });
}

/** An eligible role the user can select for activation. */
export function eligibleRoles(state: PortalState): PimRole[] {
  return state.roles.filter((r) => r.eligibility !== null);
}

/** Roles with an assignment in force (activated or permanent). */
export function activeRoles(state: PortalState): PimRole[] {
  return state.roles.filter((r) => r.assignment !== null);
}

export function rolesByIds(state: PortalState, ids: readonly string[]): PimRole[] {
  const byId = new Map(state.roles.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is PimRole => r !== undefined);
}
