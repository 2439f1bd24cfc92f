/** A controllable clock: the emulator never reads Date.now() directly. */
export interface Clock {
  now(): Date;
  /** Milliseconds since the epoch. */
  nowMs(): number;
  /** Moves the clock forward (tests, `/_emulator/clock`). Real time keeps flowing on top. */
  advance(ms: number): void;
  /** Pins the clock to an instant; real time keeps flowing from there unless frozen. */
  set(at: Date): void;
  /** Stops real time from flowing (tests that need exact instants). */
  freeze(frozen: boolean): void;
}

export function createClock(start?: Date, frozen = false): Clock {
  let offset = start ? start.getTime() - Date.now() : 0;
  let frozenAt: number | undefined = frozen ? Date.now() + offset : undefined;
  const nowMs = () => (frozenAt !== undefined ? frozenAt : Date.now() + offset);
  return {
    nowMs,
    now: () => new Date(nowMs()),
    advance(ms) {
      if (frozenAt !== undefined) frozenAt += ms;
      else offset += ms;
    },
    set(at) {
      if (frozenAt !== undefined) frozenAt = at.getTime();
      else offset = at.getTime() - Date.now();
    },
    freeze(f) {
      if (f && frozenAt === undefined) frozenAt = nowMs();
      if (!f && frozenAt !== undefined) {
        offset = frozenAt - Date.now();
        frozenAt = undefined;
      }
    },
  };
}
