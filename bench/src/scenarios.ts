/** The generated tenants the benchmarks run on; the builders live in the emulator. */
export { buildEnterpriseScenario, buildScaleScenario, type EnterpriseScenarioOptions } from "@pimkit/emulator";

/** The user who holds the eligibilities in the generated tenants. */
export const benchUser = "jordan.ellis@woodgrove.example.com";
