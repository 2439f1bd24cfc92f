/**
 * B1 — `role list --all` on the enterprise tenant at the same latency, with few and with many
 * subscriptions. Cold: a fresh run with signed-in tokens but no cached policies. Warm: the same
 * folder (or client) listing again, with the policies cached. The request count (paging aside)
 * must not depend on the number of subscriptions.
 */
import type { EmulatorProcess } from "./emulator-process";
import { figuresOf, measure, type RunFigures } from "./measure";
import { type CliHome, coreClient, type PimkitPath, signedInCredential } from "./pimkit";
import { type BenchResult, median, ms, round } from "./results";

export interface ListRun extends RunFigures {
  roles: number;
  azureRoles: number;
}

interface ListedRole {
  kind: string;
}

/** A cold listing, then (unless `warm: false`) a warm one; `dir`/client shared between the two. */
export async function listColdWarm(
  emu: EmulatorProcess,
  upn: string,
  path: PimkitPath,
  cli: CliHome | undefined,
  options: { probeRss?: boolean; warm?: boolean } = {},
): Promise<{ cold: ListRun & { peakRssMb: number | null }; warm: ListRun | null }> {
  const wantWarm = options.warm !== false;
  const tally = (roles: ListedRole[]) => ({
    roles: roles.length,
    azureRoles: roles.filter((r) => r.kind === "azureRole").length,
  });
  if (path === "cli") {
    if (!cli) throw new Error("the CLI path needs a signed-in CLI home");
    const dir = cli.fresh();
    const args = ["role", "list", "--all", "-o", "json"];
    const once = async (probeRss: boolean) => {
      const w = await measure(emu, () => cli.run(args, { dir, probeRss }));
      if (w.value.exitCode !== 0) {
        throw new Error(`pimkit role list exited ${w.value.exitCode}: ${w.value.stderr.slice(0, 800)}`);
      }
      const roles = JSON.parse(w.value.stdout) as ListedRole[];
      return { ...figuresOf(w), ...tally(roles), peakRssMb: w.value.peakRssMb };
    };
    const cold = await once(options.probeRss === true);
    const warm = wantWarm ? await once(false) : null;
    return { cold, warm };
  }
  const credential = await signedInCredential(emu, upn);
  const client = coreClient(emu, credential);
  const sampler = rssSampler();
  const coldW = await measure(emu, () => client.listRoles());
  const peak = sampler.stop();
  const warmW = wantWarm ? await measure(emu, () => client.listRoles()) : null;
  return {
    cold: { ...figuresOf(coldW), ...tally(coldW.value.roles), peakRssMb: options.probeRss ? peak : null },
    warm: warmW ? { ...figuresOf(warmW), ...tally(warmW.value.roles) } : null,
  };
}

/** Peak RSS of this process while it runs (core path only: it includes the bench itself). */
export function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / 2 ** 20;
    },
  };
}

export interface B1Size {
  label: string;
  subscriptions: number;
  emu: EmulatorProcess;
  cli?: CliHome;
}

/** Rounds pimkit's listing needs at least: reads, then policies (ARM: 4 in flight, one read per Azure role). */
export function listBound(azureRoles: number, cold: boolean, armInFlight = 16) {
  if (!cold) return { idealRounds: 1, cappedRounds: 1 };
  return { idealRounds: 2, cappedRounds: 1 + Math.max(1, Math.ceil(azureRoles / armInFlight)) };
}

export async function benchList(o: {
  sizes: Array<
    Omit<B1Size, "emu" | "cli"> & { run: (fn: (emu: EmulatorProcess, cli?: CliHome) => Promise<void>) => Promise<void> }
  >;
  upn: string;
  latencyMs: number;
  reps: number;
  path: PimkitPath;
  print: (line: string) => void;
}): Promise<BenchResult> {
  const perSize: Array<{ label: string; subscriptions: number; cold: ListRun[]; warm: ListRun[] }> = [];
  for (const size of o.sizes) {
    const cold: ListRun[] = [];
    const warm: ListRun[] = [];
    await size.run(async (emu, cli) => {
      for (let rep = 0; rep < o.reps; rep++) {
        await emu.admin.reset();
        const r = await listColdWarm(emu, o.upn, o.path, cli);
        if (!r.warm) throw new Error("no warm listing");
        cold.push(r.cold);
        warm.push(r.warm);
        o.print(
          `  B1 ${size.label} rep ${rep + 1}/${o.reps}: cold ${ms(r.cold.wallMs)} ${r.cold.requests.total} requests, warm ${ms(r.warm.wallMs)} ${r.warm.requests.total} requests, ${r.cold.roles} roles`,
        );
      }
    });
    perSize.push({ label: size.label, subscriptions: size.subscriptions, cold, warm });
  }
  const pick = (runs: ListRun[]) => {
    const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
    return sorted[Math.floor((sorted.length - 1) / 2)] as ListRun;
  };
  const rows = perSize.map((s) => {
    const c = pick(s.cold);
    const w = pick(s.warm);
    const cb = listBound(c.azureRoles, true);
    const wb = listBound(c.azureRoles, false);
    const coldWall = median(s.cold.map((r) => r.wallMs));
    const warmWall = median(s.warm.map((r) => r.wallMs));
    return {
      label: s.label,
      subscriptions: s.subscriptions,
      roles: c.roles,
      azureRoles: c.azureRoles,
      cold: {
        medianWallMs: Math.round(coldWall),
        requests: c.requests,
        sequentialDepth: c.sequentialDepth,
        bound: {
          ...cb,
          cappedMs: cb.cappedRounds * o.latencyMs,
          ratio: round(coldWall / (cb.cappedRounds * o.latencyMs), 2),
        },
      },
      warm: {
        medianWallMs: Math.round(warmWall),
        requests: w.requests,
        sequentialDepth: w.sequentialDepth,
        bound: {
          ...wb,
          cappedMs: wb.cappedRounds * o.latencyMs,
          ratio: round(warmWall / (wb.cappedRounds * o.latencyMs), 2),
        },
      },
      runs: { cold: s.cold, warm: s.warm },
    };
  });
  const first = rows[0];
  const last = rows[rows.length - 1];
  const sameCold = rows.every(
    (r) => r.cold.requests.resourceExcludingPaging === first?.cold.requests.resourceExcludingPaging,
  );
  const sameWarm = rows.every(
    (r) => r.warm.requests.resourceExcludingPaging === first?.warm.requests.resourceExcludingPaging,
  );
  const describe = (pickReq: (r: (typeof rows)[number]) => number) =>
    rows.map((r) => `${r.label}: ${pickReq(r)}`).join(", ");
  return {
    name: "b1-list",
    title: "B1 role list --all: cost vs number of subscriptions",
    summary: rows
      .map(
        (r) =>
          `${r.label}: cold ${ms(r.cold.medianWallMs)} / ${r.cold.requests.resourceExcludingPaging} requests (+${r.cold.requests.paging} pages, +${r.cold.requests.signIn} sign-in), warm ${ms(r.warm.medianWallMs)} / ${r.warm.requests.resourceExcludingPaging} requests; cold ${r.cold.bound.ratio}x its bound`,
      )
      .join("; ")
      .concat(
        first && last && first !== last
          ? `; ${last.label}/${first.label} wall ${round(last.cold.medianWallMs / first.cold.medianWallMs, 2)}x; path ${o.path}`
          : `; path ${o.path}`,
      ),
    targets: [
      {
        target: "same number of requests for every subscription count, paging aside (cold)",
        measured: describe((r) => r.cold.requests.resourceExcludingPaging),
        met: sameCold,
      },
      {
        target: "same number of requests for every subscription count, paging aside (warm policy cache)",
        measured: describe((r) => r.warm.requests.resourceExcludingPaging),
        met: sameWarm,
      },
    ],
    figures: { latencyMs: o.latencyMs, reps: o.reps, pimkitPath: o.path, sizes: rows },
  };
}
