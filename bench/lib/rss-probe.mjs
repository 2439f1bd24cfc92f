// Preloaded with `node --import` into a measured pimkit process: on exit it writes the process's
// peak resident set size (KiB, from getrusage) to the file named by PIMKIT_BENCH_RSS_FILE.
import { writeFileSync } from "node:fs";

const out = process.env.PIMKIT_BENCH_RSS_FILE;
if (out) {
  process.on("exit", () => {
    try {
      writeFileSync(out, String(process.resourceUsage().maxRSS));
    } catch {
      // The bench reports a missing figure; the measured command must not fail because of it.
    }
  });
}
