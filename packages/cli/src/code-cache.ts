/**
 * Loads the CLI's main bundle with V8's code cache, so a command does not pay for compiling the
 * commands and the core again on every run (a third of pimkit's start-up on Node 20, which has no
 * compile cache of its own for a bundle).
 *
 * The bundle is CommonJS, compiled with `vm.Script`. The first run compiles it as Node would and,
 * when the process exits, saves the code V8 compiled (including the functions that run used) to
 * `<config folder>/code-cache/<bundle>-<node version>-<arch>.v8`; later runs hand that file back to
 * V8, which checks it against its own version, flags and the source before using it, and compiles
 * afresh when it does not fit. V8 compiles a function on its first call, so a cache saved by
 * `auth login` lacks what `role list` runs: the next few runs that use the cache save it again
 * (what they loaded plus what they compiled), then it is left alone — saving costs a few
 * milliseconds. The bundle's file name carries a hash of its content, so a rebuilt or upgraded
 * pimkit never meets an old cache.
 *
 * The cache is code that will run, so it is written like the rest of pimkit's files
 * (`writeFileAtomicSync`: folder 0700, file 0600, atomic, no links), and read only from a file and
 * folder that belong to the current user and nobody else can write. Anything unexpected means "no
 * cache", never an error: the cache only ever saves time.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  type Stats,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";
import { writeFileAtomicSync } from "./state/atomic";

export interface CompiledModule<T> {
  exports: T;
  /** How the code cache was used: "used", "rejected" by V8, "absent", or "off" (not supported). */
  cache: "used" | "rejected" | "absent" | "off";
  /**
   * Writes the code cache when this run had none, or had one saved fewer than `cacheSaves` times
   * (call when the process is about to exit).
   */
  save(): void;
}

/** A cache file: these 4 bytes, how many times it was saved (1 byte), then V8's data. */
const magic = Buffer.from("PKC1", "latin1");
const headerLength = magic.length + 1;
/** Saved this many times at most: the first run and the next runs that use it. */
export const cacheSaves = 4;
const cacheFilePattern = /\.v8$/;

export interface CodeCache {
  /** V8's data. */
  data: Buffer;
  /** How many times the file was saved (1 for the first). */
  saves: number;
}

/** The cache file for a bundle on this Node and CPU architecture. */
export function cacheFileFor(cacheDir: string, bundleFile: string): string {
  const stem = basename(bundleFile).replace(/\.[cm]?js$/, "");
  return join(cacheDir, `${stem}-${process.version}-${process.arch}.v8`.replace(/[^A-Za-z0-9._-]/g, "_"));
}

function ownedPrivately(st: Stats, forbidden: number): boolean {
  if (process.platform === "win32") return true;
  return st.uid === process.getuid?.() && (st.mode & forbidden) === 0;
}

/** The cache, or undefined when absent, not ours or not safe to use. Never throws. */
export function readCodeCache(cacheDir: string, file: string): CodeCache | undefined {
  try {
    const dir = lstatSync(cacheDir);
    if (!dir.isDirectory() || !ownedPrivately(dir, 0o022)) return undefined;
    const fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || !ownedPrivately(st, 0o022) || st.size <= headerLength) return undefined;
      const bytes = readFileSync(fd);
      if (!bytes.subarray(0, magic.length).equals(magic)) return undefined;
      return { data: bytes.subarray(headerLength), saves: bytes[magic.length] ?? 0 };
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Writes the cache as pimkit writes its files and removes caches of other builds. Never throws. */
export function writeCodeCache(cacheDir: string, file: string, cache: CodeCache): boolean {
  try {
    writeFileAtomicSync(file, Buffer.concat([magic, Buffer.of(Math.min(255, cache.saves)), cache.data]));
    for (const name of readdirSync(cacheDir)) {
      if (cacheFilePattern.test(name) && name !== basename(file)) rmSync(join(cacheDir, name), { force: true });
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a CommonJS file like `require(file)`, with V8's code cache kept in `cacheDir` (no cache
 * when `cacheDir` is undefined). The file must not use `import()`, which Node 20 gives code
 * compiled this way only behind a flag (the build checks the CLI's main bundle for it).
 */
export function requireCompiled<T>(file: string, cacheDir: string | undefined): CompiledModule<T> {
  const localRequire = createRequire(file);
  if (cacheDir === undefined) {
    return { exports: localRequire(file) as T, cache: "off", save: () => {} };
  }
  const cacheFile = cacheFileFor(cacheDir, file);
  const stored = readCodeCache(cacheDir, cacheFile);
  const cachedData = stored?.data;
  const source = readFileSync(file, "utf8");
  // The same wrapper Node gives a CommonJS module; on one line so line numbers stay right.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new Script(wrapped, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, localRequire, module, file, dirname(file));
  const cache = cachedData === undefined ? "absent" : script.cachedDataRejected ? "rejected" : "used";
  const saves = cache === "used" ? (stored?.saves ?? cacheSaves) : 0;
  let saved = saves >= cacheSaves;
  return {
    exports: module.exports as T,
    cache,
    save() {
      if (saved) return;
      saved = true;
      writeCodeCache(cacheDir, cacheFile, { data: script.createCachedData(), saves: saves + 1 });
    },
  };
}
