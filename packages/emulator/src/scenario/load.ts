// Placeholder contract of the scenario loader; replaced by the real implementation.
export type Scenario = Record<string, unknown>;

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** `demo`, `enterprise`, a path to a .json/.yaml file, or an already-parsed object. */
export function loadScenario(_source: string | object): Scenario {
  throw new ScenarioError("loadScenario is not implemented yet", "$");
}
