import type { ActiveFault, FaultInjector, FaultKind, FaultSpec } from "./faults";

export const faultKinds: readonly FaultKind[] = ["status", "reset", "hang", "truncate", "latency"];

/** A fault spec the injector refuses, with the field at fault (admin API answers 400 with it). */
export class InvalidFaultError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = "InvalidFaultError";
  }
}

export interface FaultInjectorOptions {
  /** Seed of the PRNG behind `probability`, so a flaky-network run can be replayed exactly. */
  seed?: number;
}

/** mulberry32: tiny, fast, and good enough to decide whether a request is hit. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validate(spec: FaultSpec): RegExp | undefined {
  if (spec === null || typeof spec !== "object") throw new InvalidFaultError("a fault must be an object", "$");
  if (!faultKinds.includes(spec.kind)) {
    throw new InvalidFaultError(`kind must be one of ${faultKinds.join(", ")}`, "kind");
  }
  const nonNegative = (field: "latencyMs" | "times" | "after", value: number | undefined) => {
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
      throw new InvalidFaultError(`${field} must be a non-negative number`, field);
    }
  };
  nonNegative("latencyMs", spec.latencyMs);
  nonNegative("times", spec.times);
  nonNegative("after", spec.after);
  if (spec.probability !== undefined) {
    if (typeof spec.probability !== "number" || !(spec.probability >= 0 && spec.probability <= 1)) {
      throw new InvalidFaultError("probability must be a number in [0, 1]", "probability");
    }
  }
  if (spec.kind === "status") {
    const status = spec.status ?? 429;
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new InvalidFaultError("status must be an integer HTTP error status (400-599)", "status");
    }
  }
  if (spec.kind === "latency" && spec.latencyMs === undefined) {
    throw new InvalidFaultError("a latency fault needs latencyMs", "latencyMs");
  }
  if (spec.retryAfter !== undefined && typeof spec.retryAfter !== "string") {
    throw new InvalidFaultError('retryAfter must be a string as sent on the wire (e.g. "2", "0.5")', "retryAfter");
  }
  if (spec.afterHandling !== undefined && typeof spec.afterHandling !== "boolean") {
    throw new InvalidFaultError("afterHandling must be a boolean", "afterHandling");
  }
  if (spec.inBatch !== undefined && typeof spec.inBatch !== "boolean") {
    throw new InvalidFaultError("inBatch must be a boolean", "inBatch");
  }
  if (spec.method !== undefined && typeof spec.method !== "string") {
    throw new InvalidFaultError("method must be a string", "method");
  }
  if (spec.path === undefined) return undefined;
  if (typeof spec.path !== "string") throw new InvalidFaultError("path must be a regular expression source", "path");
  try {
    return new RegExp(spec.path);
  } catch (error) {
    throw new InvalidFaultError(`path is not a valid regular expression: ${(error as Error).message}`, "path");
  }
}

export function createFaultInjector(options: FaultInjectorOptions = {}): FaultInjector {
  const random = createRandom(options.seed ?? 0x5eed);
  let faults: Array<{ fault: ActiveFault; path: RegExp | undefined }> = [];
  let next = 1;
  return {
    add(spec) {
      const path = validate(spec);
      const fault: ActiveFault = {
        ...spec,
        ...(spec.method ? { method: spec.method.toUpperCase() } : {}),
        ...(spec.kind === "status" && spec.status === undefined ? { status: 429 } : {}),
        id: `fault-${next++}`,
        seen: 0,
        fired: 0,
      };
      faults.push({ fault, path });
      return { ...fault };
    },
    remove(id) {
      faults = faults.filter((f) => f.fault.id !== id);
    },
    clear() {
      faults = [];
    },
    list() {
      return faults.map((f) => ({ ...f.fault }));
    },
    pick(method, pathAndQuery, inBatch) {
      const upper = method.toUpperCase();
      for (const { fault, path } of faults) {
        if (fault.method && fault.method !== upper) continue;
        if (fault.inBatch !== undefined && fault.inBatch !== inBatch) continue;
        if (path && !path.test(pathAndQuery)) continue;
        fault.seen += 1;
        if (fault.after !== undefined && fault.seen <= fault.after) continue;
        if (fault.times !== undefined && fault.fired >= fault.times) continue;
        if (fault.probability !== undefined && random() >= fault.probability) continue;
        fault.fired += 1;
        return { ...fault };
      }
      return undefined;
    },
  };
}
