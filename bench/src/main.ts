/**
 * `npm run bench`: runs the benchmarks (all, or `--only b1,b3`) and writes bench/results/*.json.
 * Options: --reps N (repetitions of timed runs), --latency MS (default 40), --path cli|core
 * (pimkit through the built binary or the core in-process; default: the binary when built),
 * --no-write (print only).
 */
import { parseArgs } from "node:util";
import { type BenchName, benchNames, runBenchmarks } from "./suite";

/** Bad flags: reported in one line, exit code 2. */
class UsageError extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      reps: { type: "string" },
      latency: { type: "string" },
      path: { type: "string" },
      "no-write": { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      "usage: npm run bench -- [--only b1,b2,b3,b4,b5] [--reps N] [--latency MS] [--path cli|core] [--no-write]\n",
    );
    return;
  }
  const only = values.only ? values.only.split(",").map((s) => s.trim().toLowerCase() as BenchName) : [...benchNames];
  for (const name of only) {
    if (!benchNames.includes(name)) throw new UsageError(`unknown benchmark ${name} (known: ${benchNames.join(", ")})`);
  }
  const path = values.path;
  if (path !== undefined && path !== "cli" && path !== "core") throw new UsageError("--path must be cli or core");
  const reps = values.reps !== undefined ? Number(values.reps) : undefined;
  if (reps !== undefined && (!Number.isInteger(reps) || reps < 1))
    throw new UsageError("--reps must be a positive integer");
  const latency = values.latency !== undefined ? Number(values.latency) : undefined;
  if (latency !== undefined && (!Number.isFinite(latency) || latency < 0))
    throw new UsageError("--latency must be >= 0");
  const outcome = await runBenchmarks({
    only,
    ...(reps !== undefined ? { reps } : {}),
    ...(latency !== undefined ? { latencyMs: latency } : {}),
    ...(path ? { path } : {}),
    write: values["no-write"] !== true,
    print: (line) => process.stdout.write(`${line}\n`),
  });
  if (outcome.errors.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
