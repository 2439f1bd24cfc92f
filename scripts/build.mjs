#!/usr/bin/env node
// Builds what the bins and the demo run: each Node entry bundled by esbuild into its package's
// dist/ (workspace packages are TypeScript sources, so they are bundled in), and the portal by Vite.
// Runs on `npm ci` (prepare) and before `npm test`, so a fresh clone needs nothing else.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(new URL("..", import.meta.url).pathname);
const nodeEntries = [
  { entry: "packages/emulator/src/bin.ts", out: "packages/emulator/dist/pimkit-emulator.js" },
  { entry: "packages/cli/src/bin.ts", out: "packages/cli/dist/pimkit.js" },
];
// Native or optional modules stay outside the bundle.
const external = ["@napi-rs/keyring", "playwright-core", "chromium-bidi", "fsevents"];

const started = Date.now();
for (const { entry, out } of nodeEntries) {
  if (!existsSync(resolve(root, entry))) continue;
  await build({
    entryPoints: [resolve(root, entry)],
    outfile: resolve(root, out),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    legalComments: "none",
    external,
    logLevel: "warning",
    banner: {
      js: "import { createRequire as __pimkitCreateRequire } from 'node:module'; const require = __pimkitCreateRequire(import.meta.url);",
    },
  });
}
if (existsSync(resolve(root, "packages/portal/vite.config.ts"))) {
  const r = spawnSync(
    process.execPath,
    [resolve(root, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"],
    {
      cwd: resolve(root, "packages/portal"),
      stdio: "inherit",
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.error(`build: done in ${Date.now() - started} ms`);
