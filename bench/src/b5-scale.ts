/**
 * B5 — scale: `role list --all` (cold policy cache) as the eligibilities of one user grow
 * (10 -> 100 -> 1000) in a tenant of fixed size: requests, wall time, peak RSS, and the growth
 * factor of each from one step to the next.
 */
import { type ListRun, listColdWarm } from "./b1-list";
import type { EmulatorProcess } from "./emulator-process";
import type { CliHome, PimkitPath } from "./pimkit";
import { type BenchResult, median, ms, round } from "./results";

export interface ScaleStep {
  eligibilities: number;
  run: (fn: (emu: EmulatorProcess, cli?: CliHome) => Promise<void>) => Promise<void>;
}

export async function benchScale(o: {
  steps: ScaleStep[];
  upn: string;
  latencyMs: number;
  reps: number;
  path: PimkitPath;
  print: (line: string) => void;
}): Promise<BenchResult> {
  const rows: Array<{
    eligibilities: number;
    roles: number;
    medianWallMs: number;
    requests: ListRun["requests"];
    sequentialDepth: number;
    peakRssMb: number | null;
    runs: Array<ListRun & { peakRssMb: number | null }>;
  }> = [];
  for (const step of o.steps) {
    const runs: Array<ListRun & { peakRssMb: number | null }> = [];
    await step.run(async (emu, cli) => {
      for (let rep = 0; rep < o.reps; rep++) {
        await emu.admin.reset();
        const { cold } = await listColdWarm(emu, o.upn, o.path, cli, { probeRss: true, warm: false });
        runs.push(cold);
        o.print(
          `  B5 ${step.eligibilities} eligibilities rep ${rep + 1}/${o.reps}: ${ms(cold.wallMs)}, ${cold.requests.total} requests, peak RSS ${cold.peakRssMb === null ? "n/a" : `${round(cold.peakRssMb)} MiB`}`,
        );
      }
    });
    const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
    const mid = sorted[Math.floor((sorted.length - 1) / 2)] as ListRun & { peakRssMb: number | null };
    const rss = runs.map((r) => r.peakRssMb).filter((v): v is number => v !== null);
    rows.push({
      eligibilities: step.eligibilities,
      roles: mid.roles,
      medianWallMs: Math.round(median(runs.map((r) => r.wallMs))),
      requests: mid.requests,
      sequentialDepth: mid.sequentialDepth,
      peakRssMb: rss.length ? round(median(rss)) : null,
      runs,
    });
  }
  const growth = rows.slice(1).map((r, i) => {
    const prev = rows[i] as (typeof rows)[number];
    const factor = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? round(a / b, 2) : null);
    return {
      from: prev.eligibilities,
      to: r.eligibilities,
      eligibilities: factor(r.eligibilities, prev.eligibilities),
      requests: factor(r.requests.total, prev.requests.total),
      resourceRequestsExcludingPaging: factor(
        r.requests.resourceExcludingPaging,
        prev.requests.resourceExcludingPaging,
      ),
      wall: factor(r.medianWallMs, prev.medianWallMs),
      peakRss: factor(r.peakRssMb, prev.peakRssMb),
    };
  });
  const summary = [
    rows
      .map(
        (r) =>
          `${r.eligibilities}: ${r.requests.total} requests, ${ms(r.medianWallMs)}, ${r.peakRssMb === null ? "RSS n/a" : `${r.peakRssMb} MiB`}`,
      )
      .join("; "),
    growth
      .map(
        (g) =>
          `x${g.eligibilities} eligibilities -> requests x${g.requests}, wall x${g.wall}, RSS x${g.peakRss ?? "n/a"}`,
      )
      .join("; "),
    `path ${o.path}`,
  ].join(" | ");
  return {
    name: "b5-scale",
    title: "B5 scale: role list --all as eligibilities grow",
    summary,
    targets: [],
    figures: {
      latencyMs: o.latencyMs,
      reps: o.reps,
      pimkitPath: o.path,
      rssNote:
        o.path === "cli"
          ? "peak RSS of the pimkit process (getrusage maxRSS)"
          : "peak RSS of the bench process while the core listed (includes the bench itself)",
      steps: rows,
      growth,
    },
  };
}
