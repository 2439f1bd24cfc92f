/**
 * The benchmark suite: what each benchmark runs on, at full size (`npm run bench`) or tiny (the
 * smoke test in `npm test`, which runs the same code so it cannot rot).
 *
 * B1, B2, B4 and B5 share one local tenant process: each loads its generated Woodgrove tenant
 * through the admin API (the generated tenants keep the same tenant id and user object id, so one
 * sign-in of the CLI serves them all). B3 runs on its own demo tenant without latency.
 */
import { benchList } from "./b1-list";
import { benchBulkActivation } from "./b2-bulk";
import { benchCliStart, demoUser } from "./b3-start";
import { benchPortal, portalDist, portalUnavailable } from "./b4-portal";
import { benchScale } from "./b5-scale";
import { type EmulatorProcess, startEmulatorProcess } from "./emulator-process";
import { type CliHome, cliAvailable, type PimkitPath, prepareCliHome, releaseCliSnapshot } from "./pimkit";
import { type BenchResult, defaultResultsDir, publish } from "./results";
import { benchUser, buildEnterpriseScenario, buildScaleScenario, type EnterpriseScenarioOptions } from "./scenarios";

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

interface Shared {
  emu: EmulatorProcess;
  cli: CliHome | undefined;
}

export async function runBenchmarks(o: SuiteOptions): Promise<SuiteOutcome> {
  const only = o.only ?? benchNames;
  const tiny = o.tiny === true;
  const latencyMs = o.latencyMs ?? (tiny ? 2 : 40);
  const path: PimkitPath = o.path ?? (cliAvailable() ? "cli" : "core");
  const dir = o.write === true ? defaultResultsDir : o.write === false ? null : o.write;
  const outcome: SuiteOutcome = { results: [], skipped: [], errors: [] };
  o.print(
    `pimkit bench: ${only.join(", ")}; latency ${latencyMs} ms; pimkit through ${path === "cli" ? "the built CLI binary" : "the core in-process"}${tiny ? "; tiny sizes" : ""}`,
  );

  let shared: Shared | undefined;
  const tenant = async (scenario: object): Promise<Shared> => {
    if (!shared) {
      const emu = await startEmulatorProcess({
        scenario,
        latencyMs,
        autoSignIn: benchUser,
        ...(portalUnavailable() === undefined ? { portalDir: portalDist } : {}),
      });
      try {
        shared = { emu, cli: path === "cli" ? await prepareCliHome(emu) : undefined };
      } catch (error) {
        await emu.stop();
        throw error;
      }
    } else await shared.emu.admin.loadScenario(scenario);
    return shared;
  };
  const onTenant = async (scenario: object, fn: (emu: EmulatorProcess, cli?: CliHome) => Promise<void>) => {
    const s = await tenant(scenario);
    await fn(s.emu, s.cli);
  };

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
  const enterprise = (options: EnterpriseScenarioOptions = {}) =>
    buildEnterpriseScenario({ ...(tiny ? tinyEnterprise : {}), ...options });

  try {
    await attempt("b1", () => {
      const counts = tiny ? [1, 3] : [5, 50];
      return benchList({
        sizes: counts.map((subscriptions) => ({
          label: `${subscriptions} subscriptions`,
          subscriptions,
          run: (fn) => onTenant(enterprise({ subscriptions }), fn),
        })),
        upn: benchUser,
        latencyMs,
        reps: o.reps ?? (tiny ? 1 : 3),
        path,
        print: o.print,
      });
    });

    await attempt("b2", async () => {
      const s = await tenant(enterprise());
      return benchBulkActivation({
        emu: s.emu,
        upn: benchUser,
        latencyMs,
        reps: o.reps ?? (tiny ? 1 : 3),
        path,
        ...(s.cli ? { cli: s.cli } : {}),
        // Tiny runs keep the smoke test short; the in-process path still covers the warm variant.
        includeWarmPolicies: !tiny || path === "core",
        scenario: tiny ? `enterprise ${JSON.stringify(tinyEnterprise)}` : "enterprise (defaults: 50 subscriptions)",
        print: o.print,
      });
    });

    await attempt("b3", async () => {
      if (!cliAvailable()) return { skipped: "the CLI binary is not built (packages/cli/dist/pimkit.cjs)" };
      // The emulator's own time is subtracted, so no latency is added (less noise).
      const emu = await startEmulatorProcess({ scenario: "demo", latencyMs: 0, autoSignIn: demoUser });
      try {
        const cli = await prepareCliHome(emu);
        try {
          return await benchCliStart({ emu, cli, runs: tiny ? 1 : 20, warmUp: !tiny, print: o.print });
        } finally {
          cli.close();
        }
      } finally {
        await emu.stop();
      }
    });

    await attempt("b4", async () => {
      const missing = portalUnavailable();
      if (missing) return { skipped: missing };
      const s = await tenant(enterprise());
      return benchPortal({ emu: s.emu, reps: o.reps ?? (tiny ? 1 : 3), latencyMs, print: o.print });
    });

    await attempt("b5", () => {
      const counts = tiny ? [3, 9] : [10, 100, 1000];
      return benchScale({
        steps: counts.map((eligibilities) => ({
          eligibilities,
          run: (fn) => onTenant(buildScaleScenario(eligibilities), fn),
        })),
        upn: benchUser,
        latencyMs,
        reps: o.reps ?? (tiny ? 1 : 2),
        path,
        print: o.print,
      });
    });
  } finally {
    shared?.cli?.close();
    await shared?.emu.stop();
    releaseCliSnapshot();
  }
  return outcome;
}
