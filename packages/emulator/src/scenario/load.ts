import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parseDocument } from "yaml";
import { demoScenario } from "./demo";
import { buildEnterpriseScenario } from "./enterprise";
import { jsonPath, ScenarioError } from "./errors";
import { resolveScenario } from "./resolve";
import { scenarioInputSchema } from "./schema";
import type { Scenario } from "./types";

export type { ScenarioIssue } from "./errors";
export { ScenarioError } from "./errors";
export type { ScenarioInput } from "./schema";
export type * from "./types";

/** Names `loadScenario` accepts besides a file path or an object. */
export const builtInScenarioNames = ["demo", "enterprise"] as const;

/**
 * `demo`, `enterprise`, a path to a .json/.yaml/.yml file, or an already-parsed object (the
 * file format, see `schema.ts`). Throws `ScenarioError` with the JSON path of the first problem.
 */
export function loadScenario(source: string | object): Scenario {
  if (typeof source !== "string") return validateScenario(source);
  if (source === "demo") return validateScenario(demoScenario());
  if (source === "enterprise") return validateScenario(buildEnterpriseScenario());
  return validateScenario(readScenarioFile(source));
}

/** Validates and resolves a scenario object. */
export function validateScenario(input: unknown): Scenario {
  const parsed = scenarioInputSchema.safeParse(input);
  if (!parsed.success) {
    throw ScenarioError.fromIssues(
      parsed.error.issues.map((i) => ({ path: jsonPath(i.path), message: issueMessage(i.message, i.code) })),
    );
  }
  return resolveScenario(parsed.data);
}

function issueMessage(message: string, code: string): string {
  // zod's wording for unknown keys does not say what to do about them.
  return code === "unrecognized_keys" ? `${message} (not part of the scenario format)` : message;
}

function readScenarioFile(path: string): unknown {
  const ext = extname(path).toLowerCase();
  if (ext !== ".json" && ext !== ".yaml" && ext !== ".yml") {
    throw new ScenarioError(
      `unknown scenario "${path}": use ${builtInScenarioNames.join(" or ")}, or a .json, .yaml or .yml file`,
      "$",
    );
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new ScenarioError(`cannot read scenario file ${path} (${code})`, "$");
  }
  if (ext === ".json") return parseJson(text, path);
  return parseYaml(text, path);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(detail);
    const where = pos?.[1] !== undefined ? ` at ${lineCol(text, Number(pos[1]))}` : "";
    throw new ScenarioError(`scenario file ${file} is not valid JSON${where}: ${detail}`, "$");
  }
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const where = ` at ${lineCol(text, err.pos[0])}`;
    throw new ScenarioError(`scenario file ${file} is not valid YAML${where}: ${err.code}`, "$");
  }
  return doc.toJS() as unknown;
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}
