/**
 * One listener per caller's signal, whatever the number of requests in flight under it: with
 * 16 reads and several batches at once, a listener each would pass Node's limit of 10 per
 * EventTarget and print a leak warning to the user's terminal.
 */
const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `fn` once when `signal` aborts; the returned function unsubscribes. */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    // Already over: the listener would never fire.
    queueMicrotask(fn);
    return () => undefined;
  }
  let set = subscribers.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    set = fresh;
    subscribers.set(signal, fresh);
    signal.addEventListener(
      "abort",
      () => {
        subscribers.delete(signal);
        for (const f of [...fresh]) f();
      },
      { once: true },
    );
  }
  const mine = set;
  mine.add(fn);
  return () => {
    mine.delete(fn);
  };
}
