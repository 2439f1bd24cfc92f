#!/usr/bin/env node
import { spawnSync } from "node:child_process";
// Builds what the bins and the demo run: each Node entry bundled by esbuild into its package's
// dist/ (workspace packages are TypeScript sources, so they are bundled in), and the portal by Vite.
// Runs on `npm ci` (prepare) and before `npm test`, so a fresh clone needs nothing else.
import { existsSync, rmSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(new URL("..", import.meta.url).pathname);
const nodeEntries = [
  { entry: "packages/emulator/src/bin.ts", out: "packages/emulator/dist/pimkit-emulator.js" },
  // The CLI is split into chunks so `pimkit --version` and help load only the small entry; each
  // command's heavy modules (MSAL, core, the emulator) are separate files loaded on first use.
  { entry: "packages/cli/src/bin.ts", out: "packages/cli/dist/pimkit.js", split: true },
];
// Native or optional modules stay outside the bundle.
const external = ["@napi-rs/keyring", "playwright-core", "chromium-bidi", "fsevents"];

const started = Date.now();
for (const { entry, out, split } of nodeEntries) {
  if (!existsSync(resolve(root, entry))) continue;
  const chunks = resolve(root, dirname(out), "chunks");
  if (split && existsSync(chunks)) rmSync(chunks, { recursive: true, force: true });
  await build({
    ...(split
      ? {
          entryPoints: { [basename(out, ".js")]: resolve(root, entry) },
          outdir: resolve(root, dirname(out)),
          splitting: true,
          chunkNames: "chunks/[name]-[hash]",
        }
      : { entryPoints: [resolve(root, entry)], outfile: resolve(root, out) }),
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
