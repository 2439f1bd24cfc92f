import { useRef, useSyncExternalStore } from "react";

/**
 * A minimal external store: state replaced immutably, listeners told after each change. React
 * reads it with `useStore`, services change it without knowing about React.
 */
export interface Store<T> {
  get(): T;
  set(update: (current: T) => T): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(update) {
      const next = update(state);
      if (Object.is(next, state)) return;
      state = next;
      for (const l of [...listeners]) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/**
 * Reads a slice of a store. The slice is recomputed only when the state object changes, and a
 * recomputed array or object that is shallowly equal to the previous one keeps the previous
 * identity, so selectors may filter and map freely without re-render loops. Selectors must derive
 * only from the state they are given.
 */
export function useStore<T, S>(store: Store<T>, select: (state: T) => S): S {
  const cache = useRef<{ state: T; value: S } | null>(null);
  const selectRef = useRef(select);
  selectRef.current = select;
  const getSnapshot = () => {
    const state = store.get();
    const c = cache.current;
    if (c && Object.is(c.state, state)) return c.value;
    const value = selectRef.current(state);
    if (c && shallowEqual(c.value, value)) {
      cache.current = { state, value: c.value };
      return c.value;
    }
    cache.current = { state, value };
    return value;
  };
  return useSyncExternalStore(store.subscribe, getSnapshot, getSnapshot);
}

export function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  }
  if (
    typeof a === "object" &&
    typeof b === "object" &&
    a !== null &&
    b !== null &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}
