import { onAbort } from "./abort";
/** Time as the core sees it: injected so retries, waits and TTLs run on a fake clock in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason ?? new Error("aborted"));
        return;
      }
      const timer = setTimeout(
        () => {
          stop();
          resolve();
        },
        Math.max(0, ms),
      );
      const stop = onAbort(signal, () => {
        clearTimeout(timer);
        reject(signal?.reason ?? new Error("aborted"));
      });
    }),
};

/**
 * A clock that only moves when slept on or advanced: `sleep` advances time instantly, so retry
 * and polling logic is tested without waiting.
 */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  /** Total milliseconds slept through `sleep`. */
  readonly slept: number[];
}

export function createManualClock(startMs = Date.parse("2026-03-01T08:00:00Z")): ManualClock {
  let t = startMs;
  const slept: number[] = [];
  return {
    now: () => t,
    slept,
    advance(ms) {
      t += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason ?? new Error("aborted");
      slept.push(ms);
      t += Math.max(0, ms);
      // Yield so concurrent work interleaves as it would with real timers.
      await Promise.resolve();
    },
  };
}
