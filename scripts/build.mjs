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

/** One Node file with everything it imports, apart from Node's own modules and `external`. */
const nodeBundle = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  legalComments: "none",
  external,
  logLevel: "warning",
};

await esbuild({
  ...nodeBundle,
  entryPoints: [resolve(root, "packages/emulator/src/bin.ts")],
  outfile: resolve(root, "packages/emulator/dist/pimkit-emulator.js"),
  format: "esm",
  banner: { js: requireBanner },
});

// The CLI, in two parts. The main bundle (CommonJS, so the entry can compile it with V8's code
// cache: see packages/cli/src/code-cache.ts) holds everything a command needs on every run — the
// commands, the core and the contracts — in one file; what only some commands need stays apart,
// loaded on first use: MSAL and the loopback sign-in, the browser launcher, the emulator, the
// portal server, the YAML and JMESPath libraries. The entry is a small CommonJS file (Node starts
// one sooner than an ES module): `pimkit --version` loads nothing else; any other command loads
// the main bundle through the cache.
const cliDist = resolve(root, "packages/cli/dist");
const ownCode = /[\\/]packages[\\/]((cli|core|contracts)[\\/]src[\\/]|cli[\\/]package\.json$)/;
const apart = /[\\/]packages[\\/]cli[\\/]src[\\/](auth[\\/](msal-app|browser)|app[\\/](emulator|portal))\.ts$/;
rmSync(cliDist, { recursive: true, force: true });
const cliBuild = await rolldown({
  input: { main: resolve(root, "packages/cli/src/process-main.ts") },
  platform: "node",
  external: [/^node:/, ...external],
  logLevel: "warn",
  // The main bundle's exports are only ever read by the entry.
  preserveEntrySignatures: "allow-extension",
  onLog(level, log, handler) {
    // A dynamic import of a module that is in the main bundle anyway is the point of the layout.
    if (log.code === "INEFFECTIVE_DYNAMIC_IMPORT") return;
    handler(level, log);
  },
  output: {
    dir: cliDist,
    format: "cjs",
    // The sources are ES modules: they keep their strict-mode semantics.
    strict: true,
    // ASCII only and without comments: Node reads it as one-byte text, which V8 also scans faster.
    charset: "ascii",
    comments: false,
    entryFileNames: "main-[hash].cjs",
    chunkFileNames: "chunks/[name]-[hash].cjs",
    sourcemap: true,
    // Our own modules all go to the main bundle, also those an optional part shares with it (which
    // would otherwise get chunks of their own, each one more file to load on every run) — only
    // those: the packages they import (MSAL, YAML…) stay with the optional parts.
    codeSplitting: {
      groups: [
        { name: "main", test: (id) => ownCode.test(id) && !apart.test(id), includeDependenciesRecursively: false },
      ],
    },
  },
});
const main = cliBuild.output.find((o) => o.type === "chunk" && o.isEntry);
if (!main) throw new Error("build: the CLI's main bundle is missing from Rolldown's output");
// Code compiled through the cache gets no import() on Node 20 (only behind a flag): require only.
if (/\bimport\s*\(/.test(main.code)) {
  throw new Error("build: the CLI's main bundle calls import(); load that module with require instead");
}
const mainBundle = main.fileName;
await esbuild({
  ...nodeBundle,
  entryPoints: [resolve(root, "packages/cli/src/bin.ts")],
  outfile: resolve(cliDist, "pimkit.cjs"),
  format: "cjs",
  define: { __PIMKIT_MAIN_BUNDLE__: JSON.stringify(mainBundle) },
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
