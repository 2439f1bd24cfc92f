/**
 * B2 — bulk activation of every eligible role, three ways against the same local tenant in the
 * same run: (a) pimkit, (b) one request at a time with policies read per role (the serial
 * scripts and CLIs), (c) the best browser tool's approach (`$batch` of 20, ARM 4 in flight,
 * policies in bulk). The tenant is reset before each run; every run starts signed in (Graph and
 * ARM tokens held, no authentication context yet), so the step-up is part of the work measured.
 * A fourth run per repetition, pimkit with its policy cache filled by an earlier listing, is
 * reported beside the targets (what a second command of the day costs), not instead of them.
 */
import { activateAllBatched } from "../baselines/batched";
import { activateAllSerial } from "../baselines/serial";
import { type ActivationFields, createWire, type Outcome } from "../baselines/wire";
import type { EmulatorProcess } from "./emulator-process";
import type { FinalState } from "./log-analysis";
import { figuresOf, finalStateOf, measure, type RunFigures } from "./measure";
import { type CliHome, coreClient, type PimkitPath, readCloud, signedInCredential, tallyOutcomes } from "./pimkit";
import { type BenchResult, median, ms, round } from "./results";

export type Way = "pimkit" | "pimkitWarmPolicies" | "serial" | "batched";

export const wayLabels: Record<Way, string> = {
  pimkit: "(a) pimkit",
  pimkitWarmPolicies: "(a') pimkit with its policy cache already filled by an earlier `role list` (not a target)",
  serial: "(b) one request at a time, policy per role",
  batched: "(c) $batch 20 + ARM 4 in flight + bulk policies",
};

export const activationFields: ActivationFields = {
  justification: "bench: bulk activation",
  ticketSystem: "Bench",
  ticketNumber: "BENCH-1",
};

export interface B2Options {
  emu: EmulatorProcess;
  upn: string;
  latencyMs: number;
  reps: number;
  path: PimkitPath;
  cli?: CliHome;
  /** Also run pimkit with its policy cache filled first (default true). */
  includeWarmPolicies?: boolean;
  /** What the scenario is, for the result file. */
  scenario: string;
  print: (line: string) => void;
}

interface Run extends RunFigures {
  way: Way;
  rep: number;
  outcomes: Record<string, number>;
  final: FinalState;
}

async function runOnce(o: B2Options, way: Way, rep: number): Promise<Run> {
  const { emu } = o;
  await emu.admin.reset();
  const cloud = readCloud(emu);
  let outcomes: Record<string, number>;
  let window: Awaited<ReturnType<typeof measure>>;
  const warm = way === "pimkitWarmPolicies";
  if ((way === "pimkit" || warm) && o.path === "cli") {
    const cli = o.cli;
    if (!cli) throw new Error("the CLI path needs a signed-in CLI home");
    const dir = cli.fresh();
    if (warm) {
      const list = await cli.run(["role", "list", "--all", "-o", "json"], { dir });
      if (list.exitCode !== 0)
        throw new Error(`pimkit role list exited ${list.exitCode}: ${list.stderr.slice(0, 800)}`);
    }
    window = await measure(emu, () =>
      cli.run(
        [
          "role",
          "activate",
          "--all-eligible",
          "--justification",
          activationFields.justification,
          "--ticket-system",
          activationFields.ticketSystem,
          "--ticket-number",
          activationFields.ticketNumber,
          "-o",
          "json",
        ],
        { dir },
      ),
    );
    const run = window.value as { exitCode: number | null; stdout: string; stderr: string };
    let parsed: unknown;
    try {
      parsed = JSON.parse(run.stdout);
    } catch {
      throw new Error(`pimkit role activate printed no JSON (exit ${run.exitCode}): ${run.stderr.slice(0, 800)}`);
    }
    outcomes = tallyOutcomes(Array.isArray(parsed) ? (parsed as Array<{ outcome: string }>) : []);
    outcomes[`exit:${run.exitCode}`] = 1;
  } else {
    const credential = await signedInCredential(emu, o.upn);
    if (way === "pimkit" || warm) {
      const client = coreClient(emu, credential);
      if (warm) await client.listRoles();
      window = await measure(emu, async () => {
        const listing = await client.listRoles();
        const eligible = listing.roles.filter((r) => r.state === "eligible");
        return client.activate(eligible, {
          justification: activationFields.justification,
          ticket: { system: activationFields.ticketSystem, number: activationFields.ticketNumber },
        });
      });
      outcomes = tallyOutcomes(window.value as Array<{ outcome: string; error?: { code?: string } | null }>);
    } else {
      const wire = createWire({
        fetch: emu.fetch,
        credential,
        graphBase: `${cloud.graphEndpoint}/v1.0`,
        armBase: cloud.armEndpoint,
        graphResource: cloud.graphResource,
        armResource: cloud.armResource,
      });
      // The principal id comes from the token already held; no request is made for it.
      await wire.principalId();
      window = await measure(emu, () =>
        way === "serial" ? activateAllSerial(wire, activationFields) : activateAllBatched(wire, activationFields),
      );
      outcomes = {};
      for (const r of window.value as Outcome[]) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    }
  }
  const oid = o.emu.users.find((u) => u.upn === o.upn)?.oid ?? "";
  return { way, rep, ...figuresOf(window), outcomes, final: await finalStateOf(emu, oid) };
}

/**
 * The round-trip lower bound of pimkit's design for this work. Unbounded: reads (1) -> policies
 * (1) -> step-up sign-in requests (s) -> writes (1). With the concurrency pimkit uses (16 ARM reads
 * and 8 ARM writes in flight), the Azure roles turn the policy phase into ceil(n/16) rounds and the
 * write phase into ceil(n/8); the step-up runs while the roles that need no context are written, so
 * the writes take whichever is longer: the step-up and one round, or the write rounds.
 */
export function designBound(nAzure: number, stepUp: number, armReadsInFlight = 16, armWritesInFlight = 8) {
  const ideal = 3 + stepUp;
  const readRounds = Math.max(1, Math.ceil(nAzure / armReadsInFlight));
  const writeRounds = Math.max(1, Math.ceil(nAzure / armWritesInFlight));
  const capped = 1 + readRounds + Math.max(stepUp + 1, writeRounds);
  return { idealRounds: ideal, cappedRounds: capped };
}

export async function benchBulkActivation(o: B2Options): Promise<BenchResult> {
  const ways: Way[] = ["pimkit", "serial", "batched"];
  if (o.includeWarmPolicies !== false) ways.push("pimkitWarmPolicies");
  const runs: Run[] = [];
  for (let rep = 0; rep < o.reps; rep++) {
    // Rotating the order spreads any drift of the machine over the ways.
    const order = ways.map((_, i) => ways[(i + rep) % ways.length] as Way);
    for (const way of order) {
      const run = await runOnce(o, way, rep);
      runs.push(run);
      o.print(
        `  B2 rep ${rep + 1}/${o.reps} ${way}: ${ms(run.wallMs)}, ${run.requests.total} requests (${run.requests.batchItems} in $batch), depth ${run.sequentialDepth}, untouched ${run.final.untouched}, duplicates ${run.writes.rolesWithDuplicates}`,
      );
    }
  }
  const byWay = (w: Way) => runs.filter((r) => r.way === w);
  const medianRun = (w: Way): Run => {
    const list = byWay(w).sort((a, b) => a.wallMs - b.wallMs);
    return list[Math.floor((list.length - 1) / 2)] as Run;
  };
  const wall = (w: Way) => median(byWay(w).map((r) => r.wallMs));
  const a = wall("pimkit");
  const b = wall("serial");
  const c = wall("batched");
  const aWarm = ways.includes("pimkitWarmPolicies") ? wall("pimkitWarmPolicies") : Number.NaN;
  const pim = medianRun("pimkit");
  const azureRoles = pim.writes.rolesByPlane.azure;
  const bound = designBound(azureRoles, pim.stepUpRequests);
  const latency = o.latencyMs;
  const states = ways.map((w) => medianRun(w).final);
  const sameState =
    states.every((s) => s.untouched === 0) &&
    states.every((s) => s.activated === states[0]?.activated && s.pendingApproval === states[0]?.pendingApproval);
  const duplicates = Math.max(...runs.map((r) => r.writes.rolesWithDuplicates));
  const handOff = median(byWay("pimkit").map((r) => r.interactiveHandOffMs));
  const summary = `pimkit ${ms(a)}${handOff > 0 ? ` (incl. ${ms(handOff)} handing the step-up sign-in to the browser)` : ""} vs serial ${ms(b)} (${round(b / a)}x) vs batched ${ms(c)} (${round(c / a)}x); requests ${pim.requests.total} / ${medianRun("serial").requests.total} / ${medianRun("batched").requests.total}; pimkit / design bound ${round(a / (bound.cappedRounds * latency))}x (capped, ${bound.cappedRounds} rounds) and ${round(a / (bound.idealRounds * latency))}x (unbounded, ${bound.idealRounds} rounds); duplicates ${duplicates}${Number.isNaN(aWarm) ? "" : `; with policies already cached pimkit ${ms(aWarm)} (${round(b / aWarm)}x / ${round(c / aWarm)}x)`}; path ${o.path}`;
  return {
    name: "b2-bulk-activation",
    title: "B2 bulk activation of every eligible role: pimkit vs serial vs batched",
    summary,
    targets: [
      { target: "pimkit >= 10x faster than (b) serial", measured: `${round(b / a)}x`, met: b / a >= 10 },
      { target: "pimkit >= 2x faster than (c) batched", measured: `${round(c / a)}x`, met: c / a >= 2 },
      {
        target: "same final state (every eligible role activated or pending approval)",
        measured: states
          .map((s, i) => `${ways[i]}: ${s.activated} activated, ${s.pendingApproval} pending, ${s.untouched} untouched`)
          .join("; "),
        met: sameState,
      },
      { target: "0 duplicate activation requests", measured: String(duplicates), met: duplicates === 0 },
    ],
    figures: {
      scenario: o.scenario,
      latencyMs: latency,
      reps: o.reps,
      pimkitPath: o.path,
      ways: wayLabels,
      medianWallMs: {
        pimkit: Math.round(a),
        serial: Math.round(b),
        batched: Math.round(c),
        pimkitWarmPolicies: Math.round(aWarm),
      },
      speedup: { vsSerial: round(b / a, 2), vsBatched: round(c / a, 2) },
      speedupWithPoliciesCached: { vsSerial: round(b / aWarm, 2), vsBatched: round(c / aWarm, 2) },
      speedupWithoutBrowserHandOff: {
        medianHandOffMs: Math.round(handOff),
        vsSerial: round(b / (a - handOff), 2),
        vsBatched: round(c / (a - handOff), 2),
      },
      lowerBound: {
        azureRoles,
        stepUpRequests: pim.stepUpRequests,
        idealRounds: bound.idealRounds,
        idealMs: bound.idealRounds * latency,
        cappedRounds: bound.cappedRounds,
        cappedMs: bound.cappedRounds * latency,
        pimkitObservedDepth: pim.sequentialDepth,
        pimkitBrowserHandOffMs: pim.interactiveHandOffMs,
        ratioToCappedWithoutHandOff: round((a - pim.interactiveHandOffMs) / (bound.cappedRounds * latency), 2),
        ratioToCapped: round(a / (bound.cappedRounds * latency), 2),
        ratioToIdeal: round(a / (bound.idealRounds * latency), 2),
      },
      medianRuns: Object.fromEntries(ways.map((w) => [w, medianRun(w)])),
      runs,
    },
  };
}
