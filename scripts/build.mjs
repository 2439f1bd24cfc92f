#!/usr/bin/env node
// Builds what the bins and the demo run, so a fresh clone needs nothing else (runs on `npm ci`
// through `prepare`, and before `npm test`): workspace packages are TypeScript sources, bundled in.
// - the emulator: one file, by esbuild;
// - the CLI: by Rolldown, laid out for start-up time (see below);
// - the portal: by Vite.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { build as esbuild } from "esbuild";
import { build as rolldown } from "rolldown";

const root = resolve(new URL("..", import.meta.url).pathname);
// Native or optional modules stay outside the bundles.
const external = ["@napi-rs/keyring", "playwright-core", "chromium-bidi", "fsevents"];
const requireBanner =
  "import { createRequire as __pimkitCreateRequire } from 'node:module'; const require = __pimkitCreateRequire(import.meta.url);";

const started = Date.now();

await esbuild({
  entryPoints: [resolve(root, "packages/emulator/src/bin.ts")],
  outfile: resolve(root, "packages/emulator/dist/pimkit-emulator.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  legalComments: "none",
  external,
  logLevel: "warning",
  banner: { js: requireBanner },
});

// The CLI. Every module file Node loads costs a resolution, a read and a link, so a command's
// path should cross as few files as possible: `pimkit --version` loads only the entry; any other
// command loads the entry and one chunk holding all the commands, the core and the contracts.
// What only some commands need stays apart, loaded on first use: MSAL and the loopback sign-in,
// the browser launcher, the emulator, the portal server, the YAML and JMESPath libraries.
// (Rolldown gives bundled CommonJS code its own `require`, so this build needs no banner.)
const cliDist = resolve(root, "packages/cli/dist");
rmSync(cliDist, { recursive: true, force: true });
const ownCode = /[\\/]packages[\\/](cli|core|contracts)[\\/]src[\\/]/;
const apart =
  /[\\/]packages[\\/]cli[\\/]src[\\/](bin|version|auth[\\/](msal-app|browser)|app[\\/](emulator|portal))\.ts$/;
await rolldown({
  input: { pimkit: resolve(root, "packages/cli/src/bin.ts") },
  platform: "node",
  external: [/^node:/, ...external],
  logLevel: "warn",
  onLog(level, log, handler) {
    // A dynamic import of a module that is in the same chunk anyway is the point of the layout.
    if (log.code === "INEFFECTIVE_DYNAMIC_IMPORT") return;
    handler(level, log);
  },
  output: {
    dir: cliDist,
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "chunks/[name]-[hash].js",
    sourcemap: true,
    codeSplitting: {
      // Only the modules named here: a group would otherwise also take in what they import, such
      // as the version module the entry needs for `--version`.
      groups: [
        { name: "cli", test: (id) => ownCode.test(id) && !apart.test(id), includeDependenciesRecursively: false },
      ],
    },
  },
});

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
