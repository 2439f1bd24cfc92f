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
