import type {
  ActivationOutcome,
  ActivationPlan,
  ActivationResult,
  ErrorInfo,
  PimClient,
  PimRequest,
  PimRole,
  RoleKind,
  RoleScope,
} from "@pimkit/core";
import { isPimError, toErrorInfo } from "@pimkit/core";
import { isRecord, type KeyValueStorage, readJson } from "../lib/storage";
import type { Store } from "../lib/store";
import {
  type ActivityEntry,
  type ActivityKind,
  type PortalState,
  rolesByIds,
  type Toast,
  type ToastTone,
} from "../state/portal-state";
import {
  type PendingBatch,
  type PendingOperation,
  savePendingOperation,
  takePendingOperation,
} from "./pending-operation";

/**
 * What the screens can do, on top of the core client: list, activate (with the step-up redirect
 * saved and resumed), deactivate, cancel, wait until effective, and the activity log that
 * records each operation. Components call these; none of them touches HTTP.
 */
export interface PimServiceDeps {
  client: PimClient;
  store: Store<PortalState>;
  /** sessionStorage: the operation interrupted by a redirect, and the activity log. */
  session: KeyValueStorage;
  tenantId: string;
  planes: () => RoleKind[];
  /** Called when the user starts an operation: automatic sign-ins are allowed once again. */
  onUserAction: () => void;
  newId?: () => string;
  now?: () => number;
}

export interface ActivateRequest {
  batches: { roles: PimRole[]; input: PendingBatch["input"] }[];
  wait: boolean;
}

const activityKey = "pimkit.activity";
const maxActivity = 50;
/** Outcomes after which a role is not sent again when an interrupted operation resumes. */
const settledOutcomes: readonly ActivationOutcome[] = ["activated", "scheduled", "pending", "already-active"];

export class PimService {
  private readonly newId: () => string;
  private readonly now: () => number;
  /** The operation in flight: saved if the page must leave for a sign-in. */
  private current: PendingOperation | undefined;
  private firstLoadStarted: number | undefined;

  constructor(private readonly deps: PimServiceDeps) {
    this.newId = deps.newId ?? (() => crypto.randomUUID());
    this.now = deps.now ?? Date.now;
    const saved = readJson(deps.session, activityKey);
    if (Array.isArray(saved)) {
      const activity = saved.filter(isRecord) as unknown as ActivityEntry[];
      deps.store.set((s) => ({ ...s, activity }));
    }
  }

  // ---- toasts -------------------------------------------------------------------------------

  toast(tone: ToastTone, text: string): void {
    const t: Toast = { id: this.newId(), tone, text };
    this.deps.store.set((s) => ({ ...s, toasts: [...s.toasts.slice(-4), t] }));
  }

  dismissToast(id: string): void {
    this.deps.store.set((s) => ({ ...s, toasts: s.toasts.filter((t) => t.id !== id) }));
  }

  // ---- listing ------------------------------------------------------------------------------

  async refresh(options: { policies?: "cached" | "fresh" } = {}): Promise<void> {
    const { store, client } = this.deps;
    this.firstLoadStarted ??= performance.now();
    store.set((s) => ({ ...s, loading: true, loadError: null }));
    const kinds = this.deps.planes();
    try {
      if (options.policies === "fresh") await client.invalidateCache();
      const [listing, requests] = await Promise.all([
        client.listRoles({ kinds }),
        client.listRequests({ pendingOnly: true, kinds }).catch((e: unknown) => {
          this.toast("warning", `Pending requests could not be read: ${toErrorInfo(e).message}`);
          return { requests: [] as PimRequest[], problems: [] };
        }),
      ]);
      const ids = new Set(listing.roles.map((r) => r.id));
      store.set((s) => ({
        ...s,
        roles: listing.roles,
        problems: [...listing.problems, ...requests.problems],
        pendingRequests: requests.requests.filter((r) => r.pending),
        loading: false,
        loadedAt: this.now(),
        firstLoadMs:
          s.firstLoadMs ??
          (this.firstLoadStarted !== undefined ? Math.round(performance.now() - this.firstLoadStarted) : null),
        selectedEligible: s.selectedEligible.filter((id) => ids.has(id)),
        selectedActive: s.selectedActive.filter((id) => ids.has(id)),
      }));
    } catch (e) {
      store.set((s) => ({ ...s, loading: false, loadError: toErrorInfo(e) }));
    }
  }

  /**
   * Scopes below an Azure role's eligible scope that it can be activated at
   * (`eligibleChildResources`). A failure is thrown: the form then takes a typed scope, which the
   * planner verifies.
   */
  async listChildScopes(role: PimRole, options: { abortSignal?: AbortSignal } = {}): Promise<RoleScope[]> {
    if (role.kind !== "azureRole") return [];
    return this.deps.client.listEligibleChildScopes(role, options);
  }

  // ---- activity log -------------------------------------------------------------------------

  private startActivity(id: string, kind: ActivityKind, names: string[], summary: ActivityEntry["summary"]): void {
    const entry: ActivityEntry = {
      id,
      kind,
      status: "running",
      startedAt: new Date(this.now()).toISOString(),
      finishedAt: null,
      names,
      summary,
      activations: [],
      deactivations: [],
      cancellations: [],
      effective: {},
      error: null,
      notes: [],
    };
    this.deps.store.set((s) => {
      const others = s.activity.filter((a) => a.id !== id);
      return { ...s, activity: [entry, ...others].slice(0, maxActivity) };
    });
    this.persistActivity();
  }

  private updateActivity(id: string, change: (a: ActivityEntry) => ActivityEntry): void {
    this.deps.store.set((s) => ({ ...s, activity: s.activity.map((a) => (a.id === id ? change(a) : a)) }));
    this.persistActivity();
  }

  private persistActivity(): void {
    try {
      this.deps.session.setItem(activityKey, JSON.stringify(this.deps.store.get().activity));
    } catch {
      // A full sessionStorage only costs the log after a reload.
    }
  }

  // ---- redirect hand-off --------------------------------------------------------------------

  /** The page is leaving for a sign-in: keep the operation in flight so it resumes afterwards. */
  beforeRedirect(): void {
    const op = this.current;
    if (!op) return;
    savePendingOperation(this.deps.session, op);
    this.updateActivity(op.id, (a) => ({
      ...a,
      status: "step-up",
      notes: [...a.notes, "Additional sign-in requested; the operation resumes when you are back."],
    }));
  }

  /**
   * Resumes an operation saved before a sign-in redirect, once. A stale one (or one for another
   * tenant) is reported and dropped, never sent.
   */
  async resumePending(redirectError: ErrorInfo | null): Promise<void> {
    const taken = takePendingOperation(this.deps.session, this.now());
    if (!taken) return;
    const { op, stale } = taken;
    this.ensureActivity(op);
    if (redirectError) {
      this.finishWithError(op.id, redirectError);
      this.toast("error", `The additional sign-in failed; nothing was sent. ${redirectError.message}`);
      return;
    }
    if (stale || op.tenantId !== this.deps.tenantId) {
      this.finishWithError(op.id, {
        code: "operation_expired",
        message: "The interrupted operation was not resumed (too old, or another tenant); start it again.",
      });
      return;
    }
    this.updateActivity(op.id, (a) => ({ ...a, status: "running", notes: [...a.notes, "Resumed after sign-in."] }));
    this.toast("info", "Signed in again: resuming the operation.");
    const state = this.deps.store.get();
    if (op.kind === "activate") {
      const batches = op.batches
        .map((b) => ({
          roles: rolesByIds(
            state,
            b.targets.filter((t) => !op.settled[t]),
          ),
          input: b.input,
          missing: b.targets.filter((t) => !op.settled[t] && !state.roles.some((r) => r.id === t)),
        }))
        .filter((b) => b.roles.length > 0 || b.missing.length > 0);
      const missing = batches.flatMap((b) => b.missing);
      if (missing.length > 0) {
        this.updateActivity(op.id, (a) => ({
          ...a,
          notes: [...a.notes, `${missing.length} role(s) are no longer listed and were not sent.`],
        }));
      }
      await this.runActivation(op, { batches: batches.filter((b) => b.roles.length > 0), wait: op.wait });
    } else if (op.kind === "deactivate") {
      const ids = op.batches.flatMap((b) => b.targets).filter((t) => !op.settled[t]);
      await this.runDeactivation(op, rolesByIds(state, ids));
    } else {
      const ids = op.batches.flatMap((b) => b.targets);
      await this.runCancellation(op, ids);
    }
  }

  /** The log entry of an operation saved before a redirect (recreated if the log was lost). */
  private ensureActivity(op: PendingOperation): void {
    if (this.deps.store.get().activity.some((a) => a.id === op.id)) return;
    const state = this.deps.store.get();
    const targets = op.batches.flatMap((b) => b.targets);
    const names = op.kind === "cancel" ? targets : targets.map((t) => state.roles.find((r) => r.id === t)?.name ?? t);
    const first = op.batches[0]?.input;
    this.startActivity(op.id, op.kind, names, {
      duration: first?.duration ?? null,
      start: first?.start ?? null,
      ticket: op.batches.some((b) => b.input.ticket !== undefined),
      authContexts: [],
    });
  }

  private finishWithError(id: string, error: ErrorInfo): void {
    this.updateActivity(id, (a) => ({ ...a, status: "failed", finishedAt: new Date(this.now()).toISOString(), error }));
  }

  private newOperation(kind: ActivityKind, batches: PendingBatch[], wait: boolean): PendingOperation {
    return {
      v: 1,
      id: this.newId(),
      kind,
      tenantId: this.deps.tenantId,
      batches,
      wait,
      settled: {},
      createdAt: new Date(this.now()).toISOString(),
    };
  }

  // ---- activation ---------------------------------------------------------------------------

  async activate(request: ActivateRequest): Promise<ActivationResult[]> {
    this.deps.onUserAction();
    const op = this.newOperation(
      "activate",
      request.batches.map((b) => ({ targets: b.roles.map((r) => r.id), input: b.input })),
      request.wait,
    );
    const first = request.batches[0]?.input;
    this.startActivity(
      op.id,
      "activate",
      request.batches.flatMap((b) => b.roles.map((r) => r.name)),
      {
        duration: first?.duration ?? null,
        start: first?.start ?? null,
        ticket: request.batches.some((b) => b.input.ticket !== undefined),
        authContexts: [],
      },
    );
    return this.runActivation(op, request);
  }

  private async runActivation(op: PendingOperation, request: ActivateRequest): Promise<ActivationResult[]> {
    const { client, store } = this.deps;
    this.current = op;
    store.set((s) => ({ ...s, busy: "activate" }));
    try {
      const plans = await Promise.all(request.batches.map((b) => client.planActivation(b.roles, b.input)));
      const plan = mergePlans(plans);
      if (!plan.ok) {
        const problems = plan.items.flatMap((i) => i.problems);
        const first = problems[0] ?? { code: "plan_invalid", message: "The request is not valid." };
        this.finishWithError(op.id, first);
        this.toast("error", `Nothing was sent: ${first.message}`);
        return [];
      }
      const notes = plan.items.flatMap((i) =>
        i.notes.filter((n) => i.capped && n.includes("capped")).map((n) => `${i.role.name}: ${n}`),
      );
      this.updateActivity(op.id, (a) => ({
        ...a,
        summary: { ...a.summary, authContexts: plan.authContexts },
        // A resumed operation plans again: the same notes are not repeated.
        notes: [...a.notes, ...notes.filter((n) => !a.notes.includes(n))],
      }));
      const results = await client.executeActivation(plan, {
        // The step-up is a redirect that leaves the page: a write started before it would be
        // cut off with its outcome unknown, so every write waits until the sign-in is done.
        stepUpBeforeWrites: true,
        onResult: (r) => {
          if (settledOutcomes.includes(r.outcome)) op.settled[r.id] = r.outcome;
          this.updateActivity(op.id, (a) => ({
            ...a,
            activations: [...a.activations.filter((x) => x.id !== r.id), r],
          }));
        },
      });
      this.updateActivity(op.id, (a) => ({
        ...a,
        status: results.every((r) => r.outcome === "failed") ? "failed" : "done",
        finishedAt: new Date(this.now()).toISOString(),
      }));
      this.announceActivation(results);
      store.set((s) => ({ ...s, selectedEligible: [], activationOpen: false }));
      await this.refresh();
      if (request.wait) await this.waitUntilEffective(op.id, results);
      return results;
    } catch (e) {
      const info = toErrorInfo(e);
      this.finishWithError(op.id, info);
      this.toast("error", `Activation failed: ${info.message}`);
      return [];
    } finally {
      if (this.current === op) this.current = undefined;
      store.set((s) => ({ ...s, busy: null }));
    }
  }

  private announceActivation(results: ActivationResult[]): void {
    const count = (o: ActivationOutcome) => results.filter((r) => r.outcome === o).length;
    const parts: string[] = [];
    if (count("activated")) parts.push(`${count("activated")} activated`);
    if (count("scheduled")) parts.push(`${count("scheduled")} scheduled`);
    if (count("pending")) parts.push(`${count("pending")} pending approval`);
    if (count("already-active")) parts.push(`${count("already-active")} already active`);
    const failed = results.filter((r) => r.outcome === "failed");
    if (parts.length > 0) this.toast(failed.length ? "warning" : "success", `Activation: ${parts.join(", ")}.`);
    for (const f of failed) this.toast("error", `${f.name}: ${f.error?.message ?? "failed"}`);
  }

  async waitUntilEffective(activityId: string, results: ActivationResult[]): Promise<void> {
    const waiting = results.filter((r) => r.outcome === "activated");
    if (waiting.length === 0) return;
    this.updateActivity(activityId, (a) => ({
      ...a,
      notes: [...a.notes, "Waiting until the activations are effective."],
    }));
    try {
      const final = await this.deps.client.waitUntilEffective(waiting, {
        timeout: 5 * 60_000,
        onProgress: (p) => this.updateActivity(activityId, (a) => ({ ...a, effective: { ...a.effective, [p.id]: p } })),
      });
      this.updateActivity(activityId, (a) => ({
        ...a,
        effective: { ...a.effective, ...Object.fromEntries(final.map((p) => [p.id, p])) },
      }));
      const effective = final.filter((p) => p.state === "effective").length;
      this.toast(
        effective === final.length ? "success" : "warning",
        `${effective} of ${final.length} activation(s) effective.`,
      );
      await this.refresh();
    } catch (e) {
      this.toast("warning", `Waiting stopped: ${toErrorInfo(e).message}`);
    }
  }

  // ---- deactivation -------------------------------------------------------------------------

  async deactivate(roles: PimRole[]): Promise<void> {
    this.deps.onUserAction();
    const op = this.newOperation("deactivate", [{ targets: roles.map((r) => r.id), input: {} }], false);
    this.startActivity(
      op.id,
      "deactivate",
      roles.map((r) => r.name),
      { duration: null, start: null, ticket: false, authContexts: [] },
    );
    await this.runDeactivation(op, roles);
  }

  private async runDeactivation(op: PendingOperation, roles: PimRole[]): Promise<void> {
    const { client, store } = this.deps;
    this.current = op;
    store.set((s) => ({ ...s, busy: "deactivate" }));
    try {
      const results = await client.deactivate(roles, {
        onResult: (r) => {
          if (r.outcome !== "failed") op.settled[r.id] = "activated";
          this.updateActivity(op.id, (a) => ({
            ...a,
            deactivations: [...a.deactivations.filter((x) => x.id !== r.id), r],
          }));
        },
      });
      const ok = results.filter((r) => r.outcome === "deactivated").length;
      this.updateActivity(op.id, (a) => ({
        ...a,
        status: ok === 0 && results.length > 0 ? "failed" : "done",
        finishedAt: new Date(this.now()).toISOString(),
      }));
      if (ok > 0) this.toast("success", `${ok} role(s) deactivated.`);
      for (const f of results.filter((r) => r.outcome !== "deactivated")) {
        this.toast(f.outcome === "not-active" ? "info" : "error", `${f.name}: ${f.error?.message ?? "not active"}`);
      }
      store.set((s) => ({ ...s, selectedActive: [] }));
      await this.refresh();
    } catch (e) {
      const info = toErrorInfo(e);
      this.finishWithError(op.id, info);
      this.toast("error", `Deactivation failed: ${info.message}`);
    } finally {
      if (this.current === op) this.current = undefined;
      store.set((s) => ({ ...s, busy: null }));
    }
  }

  // ---- cancellation -------------------------------------------------------------------------

  async cancel(requestIds: string[]): Promise<void> {
    this.deps.onUserAction();
    const op = this.newOperation("cancel", [{ targets: requestIds, input: {} }], false);
    const names = this.deps.store
      .get()
      .pendingRequests.filter((r) => requestIds.includes(r.requestId))
      .map((r) => r.name);
    this.startActivity(op.id, "cancel", names, { duration: null, start: null, ticket: false, authContexts: [] });
    await this.runCancellation(op, requestIds);
  }

  private async runCancellation(op: PendingOperation, requestIds: string[]): Promise<void> {
    const { client, store } = this.deps;
    this.current = op;
    store.set((s) => ({ ...s, busy: "cancel" }));
    try {
      const known = new Map(store.get().pendingRequests.map((r) => [r.requestId, r]));
      const results = [];
      for (const id of requestIds) {
        const r = await client.cancelRequest(known.get(id) ?? id);
        results.push(r);
        this.updateActivity(op.id, (a) => ({ ...a, cancellations: [...a.cancellations, r] }));
      }
      const ok = results.filter((r) => r.outcome === "canceled").length;
      this.updateActivity(op.id, (a) => ({
        ...a,
        status: ok === results.length ? "done" : "failed",
        finishedAt: new Date(this.now()).toISOString(),
      }));
      if (ok > 0) this.toast("success", `${ok} request(s) cancelled.`);
      for (const f of results.filter((r) => r.outcome !== "canceled"))
        this.toast("error", f.error?.message ?? "Cancel failed.");
      await this.refresh();
    } catch (e) {
      const info = isPimError(e) ? e.toInfo() : toErrorInfo(e);
      this.finishWithError(op.id, info);
      this.toast("error", `Cancel failed: ${info.message}`);
    } finally {
      if (this.current === op) this.current = undefined;
      store.set((s) => ({ ...s, busy: null }));
    }
  }
}

/** Several plans (one per ticket) run as one: one step-up covers every context of the batch. */
export function mergePlans(plans: ActivationPlan[]): ActivationPlan {
  const items = plans.flatMap((p) => p.items);
  return {
    ok: plans.length > 0 && plans.every((p) => p.ok) && items.length > 0,
    items,
    authContexts: [...new Set(plans.flatMap((p) => p.authContexts))].sort(),
    createdAt: plans[0]?.createdAt ?? new Date().toISOString(),
  };
}
