/**
 * The benchmark suite: what each benchmark runs on, at full size (`npm run bench`) or tiny (the
 * smoke test in `npm test`, which runs the same code so it cannot rot).
 */
import { benchBulkActivation } from "./b2-bulk";
import { type EmulatorProcess, startEmulatorProcess } from "./emulator-process";
import { type CliHome, cliAvailable, type PimkitPath, prepareCliHome } from "./pimkit";
import { type BenchResult, defaultResultsDir, publish } from "./results";
import { benchUser, buildEnterpriseScenario, type EnterpriseScenarioOptions } from "./scenarios";

export const benchNames = ["b1", "b2", "b3", "b4", "b5"] as const;
export type BenchName = (typeof benchNames)[number];

export interface SuiteOptions {
  only?: readonly BenchName[];
  reps?: number;
  latencyMs?: number;
  path?: PimkitPath;
  /** true: bench/results; a string: that folder; false: print only. */
  write: boolean | string;
  print: (line: string) => void;
  /** Tiny tenants and one repetition (the smoke test). */
  tiny?: boolean;
}

export interface SuiteOutcome {
  results: BenchResult[];
  skipped: Array<{ name: BenchName; reason: string }>;
  errors: Array<{ name: BenchName; error: string }>;
}

/** Tiny sizes that still hold every policy kind (justification, ticket, MFA, c1, approval). */
export const tinyEnterprise: EnterpriseScenarioOptions = {
  subscriptions: 2,
  managementGroups: 1,
  entraEligibilities: 3,
  groupEligibilities: 2,
  azureEligibilities: 3,
};

async function withEmulator<T>(
  scenario: object | string,
  latencyMs: number,
  fn: (emu: EmulatorProcess) => Promise<T>,
): Promise<T> {
  const emu = await startEmulatorProcess({ scenario, latencyMs, autoSignIn: benchUser });
  try {
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

async function withCli<T>(emu: EmulatorProcess, path: PimkitPath, fn: (cli?: CliHome) => Promise<T>): Promise<T> {
  if (path !== "cli") return fn(undefined);
  const cli = await prepareCliHome(emu);
  try {
    return await fn(cli);
  } finally {
    cli.close();
  }
}

export async function runBenchmarks(o: SuiteOptions): Promise<SuiteOutcome> {
  const only = o.only ?? benchNames;
  const tiny = o.tiny === true;
  const latencyMs = o.latencyMs ?? (tiny ? 2 : 40);
  const path: PimkitPath = o.path ?? (cliAvailable() ? "cli" : "core");
  const dir = o.write === true ? defaultResultsDir : o.write === false ? null : o.write;
  const outcome: SuiteOutcome = { results: [], skipped: [], errors: [] };
  o.print(`pimkit bench: ${only.join(", ")}; latency ${latencyMs} ms; pimkit through ${path === "cli" ? "the built CLI binary" : "the core in-process"}${tiny ? "; tiny sizes" : ""}`);

  const attempt = async (name: BenchName, fn: () => Promise<BenchResult | { skipped: string }>) => {
    if (!only.includes(name)) return;
    try {
      const r = await fn();
      if ("skipped" in r) {
        outcome.skipped.push({ name, reason: r.skipped });
        o.print(`${name}: skipped — ${r.skipped}`);
        return;
      }
      outcome.results.push(r);
      publish(r, dir, o.print);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      outcome.errors.push({ name, error: message });
      o.print(`${name}: FAILED — ${message}`);
    }
  };

  await attempt("b2", () => {
    const scenarioOptions = tiny ? tinyEnterprise : {};
    return withEmulator(buildEnterpriseScenario(scenarioOptions), latencyMs, (emu) =>
      withCli(emu, path, (cli) =>
        benchBulkActivation({
          emu,
          upn: benchUser,
          latencyMs,
          reps: o.reps ?? (tiny ? 1 : 3),
          path,
          ...(cli ? { cli } : {}),
          scenario: tiny ? `enterprise ${JSON.stringify(scenarioOptions)}` : "enterprise (defaults)",
          print: o.print,
        }),
      ),
    );
  });
  return outcome;
}
