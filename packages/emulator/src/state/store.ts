// Placeholder contract of the tenant store; replaced by the real implementation.
import type { Clock } from "../clock";
import type { Scenario } from "../scenario/load";
import type { TenantState } from "./api";
import type { EmulatorSettings } from "./model";

export function createTenantState(
  _scenario: Scenario,
  _clock: Clock,
  _settings: Partial<EmulatorSettings> = {},
): TenantState {
  throw new Error("createTenantState is not implemented yet");
}
