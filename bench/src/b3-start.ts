/**
 * B3 — CLI start: `pimkit --version`, and `pimkit role list -o json` on the demo tenant with a
 * warm token cache (one untimed run first fills the caches; then N timed runs in the same
 * folder). For the listing, the emulator's own time — the union of the intervals during which it
 * was answering one of the run's requests — is subtracted to give pimkit's own overhead.
 */
import { spawn } from "node:child_process";
import type { EmulatorProcess } from "./emulator-process";
import { emulatorBusyMs, figuresOf, measure } from "./measure";
import type { CliHome } from "./pimkit";
import { type BenchResult, median, ms, round } from "./results";

export const demoUser = "alex.morgan@contoso.example.com";

/** Wall time of `node -e 0`: what starting Node costs on this machine now, before any pimkit code. */
function bareNode(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore", env: { PATH: process.env.PATH } });
    child.once("error", reject);
    child.once("exit", () => resolve(performance.now() - started));
  });
}

export async function benchCliStart(o: {
  emu: EmulatorProcess;
  cli: CliHome;
  runs: number;
  /** One untimed listing first, to fill the caches (default true). */
  warmUp?: boolean;
  print: (line: string) => void;
}): Promise<BenchResult> {
  const { emu, cli } = o;
  const dir = cli.fresh();
  const version: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const r = await cli.run(["--version"], { dir });
    if (r.exitCode !== 0) throw new Error(`pimkit --version exited ${r.exitCode}: ${r.stderr.slice(0, 400)}`);
    version.push(r.wallMs);
  }
  const listArgs = ["role", "list", "-o", "json"];
  if (o.warmUp !== false) {
    const warmUp = await cli.run(listArgs, { dir });
    if (warmUp.exitCode !== 0) {
      throw new Error(`pimkit role list exited ${warmUp.exitCode}: ${warmUp.stderr.slice(0, 800)}`);
    }
  }
  const list: Array<{ wallMs: number; emulatorMs: number; overheadMs: number; requests: number; signIn: number }> = [];
  for (let i = 0; i < o.runs; i++) {
    const w = await measure(emu, () => cli.run(listArgs, { dir }));
    if (w.value.exitCode !== 0) throw new Error(`pimkit role list exited ${w.value.exitCode}`);
    const busy = emulatorBusyMs(w.entries);
    const f = figuresOf(w);
    list.push({
      wallMs: round(w.wallMs),
      emulatorMs: round(busy),
      overheadMs: round(w.wallMs - busy),
      requests: f.requests.total,
      signIn: f.requests.signIn,
    });
  }
  const bare: number[] = [];
  for (let i = 0; i < o.runs; i++) bare.push(await bareNode());
  const bMed = median(bare);
  const vMed = median(version);
  const vMax = Math.max(...version);
  const lMed = median(list.map((r) => r.wallMs));
  const lMax = Math.max(...list.map((r) => r.wallMs));
  const oMed = median(list.map((r) => r.overheadMs));
  const oMax = Math.max(...list.map((r) => r.overheadMs));
  const eMed = median(list.map((r) => r.emulatorMs));
  o.print(
    `  B3 --version: median ${ms(vMed)}, max ${ms(vMax)}; role list: median ${ms(lMed)} (emulator ${ms(eMed)}), max ${ms(lMax)}`,
  );
  return {
    name: "b3-cli-start",
    title: "B3 CLI start: pimkit --version and pimkit role list -o json (demo, warm token cache)",
    summary: `--version median ${ms(vMed)} max ${ms(vMax)}; role list -o json median ${ms(lMed)} max ${ms(lMax)}, of which the emulator ${ms(eMed)} (median), pimkit's own time median ${ms(oMed)} max ${ms(oMax)}; ${o.runs} runs each; node -e 0 alone median ${ms(bMed)}`,
    targets: [
      {
        target: "pimkit --version <= 150 ms (median of the runs)",
        measured: `median ${ms(vMed)}, max ${ms(vMax)}`,
        met: vMed <= 150,
      },
      {
        target: "pimkit role list -o json <= 150 ms plus the emulator's own time (median)",
        measured: `median ${ms(oMed)} beyond the emulator's ${ms(eMed)}, max ${ms(oMax)}`,
        met: oMed <= 150,
      },
    ],
    figures: {
      runs: o.runs,
      bareNode: { medianMs: round(bMed), maxMs: round(Math.max(...bare)) },
      version: { medianMs: round(vMed), maxMs: round(vMax), allMs: version.map((v) => round(v)) },
      roleList: {
        medianMs: round(lMed),
        maxMs: round(lMax),
        medianEmulatorMs: round(eMed),
        medianOverheadMs: round(oMed),
        maxOverheadMs: round(oMax),
        requestsPerRun: list[0]?.requests ?? 0,
        signInRequestsPerRun: list[0]?.signIn ?? 0,
        all: list,
      },
    },
  };
}
