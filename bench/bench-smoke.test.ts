/**
 * Smoke run of every benchmark at tiny sizes, so `npm run bench` cannot rot. Timing targets are
 * not asserted here (tiny tenants say nothing about speed); what each benchmark checks about
 * correctness is: the same final state for the three ways of B2 with no duplicate activation
 * request, the same request count for every subscription count in B1, and result files that
 * carry the machine facts.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { portalUnavailable } from "./src/b4-portal";
import { cliAvailable } from "./src/pimkit";
import type { BenchResult } from "./src/results";
import { type BenchName, runBenchmarks, type SuiteOutcome } from "./src/suite";

const dir = mkdtempSync(join(tmpdir(), "pimkit-bench-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function result(outcome: SuiteOutcome, name: string): BenchResult {
  const r = outcome.results.find((x) => x.name === name);
  if (!r) throw new Error(`no result ${name}: ${JSON.stringify(outcome.errors)}`);
  return r;
}

function target(r: BenchResult, startsWith: string) {
  const t = r.targets.find((x) => x.target.startsWith(startsWith));
  if (!t) throw new Error(`${r.name} has no target "${startsWith}"`);
  return t;
}

describe("bench smoke (tiny sizes)", () => {
  it("runs every benchmark and writes its result file", { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const outcome = await runBenchmarks({ tiny: true, write: dir, print: (l) => lines.push(l) });
    expect(outcome.errors).toEqual([]);

    const expectedSkips: Partial<Record<BenchName, boolean>> = {
      b3: !cliAvailable(),
      b4: portalUnavailable() !== undefined,
    };
    expect(outcome.skipped.map((s) => s.name).sort()).toEqual(
      Object.entries(expectedSkips)
        .filter(([, skip]) => skip)
        .map(([n]) => n)
        .sort(),
    );

    const b1 = result(outcome, "b1-list");
    expect(target(b1, "same number of requests for every subscription count, paging aside (cold)").met).toBe(true);

    const b2 = result(outcome, "b2-bulk-activation");
    expect(target(b2, "same final state").met).toBe(true);
    expect(target(b2, "0 duplicate").met).toBe(true);
    const b2Figures = b2.figures as {
      medianRuns: Record<string, { final: { activated: number; pendingApproval: number } }>;
    };
    // The tiny tenant has approval-required roles and roles that need c1: both kinds were handled.
    expect(b2Figures.medianRuns.pimkit?.final.pendingApproval).toBeGreaterThan(0);
    expect(b2Figures.medianRuns.pimkit?.final.activated).toBeGreaterThan(0);

    const b5 = result(outcome, "b5-scale");
    const steps = (b5.figures as { steps: Array<{ requests: { total: number } }> }).steps;
    expect(steps).toHaveLength(2);
    for (const s of steps) expect(s.requests.total).toBeGreaterThan(0);

    if (!expectedSkips.b3) {
      const b3 = result(outcome, "b3-cli-start");
      expect((b3.figures as { version: { allMs: number[] } }).version.allMs).toHaveLength(1);
    }
    if (!expectedSkips.b4) {
      const b4 = result(outcome, "b4-portal");
      const f = b4.figures as { shippedJs: { gzipKiB: number }; runs: Array<{ rows: number }> };
      expect(f.shippedJs.gzipKiB).toBeGreaterThan(0);
      expect(f.runs[0]?.rows).toBeGreaterThan(0);
    }

    for (const r of outcome.results) {
      const file = JSON.parse(readFileSync(join(dir, `${r.name}.json`), "utf8")) as {
        summary: string;
        machine: { date: string; node: string; cpuCount: number };
      };
      expect(file.summary).toBe(r.summary);
      expect(Date.parse(file.machine.date)).not.toBeNaN();
      expect(file.machine.node).toBe(process.version);
      expect(file.machine.cpuCount).toBeGreaterThan(0);
      expect(lines).toContain(`${r.name}: ${r.summary}`);
    }
  });

  it("the in-process core path of B1 and B2 works too", { timeout: 60_000 }, async () => {
    const outcome = await runBenchmarks({
      tiny: true,
      only: ["b1", "b2"],
      path: "core",
      write: false,
      print: () => undefined,
    });
    expect(outcome.errors).toEqual([]);
    const b2 = result(outcome, "b2-bulk-activation");
    expect(target(b2, "same final state").met).toBe(true);
    expect(target(b2, "0 duplicate").met).toBe(true);
    const runs = (b2.figures as { medianRuns: Record<string, { final: { untouched: number } }> }).medianRuns;
    expect(runs.pimkitWarmPolicies?.final.untouched).toBe(0);
    expect(
      target(result(outcome, "b1-list"), "same number of requests for every subscription count, paging aside (cold)")
        .met,
    ).toBe(true);
  });
});
