import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { effectiveSettings } from "../../src/app/settings";
import type { GlobalOptions } from "../../src/framework/command";
import type { CliIo } from "../../src/framework/io";
import { readPrivateFile, withFileLock, writeFileAtomic } from "../../src/state/atomic";
import { JsonDocument } from "../../src/state/document";
import { historyDocument } from "../../src/state/history";
import { configDir } from "../../src/state/paths";
import { profilesDocument } from "../../src/state/profiles";

const fresh = () => mkdtempSync(join(tmpdir(), "pimkit-state-"));

describe("atomic private files", () => {
  it("creates the folder 0700 and the file 0600, and leaves no temporary file", async () => {
    const dir = join(fresh(), "nested", "pimkit");
    await writeFileAtomic(join(dir, "a.json"), "{}");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "a.json")).mode & 0o777).toBe(0o600);
    await writeFileAtomic(join(dir, "a.json"), '{"x":1}');
    expect(readdirSync(dir)).toEqual(["a.json"]);
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe('{"x":1}');
  });

  it("tightens a folder that others could read", async () => {
    const dir = fresh();
    const { chmodSync } = await import("node:fs");
    chmodSync(dir, 0o755);
    await writeFileAtomic(join(dir, "b.json"), "{}");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("refuses to write through or read through a symbolic link", async () => {
    const dir = fresh();
    writeFileSync(join(dir, "target"), "secret");
    symlinkSync(join(dir, "target"), join(dir, "link.json"));
    await expect(writeFileAtomic(join(dir, "link.json"), "x")).rejects.toMatchObject({ code: "unsafe_path" });
    await expect(readPrivateFile(join(dir, "link.json"))).rejects.toMatchObject({ code: "unsafe_path" });
    expect(readFileSync(join(dir, "target"), "utf8")).toBe("secret");
  });

  it("serialises concurrent read-modify-write updates (no lost update)", async () => {
    const dir = fresh();
    const warnings: string[] = [];
    const doc = new JsonDocument({ dir, now: () => new Date(), warn: (m) => warnings.push(m) }, historyDocument);
    const entry = (i: number) => ({
      at: new Date().toISOString(),
      command: `c${i}`,
      tenantId: null,
      account: null,
      cloud: null,
      exitCode: 0,
      dryRun: false,
      items: [],
    });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        doc.update((d) => ({ value: { entries: [...d.entries, entry(i)] }, result: undefined })),
      ),
    );
    expect((await doc.read()).entries.length).toBe(12);
    expect(warnings).toEqual([]);
  });

  it("a stale lock left by a dead process is taken over", async () => {
    const dir = fresh();
    const path = join(dir, "x.json");
    writeFileSync(`${path}.lock`, "99999", { mode: 0o600 });
    const { utimesSync } = await import("node:fs");
    utimesSync(`${path}.lock`, new Date(0), new Date(0));
    expect(await withFileLock(path, async () => 42, 200)).toBe(42);
  });
});

describe("versioned documents", () => {
  const cases: [string, string][] = [
    ["not JSON", "{oops"],
    ["an array", "[]"],
    ["no version", JSON.stringify({ profiles: {} })],
    ["a newer version", JSON.stringify({ version: 9, profiles: {} })],
    ["a bad profile", JSON.stringify({ version: 1, profiles: { ok: { roles: "nope" } } })],
    ["a bad name", JSON.stringify({ version: 1, profiles: { "../evil": { roles: [] } } })],
  ];
  for (const [what, content] of cases) {
    it(`a profiles file with ${what} is reported, moved aside intact, and read as empty`, async () => {
      const dir = fresh();
      writeFileSync(join(dir, "profiles.json"), content, { mode: 0o600 });
      const warnings: string[] = [];
      const doc = new JsonDocument(
        { dir, now: () => new Date("2026-01-02T03:04:05Z"), warn: (m) => warnings.push(m) },
        profilesDocument,
      );
      expect(await doc.read()).toEqual({ profiles: {} });
      expect(warnings.length).toBe(1);
      const aside = readdirSync(dir).filter((f) => f.startsWith("profiles.json.corrupt-"));
      expect(aside.length).toBe(1);
      expect(readFileSync(join(dir, aside[0] ?? ""), "utf8")).toBe(content);
    });
  }
});

describe("config folder and precedence", () => {
  it("PIMKIT_CONFIG_DIR, then XDG, then ~/.config, and %APPDATA% on Windows", () => {
    expect(configDir({ PIMKIT_CONFIG_DIR: "/x" }, "linux", "/home/u")).toBe("/x");
    expect(configDir({ XDG_CONFIG_HOME: "/xdg" }, "linux", "/home/u")).toBe("/xdg/pimkit");
    expect(configDir({}, "linux", "/home/u")).toBe("/home/u/.config/pimkit");
    expect(configDir({ APPDATA: "C:\\Users\\u\\AppData\\Roaming" }, "win32", "C:\\Users\\u")).toMatch(
      /Roaming.pimkit$/,
    );
  });

  it("flag > environment > config > session > default", () => {
    const io = (env: Record<string, string>) => ({ env }) as unknown as CliIo;
    const globals = (o: Partial<GlobalOptions>): GlobalOptions => ({
      output: "table",
      outputExplicit: false,
      query: undefined,
      cloud: undefined,
      tenant: undefined,
      clientId: undefined,
      tokenCache: undefined,
      ...o,
    });
    const session = {
      cloud: "public",
      tenantId: "t-session",
      homeTenantId: "t",
      clientId: "c-session",
      homeAccountId: "h",
      username: "u",
      tokenCache: "file",
      signedInAt: "",
    };
    const all = effectiveSettings(
      globals({ tenant: "t-flag" }),
      io({ PIMKIT_TENANT: "t-env" }),
      { tenant: "t-config" },
      session,
    );
    expect(all.tenant).toEqual({ value: "t-flag", source: "flag" });
    expect(
      effectiveSettings(globals({}), io({ PIMKIT_TENANT: "t-env" }), { tenant: "t-config" }, session).tenant.source,
    ).toBe("env");
    expect(effectiveSettings(globals({}), io({}), { tenant: "t-config" }, session).tenant.source).toBe("config");
    expect(effectiveSettings(globals({}), io({}), {}, session).tenant).toEqual({
      value: "t-session",
      source: "session",
    });
    expect(effectiveSettings(globals({}), io({}), {}, null).tokenCache).toEqual({
      value: "keyring",
      source: "default",
    });
    expect(effectiveSettings(globals({}), io({}), {}, session).tokenCache).toEqual({
      value: "file",
      source: "session",
    });
    // The session's tenant belongs to the session's cloud only.
    expect(effectiveSettings(globals({ cloud: "usgov" }), io({}), {}, session).tenant.value).toBeUndefined();
    expect(() => effectiveSettings(globals({}), io({ PIMKIT_TOKEN_CACHE: "disk" }), {}, null)).toThrow(
      /PIMKIT_TOKEN_CACHE/,
    );
  });
});
