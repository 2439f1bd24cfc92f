/**
 * One measured run against the local tenant: the request-log window it produced, its wall time,
 * and the figures every benchmark derives from that window.
 */
import type { RequestLogEntry } from "@pimkit/emulator";
import type { EmulatorProcess } from "./emulator-process";
import {
  countActivationWrites,
  countRequests,
  type FinalState,
  finalState,
  httpRequests,
  type RequestCounts,
  sequentialDepth,
  type WriteCounts,
} from "./log-analysis";

export interface Window {
  entries: RequestLogEntry[];
  wallMs: number;
}

/** Highest sequence number in the log so far (the start of the next window). */
export async function logMark(emu: EmulatorProcess): Promise<number> {
  const entries = await emu.admin.requests();
  return entries.at(-1)?.seq ?? 0;
}

/** Runs `fn`, timing it, and returns the log entries it caused. */
export async function measure<T>(emu: EmulatorProcess, fn: () => Promise<T>): Promise<Window & { value: T }> {
  const mark = await logMark(emu);
  const started = performance.now();
  const value = await fn();
  const wallMs = performance.now() - started;
  const entries = await emu.admin.requests(mark);
  return { value, wallMs, entries };
}

/**
 * Time the emulator spent answering: the union of the requests' server-side intervals (concurrent
 * requests count once). Includes the configured latency.
 */
export function emulatorBusyMs(entries: readonly RequestLogEntry[]): number {
  const spans = httpRequests(entries)
    .map((e) => {
      const end = Date.parse(e.time);
      return [end - e.durationMs, end] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = Number.NEGATIVE_INFINITY;
  let curEnd = Number.NEGATIVE_INFINITY;
  for (const [s, e] of spans) {
    if (s > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else curEnd = Math.max(curEnd, e);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

export interface RunFigures {
  wallMs: number;
  requests: RequestCounts;
  /** Longest chain of requests made one after another (round trips on the critical path). */
  sequentialDepth: number;
  writes: WriteCounts;
  /** Sign-in requests that asked for authentication contexts (the step-up). */
  stepUpRequests: number;
  /**
   * Time from a token answer asking for interaction to the sign-in page being opened (the hand-off
   * to a browser), summed; none when every step-up was silent.
   */
  interactiveHandOffMs: number;
}

/** See `RunFigures.interactiveHandOffMs`. */
export function interactiveHandOffMs(entries: readonly RequestLogEntry[]): number {
  const signIn = httpRequests(entries)
    .filter((e) => e.surface === "entra")
    .map((e) => ({ e, end: Date.parse(e.time), start: Date.parse(e.time) - e.durationMs }))
    .sort((a, b) => a.start - b.start);
  let total = 0;
  signIn.forEach((cur, i) => {
    if (cur.e.status !== 400 || !cur.e.path.endsWith("/token")) return;
    const next = signIn.slice(i + 1).find((x) => x.e.path.endsWith("/authorize"));
    if (next) total += Math.max(0, next.start - cur.end);
  });
  return Math.round(total);
}

export function figuresOf(w: Window): RunFigures {
  return {
    wallMs: Math.round(w.wallMs),
    requests: countRequests(w.entries),
    sequentialDepth: sequentialDepth(w.entries),
    writes: countActivationWrites(w.entries),
    stepUpRequests: w.entries.filter((e) => e.surface === "entra" && (e.acrsRequested?.length ?? 0) > 0).length,
    interactiveHandOffMs: interactiveHandOffMs(w.entries),
  };
}

export async function finalStateOf(emu: EmulatorProcess, oid: string): Promise<FinalState> {
  return finalState(await emu.admin.state(), oid);
}
