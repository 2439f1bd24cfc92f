#!/usr/bin/env node
// Import-boundary rule: contracts <- core <- {cli, portal}; contracts <- emulator; testkit -> emulator.
// The emulator never imports core (the two meet only at the wire), and core stays isomorphic:
// no node: modules, no fs, no process.env, no console.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const allowed = {
  contracts: [],
  core: ["contracts"],
  emulator: ["contracts"],
  cli: ["contracts", "core", "emulator", "portal"],
  portal: ["contracts", "core"],
  testkit: ["contracts", "emulator"],
};
// The CLI may reach the emulator only through its public entry (`pimkit emulator start`) and the
// portal only through its server entry (`pimkit portal`), never their internals.
const cliEntryAllowed = { emulator: /^@pimkit\/emulator$/, portal: /^@pimkit\/portal\/server$/ };

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name)) yield p;
  }
}

const problems = [];
const importRe =
  /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
for (const pkg of Object.keys(allowed)) {
  const src = join(root, "packages", pkg, "src");
  let files;
  try {
    files = [...walk(src)];
  } catch {
    continue;
  }
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const rel = relative(root, file);
    const isTest = /\.test\.tsx?$/.test(file);
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec) continue;
      const ws = /^@pimkit\/([^/]+)/.exec(spec);
      if (ws) {
        const target = ws[1];
        if (target === pkg) continue;
        if (!allowed[pkg].includes(target)) problems.push(`${rel}: ${pkg} must not import ${spec}`);
        else if (pkg === "cli" && target in cliEntryAllowed && !cliEntryAllowed[target].test(spec))
          problems.push(`${rel}: cli may import only the public entry of ${target}, not ${spec}`);
        continue;
      }
      if (spec.startsWith(".")) {
        const abs = resolve(file, "..", spec);
        if (!abs.startsWith(join(root, "packages", pkg) + sep))
          problems.push(`${rel}: relative import ${spec} leaves packages/${pkg}`);
        continue;
      }
      if (pkg === "core" && !isTest) {
        if (spec.startsWith("node:") || ["fs", "path", "os", "crypto", "http", "https", "child_process"].includes(spec))
          problems.push(`${rel}: core is isomorphic and must not import ${spec}`);
      }
    }
    if (pkg === "core" && !isTest) {
      const code = text.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
      if (/\bprocess\.(env|argv|exit|stdout|stderr)\b/.test(code))
        problems.push(`${rel}: core must not touch process.*`);
      if (/\bconsole\.\w+\(/.test(code))
        problems.push(`${rel}: core must not write to the console (use the injected logger)`);
    }
  }
}
if (problems.length > 0) {
  console.error(`Import boundaries violated (${problems.length}):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("import boundaries: ok");
