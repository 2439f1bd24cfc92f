/**
 * The generated tenants the benchmarks run on. The builders live in the emulator; until its entry
 * exports them they are reached by path (one place to change).
 */
export {
  buildEnterpriseScenario,
  buildScaleScenario,
  type EnterpriseScenarioOptions,
} from "../../packages/emulator/src/scenario/enterprise";

/** The user who holds the eligibilities in the generated tenants. */
export const benchUser = "jordan.ellis@woodgrove.example.com";
