import type { ActivationInput, ActivationOutcome, TicketInput } from "@pimkit/core";
import { isRecord, type KeyValueStorage, readJson } from "../lib/storage";

/**
 * An operation interrupted by an interactive sign-in (a step-up redirect). Everything needed to
 * send it again is kept — roles, every input including the scheduled start and child scopes — in
 * sessionStorage (this tab only, gone when it closes). `take` removes it as it reads it, so an
 * operation resumes exactly once whatever happens next.
 */
export type PendingOperationKind = "activate" | "deactivate" | "cancel";

export interface PendingOperation {
  v: 1;
  id: string;
  kind: PendingOperationKind;
  /** Tenant the operation belongs to; it is dropped if the user comes back in another one. */
  tenantId: string;
  /**
   * Role ids (activate, deactivate) or request ids (cancel), each batch with its input (several
   * batches when roles carry different tickets).
   */
  batches: PendingBatch[];
  /** Wait until the activations are effective once sent. */
  wait: boolean;
  /** Outcomes already known before the redirect: those roles are not sent again. */
  settled: Record<string, ActivationOutcome>;
  createdAt: string;
}

export interface PendingBatch {
  targets: string[];
  input: ActivationInput;
}

const storageKey = "pimkit.pendingOperation";
/** An operation older than this is stale: the user has moved on, it is not sent. */
export const pendingOperationMaxAgeMs = 15 * 60 * 1000;

export function savePendingOperation(storage: KeyValueStorage, op: PendingOperation): void {
  storage.setItem(storageKey, JSON.stringify(op));
}

export function peekPendingOperation(storage: KeyValueStorage): PendingOperation | undefined {
  return parsePendingOperation(readJson(storage, storageKey));
}

/** Reads and removes the operation: a second call returns nothing. */
export function takePendingOperation(
  storage: KeyValueStorage,
  now: number = Date.now(),
): { op: PendingOperation; stale: boolean } | undefined {
  const raw = readJson(storage, storageKey);
  storage.removeItem(storageKey);
  const op = parsePendingOperation(raw);
  if (!op) return undefined;
  const age = now - Date.parse(op.createdAt);
  return { op, stale: !(age >= 0 && age < pendingOperationMaxAgeMs) };
}

export function clearPendingOperation(storage: KeyValueStorage): void {
  storage.removeItem(storageKey);
}

const kinds: readonly PendingOperationKind[] = ["activate", "deactivate", "cancel"];
const outcomes: readonly ActivationOutcome[] = [
  "activated",
  "scheduled",
  "pending",
  "already-active",
  "failed",
  "would-activate",
];

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function parseInput(v: unknown): ActivationInput {
  if (!isRecord(v)) return {};
  const input: ActivationInput = {};
  const duration = str(v.duration);
  if (duration) input.duration = duration;
  const justification = str(v.justification);
  if (justification !== undefined) input.justification = justification;
  const start = str(v.start);
  if (start) input.start = start;
  if (isRecord(v.ticket)) {
    const system = str(v.ticket.system);
    const number = str(v.ticket.number);
    if (system !== undefined && number !== undefined) input.ticket = { system, number } satisfies TicketInput;
  }
  if (typeof v.childScope === "string") input.childScope = v.childScope;
  else if (isRecord(v.childScope)) {
    const map: Record<string, string> = {};
    for (const [k, s] of Object.entries(v.childScope)) if (typeof s === "string") map[k] = s;
    input.childScope = map;
  }
  return input;
}

export function parsePendingOperation(v: unknown): PendingOperation | undefined {
  if (!isRecord(v) || v.v !== 1) return undefined;
  const id = str(v.id);
  const kind = kinds.find((k) => k === v.kind);
  const tenantId = str(v.tenantId);
  const createdAt = str(v.createdAt);
  if (!id || !kind || tenantId === undefined || !createdAt || !Array.isArray(v.batches)) return undefined;
  const batches: PendingBatch[] = [];
  for (const b of v.batches) {
    if (!isRecord(b) || !Array.isArray(b.targets)) return undefined;
    batches.push({ targets: b.targets.filter((t): t is string => typeof t === "string"), input: parseInput(b.input) });
  }
  const settled: Record<string, ActivationOutcome> = {};
  if (isRecord(v.settled)) {
    for (const [k, o] of Object.entries(v.settled)) {
      const outcome = outcomes.find((x) => x === o);
      if (outcome) settled[k] = outcome;
    }
  }
  return { v: 1, id, kind, tenantId, batches, wait: v.wait === true, settled, createdAt };
}
