import type { SecretStoreFactory } from "../auth/secret-store";

/**
 * What the process supplies that tests may replace (gh style: commands get their dependencies
 * injected). Product code never checks whether it runs under test.
 */
export interface CliDeps {
  /** The OS secret store. */
  secretStore: SecretStoreFactory;
  /** Wall clock. */
  now: () => Date;
}
