/**
 * The admin API as methods (`emulator.admin`). `/_emulator/*` (admin/surface.ts) is a thin HTTP
 * layer over the same object, so tests in-process and tools out-of-process drive the same code.
 */
import type { Clock } from "../clock";
import type { ActiveFault, FaultInjector, FaultSpec, RequestLogEntry } from "../http/faults";
import type { RequestLogStore } from "../http/request-log";
import type { ReviewResultOutcome, TenantState } from "../state/api";
import type {
  ApprovalRecord,
  ApprovalStageRecord,
  EmulatorSettings,
  PolicyRecord,
  PolicySettings,
  PolicyTarget,
} from "../state/model";

/** Everything `/_emulator/settings` reads and changes: the tenant's settings plus the latency. */
export interface RuntimeSettings extends EmulatorSettings {
  /** Added before every answer of the sign-in, Graph and ARM surfaces. */
  latencyMs: number;
  /** The UPN every sign-in completes as at once (no page); null shows the sign-in page. */
  autoSignIn: string | null;
}

export interface ApprovalDecisionOptions {
  justification?: string | null;
  /** UPN of the reviewer; the first approver of the current stage when absent. */
  approver?: string;
}

export type ApprovalDecisionResult =
  | ReviewResultOutcome
  | { ok: false; error: "UnknownApprover" | "NoPendingStage"; message: string };

export interface AdminClock {
  now(): Date;
  /** Moves the tenant's clock forward by this many SECONDS (as `POST /_emulator/clock {advanceSeconds}`). */
  advance(seconds: number): Date;
  /** Moves the tenant's clock to an instant. */
  set(at: Date | string): Date;
}

export interface EmulatorAdmin {
  /**
   * Reload the current scenario; clear the log and faults; undo clock moves and settings changes;
   * forget the sign-in surface's codes, refresh tokens, device codes and pending pages — unless
   * `keepSignIns` is set (benchmarks reset the tenant's roles between runs of an already signed-in client).
   */
  reset(options?: { keepSignIns?: boolean }): void;
  /** Replace the tenant with another scenario (`demo`, `enterprise`, a file path, or an object). Throws `ScenarioError`. */
  loadScenario(source: string | object): void;
  /** The request log, oldest first; entries with `seq > since` when given. */
  requests(options?: { since?: number }): RequestLogEntry[];
  clearRequests(): void;
  addFault(spec: FaultSpec): ActiveFault;
  removeFault(id: string): void;
  clearFaults(): void;
  listFaults(): ActiveFault[];
  readonly clock: AdminClock;
  readonly approvals: {
    list(): ApprovalRecord[];
    approve(approvalId: string, options?: ApprovalDecisionOptions): ApprovalDecisionResult;
    deny(approvalId: string, options?: ApprovalDecisionOptions): ApprovalDecisionResult;
  };
  /** Everything the tenant holds (for `/_emulator/state`). */
  state(): unknown;
  setPolicy(target: PolicyTarget, settings: Partial<PolicySettings>): PolicyRecord;
  /** Reads the settings; with an update, applies it first. */
  settings(update?: Partial<RuntimeSettings>): RuntimeSettings;
  /**
   * Complete every sign-in at once as this UPN (null: show the sign-in page again). Throws
   * `RangeError` for a UPN the tenant does not hold. Same as `settings({ autoSignIn })`.
   */
  setAutoSignIn(upn: string | null): void;
}

/** What the admin API needs from the emulator that owns it. */
export interface AdminHost {
  state(): TenantState;
  /** Rebuild the tenant from `source` (the current scenario when absent). Throws `ScenarioError`. */
  loadScenario(source?: string | object): void;
  readonly log: RequestLogStore;
  readonly faults: FaultInjector;
  readonly clock: Clock;
  settings(): RuntimeSettings;
  updateSettings(update: Partial<RuntimeSettings>): RuntimeSettings;
  /** Back to the settings the emulator was created with (auto sign-in included). */
  restoreSettings(): void;
  /** Forget every code, refresh token, device code and pending sign-in page. */
  resetSignIn(): void;
}

function currentStage(approval: ApprovalRecord): ApprovalStageRecord | undefined {
  return (
    approval.stages.find((s) => s.status === "InProgress") ??
    approval.stages.find((s) => s.status === "NotStarted" && s.reviewResult === "NotReviewed")
  );
}

export function createAdmin(host: AdminHost): EmulatorAdmin {
  // Clock moves made through the admin API, so reset can undo exactly those (a clock the caller
  // passed in keeps whatever the caller did to it).
  let clockDeltaMs = 0;
  const moveClock = (ms: number) => {
    host.clock.advance(ms);
    clockDeltaMs += ms;
  };

  const decide = (
    approvalId: string,
    decision: "Approve" | "Deny",
    options: ApprovalDecisionOptions = {},
  ): ApprovalDecisionResult => {
    const state = host.state();
    const approval = state.approval(approvalId);
    if (!approval) return { ok: false, error: "NotFound" };
    let reviewerOid: string | undefined;
    if (options.approver) {
      reviewerOid = state.userByUpn(options.approver)?.oid;
      if (!reviewerOid) {
        return { ok: false, error: "UnknownApprover", message: `No user ${options.approver} in the tenant.` };
      }
    } else {
      const stage = currentStage(approval);
      if (!stage) return { ok: false, error: "NoPendingStage", message: "The approval has no stage left to review." };
      reviewerOid = stage.approvers[0];
      if (!reviewerOid) {
        return { ok: false, error: "NoPendingStage", message: "The current stage lists no approver." };
      }
    }
    return state.review(approvalId, decision, reviewerOid, options.justification ?? null);
  };

  return {
    reset(options) {
      if (clockDeltaMs !== 0) host.clock.advance(-clockDeltaMs);
      clockDeltaMs = 0;
      host.restoreSettings();
      host.log.clear();
      host.faults.clear();
      host.loadScenario();
      // Codes and refresh tokens of the old tenant must not outlive it, unless asked to keep them.
      if (!options?.keepSignIns) host.resetSignIn();
    },
    loadScenario(source) {
      host.loadScenario(source);
    },
    requests(options) {
      return options?.since !== undefined ? host.log.since(options.since) : host.log.entries();
    },
    clearRequests() {
      host.log.clear();
    },
    addFault(spec) {
      return host.faults.add(spec);
    },
    removeFault(id) {
      host.faults.remove(id);
    },
    clearFaults() {
      host.faults.clear();
    },
    listFaults() {
      return host.faults.list();
    },
    clock: {
      now: () => host.clock.now(),
      advance(seconds) {
        if (!Number.isFinite(seconds)) throw new RangeError("seconds must be a finite number");
        moveClock(seconds * 1000);
        return host.clock.now();
      },
      set(at) {
        const target = typeof at === "string" ? new Date(at) : at;
        if (Number.isNaN(target.getTime())) throw new RangeError("not a date-time");
        moveClock(target.getTime() - host.clock.nowMs());
        return host.clock.now();
      },
    },
    approvals: {
      list: () => host.state().approvals(),
      approve: (id, options) => decide(id, "Approve", options),
      deny: (id, options) => decide(id, "Deny", options),
    },
    state: () => host.state().dump(),
    setPolicy: (target, settings) => host.state().setPolicy(target, settings),
    settings(update) {
      return update ? host.updateSettings(update) : host.settings();
    },
    setAutoSignIn(upn) {
      host.updateSettings({ autoSignIn: upn });
    },
  };
}
