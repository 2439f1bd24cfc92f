#!/usr/bin/env node
// `npm run bench`: bundles the bench (TypeScript, importing the workspace packages' sources) with
// esbuild into .tmp/bench/ and runs it with the arguments given (see bench/README.md).
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(new URL("..", import.meta.url).pathname);
const out = resolve(root, ".tmp/bench/bench.mjs");
await build({
  entryPoints: [resolve(root, "bench/src/main.ts")],
  outfile: out,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "inline",
  logLevel: "warning",
  external: ["playwright-core", "chromium-bidi", "fsevents", "@napi-rs/keyring"],
  banner: {
    js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);",
  },
});
const r = spawnSync(process.execPath, ["--enable-source-maps", out, ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
