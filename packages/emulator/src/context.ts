import type { Clock } from "./clock";
import type { TokenVerifier } from "./entra/types";
import type { FaultInjector, RequestLog } from "./http/faults";
import type { TenantState } from "./state/api";

/**
 * What every surface gets. `state` is read through the getter on each request because
 * `/_emulator/reset` and `/_emulator/scenario` replace it.
 */
export interface EmulatorContext {
  /** https://127.0.0.1:<port> (no trailing slash); all URLs the emulator emits start with it. */
  readonly publicBase: string;
  readonly state: TenantState;
  readonly clock: Clock;
  readonly tokens: TokenVerifier;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  /** Fresh GUID (v4). */
  newId(): string;
}

/** The same context with another tenant state (the guest tenant a token was issued for). */
export function withState(ctx: EmulatorContext, state: TenantState): EmulatorContext {
  return {
    get publicBase() {
      return ctx.publicBase;
    },
    state,
    clock: ctx.clock,
    get tokens() {
      return ctx.tokens;
    },
    faults: ctx.faults,
    log: ctx.log,
    newId: () => ctx.newId(),
  };
}
