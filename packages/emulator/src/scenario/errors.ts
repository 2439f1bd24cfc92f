export interface ScenarioIssue {
  /** JSON path of the offending value, e.g. `$.eligibilities[3].group`. */
  path: string;
  message: string;
}

/** A scenario that cannot be loaded. `path` is the first problem's JSON path; `issues` lists them all. */
export class ScenarioError extends Error {
  readonly issues: readonly ScenarioIssue[];

  constructor(
    message: string,
    readonly path: string,
    issues?: readonly ScenarioIssue[],
  ) {
    super(message);
    this.name = "ScenarioError";
    this.issues = issues ?? [{ path, message }];
  }

  static fromIssues(issues: readonly ScenarioIssue[]): ScenarioError {
    const first = issues[0] ?? { path: "$", message: "invalid scenario" };
    const lines = issues.slice(0, 20).map((i) => `  ${i.path}: ${i.message}`);
    if (issues.length > 20) lines.push(`  … and ${issues.length - 20} more`);
    const message =
      issues.length === 1
        ? `invalid scenario at ${first.path}: ${first.message}`
        : `invalid scenario (${issues.length} problems):\n${lines.join("\n")}`;
    return new ScenarioError(message, first.path, issues);
  }
}

/** `$.a[3].b` from path segments; keys that are not identifiers are quoted (`$["odd key"]`). */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let out = "$";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (typeof s === "string" && /^[A-Za-z_$][\w$]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out;
}
