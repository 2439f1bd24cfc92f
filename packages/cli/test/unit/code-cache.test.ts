import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheFileFor, cacheSaves, readCodeCache, requireCompiled } from "../../src/code-cache";

/**
 * The CLI's main bundle runs through V8's code cache kept in the config folder. The cache is code
 * that will run, so it must be private, never read through a link or from a file someone else can
 * write, and it must never change what the bundle does — only how soon it starts.
 */

let root: string;
let cacheDir: string;
let bundle: string;
let counter = 0;

/** A CommonJS bundle; each test gets its own name so V8's in-process cache of a source never carries over. */
function writeBundle(body: string): string {
  counter += 1;
  const file = join(root, `main-t${counter}.cjs`);
  writeFileSync(file, body);
  return file;
}

const source = `"use strict";
const { join } = require("node:path");
function greet(name) { return "hello " + name; }
exports.greet = greet;
exports.joined = join("a", "b");
exports.filename = __filename;
`;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pimkit-code-cache-"));
  cacheDir = join(root, "config", "code-cache");
  bundle = writeBundle(source);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

type Bundle = { greet(n: string): string; joined: string; filename: string };

describe("requireCompiled", () => {
  it("runs the bundle as require would, with its own require and __filename", () => {
    const m = requireCompiled<Bundle>(bundle, cacheDir);
    expect(m.cache).toBe("absent");
    expect(m.exports.greet("x")).toBe("hello x");
    expect(m.exports.joined).toBe(join("a", "b"));
    expect(m.exports.filename).toBe(bundle);
  });

  it("saves a private cache on exit and uses it on the next run", () => {
    const first = requireCompiled<Bundle>(bundle, cacheDir);
    first.exports.greet("compile me");
    first.save();
    const file = cacheFileFor(cacheDir, bundle);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(readCodeCache(cacheDir, file)?.saves).toBe(1);

    const second = requireCompiled<Bundle>(bundle, cacheDir);
    expect(second.cache).toBe("used");
    expect(second.exports.greet("y")).toBe("hello y");
  });

  it(`saves again on the next runs that use it, ${cacheSaves} times in all, then leaves it alone`, () => {
    const file = cacheFileFor(cacheDir, bundle);
    for (let run = 1; run <= cacheSaves + 2; run++) {
      const m = requireCompiled<Bundle>(bundle, cacheDir);
      m.save();
      expect(readCodeCache(cacheDir, file)?.saves).toBe(Math.min(run, cacheSaves));
    }
    const before = readFileSync(file);
    const again = requireCompiled<Bundle>(bundle, cacheDir);
    expect(again.cache).toBe("used");
    again.save();
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("compiles afresh when V8 refuses the cache (another source under the same name), and replaces it", () => {
    const m = requireCompiled<Bundle>(bundle, cacheDir);
    m.save();
    writeFileSync(bundle, `${source}\nexports.extra = 42;\n`);
    const changed = requireCompiled<Bundle & { extra: number }>(bundle, cacheDir);
    expect(changed.cache).toBe("rejected");
    expect(changed.exports.extra).toBe(42);
    changed.save();
    expect(readCodeCache(cacheDir, cacheFileFor(cacheDir, bundle))?.saves).toBe(1);
  });

  it("removes the caches of other builds when it writes its own", () => {
    requireCompiled<Bundle>(bundle, cacheDir).save();
    const other = writeBundle(source.replace("hello", "hi"));
    requireCompiled<Bundle>(other, cacheDir).save();
    expect(readdirSync(cacheDir)).toEqual([cacheFileFor(cacheDir, other).split(/[\\/]/).pop()]);
  });

  it("without a cache folder it is a plain require", () => {
    const m = requireCompiled<Bundle>(bundle, undefined);
    expect(m.cache).toBe("off");
    expect(m.exports.greet("z")).toBe("hello z");
  });
});

describe.skipIf(process.platform === "win32")("a cache it must not trust is ignored", () => {
  function saved(): string {
    requireCompiled<Bundle>(bundle, cacheDir).save();
    return cacheFileFor(cacheDir, bundle);
  }

  it("a file others can write", () => {
    const file = saved();
    chmodSync(file, 0o620);
    expect(readCodeCache(cacheDir, file)).toBeUndefined();
    expect(requireCompiled<Bundle>(bundle, cacheDir).cache).toBe("absent");
  });

  it("a folder others can write", () => {
    const file = saved();
    chmodSync(cacheDir, 0o777);
    expect(readCodeCache(cacheDir, file)).toBeUndefined();
  });

  it("a link in place of the file, or of the folder", () => {
    const file = saved();
    const elsewhere = join(root, "elsewhere.v8");
    writeFileSync(elsewhere, readFileSync(file), { mode: 0o600 });
    rmSync(file);
    symlinkSync(elsewhere, file);
    expect(readCodeCache(cacheDir, file)).toBeUndefined();

    const realDir = join(root, "real-dir");
    mkdirSync(realDir, { mode: 0o700 });
    writeFileSync(join(realDir, "x.v8"), readFileSync(elsewhere), { mode: 0o600 });
    const linkedDir = join(root, "linked-dir");
    symlinkSync(realDir, linkedDir);
    expect(readCodeCache(linkedDir, join(linkedDir, "x.v8"))).toBeUndefined();
  });

  it("a file that is not a pimkit cache", () => {
    const file = saved();
    writeFileSync(file, Buffer.from("not a cache at all"), { mode: 0o600 });
    expect(readCodeCache(cacheDir, file)).toBeUndefined();
  });
});
