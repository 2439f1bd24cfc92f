import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudTransport } from "../../src/auth/https";
import type { SecretStore } from "../../src/auth/secret-store";
import { admin, json, signedIn, startTenant, type Tenant } from "../helpers";

/** An in-memory stand-in for the OS secret store (the platform boundary), for keyring-mode tests. */
function memorySecrets(): { store: SecretStore; entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    store: {
      backend: "test secret store",
      get: (a) => entries.get(a) ?? null,
      set: (a, s) => void entries.set(a, s),
      delete: (a) => entries.delete(a),
    },
  };
}

let t: Tenant;
beforeAll(async () => {
  t = await startTenant();
});
afterAll(async () => {
  await t.close();
});

describe("auth login", () => {
  it("signs in through the BROWSER program without a terminal and records the session", async () => {
    const configDir = t.configDir();
    const r = await t.run(["auth", "login", "-o", "json"], { configDir });
    expect(r.exitCode).toBe(0);
    const out = json<{ account: string; tenantId: string; tokenStorage: { storage: string; plaintext: boolean } }>(r);
    expect(out.account).toBe(admin);
    expect(out.tenantId).toBe(t.emu.tenantId);
    expect(out.tokenStorage.storage).toBe("file");
    expect(out.tokenStorage.plaintext).toBe(true);
    // The plain-text warning comes before the write, on stderr.
    expect(r.stderr).toMatch(/plain-text file/);
    const tokenFile = join(configDir, "token-cache.json");
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(statSync(configDir).mode & 0o777).toBe(0o700);
    // msal asked with cp1, PKCE S256 and form_post, and asked for the Graph scopes only.
    const authorize = t.emu.admin
      .requests()
      .filter((q) => q.path.endsWith("/oauth2/v2.0/authorize"))
      .at(-1);
    expect(authorize?.query.response_mode).toBe("form_post");
    expect(authorize?.query.code_challenge_method).toBe("S256");
    expect(authorize?.query.scope).toContain("RoleEligibilitySchedule.Read.Directory");
    expect(authorize?.query.scope).not.toContain("RoleManagement.ReadWrite.Directory");
  });

  it("without a terminal and without BROWSER exits 4 and says what to run", async () => {
    const configDir = t.configDir();
    const r = await t.run(["auth", "login"], { configDir, env: { BROWSER: "" } });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/pimkit auth login/);
    expect(existsSync(join(configDir, "token-cache.json"))).toBe(false);
  });

  it("a BROWSER program that fails ends the sign-in with an error instead of hanging", async () => {
    const configDir = t.configDir();
    const r = await t.run(["auth", "login"], { configDir, env: { BROWSER: "false" } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/could not be opened/);
  });

  it("honours --client-id and --tenant (a custom app registration) and a bad client id is refused by the tenant", async () => {
    const configDir = t.configDir();
    const r = await t.run(
      ["auth", "login", "--tenant", t.emu.tenantId, "--client-id", "00000000-0000-0000-0000-00000000dead"],
      {
        configDir,
      },
    );
    expect(r.exitCode).not.toBe(0);
  });
});

describe("the local tenant's CA", () => {
  it("is trusted for that cloud's hosts by pimkit's own client only: no global TLS change", async () => {
    await signedIn(t);
    const url = `${t.emu.url}/${t.emu.tenantId}/v2.0/.well-known/openid-configuration`;
    await expect(fetch(url)).rejects.toThrow();
    const transport = createCloudTransport(t.emu.cloud);
    try {
      const res = await transport.fetch(url);
      expect(res.status).toBe(200);
      // Another cloud (no CA of its own) gets no special trust either.
      const other = createCloudTransport({ ...t.emu.cloud, caCertPem: undefined });
      await expect(other.fetch(url)).rejects.toThrow();
    } finally {
      transport.close();
    }
  });
});

describe("device code", () => {
  it("auth login --device-code shows the code on stderr and signs in, even without a terminal or BROWSER", async () => {
    const configDir = t.configDir();
    const r = await t.run(["auth", "login", "--device-code", "-o", "json"], { configDir, env: { BROWSER: "" } });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/enter the code \w+/);
    expect(json<{ account: string }>(r).account).toBe(admin);
    const grant = t.emu.admin.requests().filter((q) => q.path.endsWith("/oauth2/v2.0/devicecode"));
    expect(grant.length).toBeGreaterThan(0);
  });
});

describe("commands without a usable token", () => {
  it("role list without a terminal and without a token exits 4 with what to run, sending nothing", async () => {
    const configDir = t.configDir();
    const before = t.emu.admin.requests().length;
    const r = await t.run(["role", "list"], { configDir, env: { BROWSER: "" } });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/pimkit auth login/);
    expect(r.stdout).toBe("");
    expect(t.emu.admin.requests().length).toBe(before);
  });

  it("with -o json the same exit 4, and stdout stays empty", async () => {
    const r = await t.run(["role", "list", "-o", "json"], { configDir: t.configDir(), env: { BROWSER: "" } });
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toBe("");
  });
});

describe("auth status", () => {
  it("shows account, tenant, client id, cloud, scopes, acrs and storage (table, json, TTY)", async () => {
    const configDir = await signedIn(t);
    const plain = await t.run(["auth", "status"], { configDir });
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toContain(admin);
    expect(plain.stdout).toMatch(/Token storage:\s+file/);
    expect(plain.stdout.includes("\u001b[")).toBe(false);
    const tty = await t.run(["auth", "status"], { configDir, tty: true });
    expect(tty.exitCode).toBe(0);
    expect(tty.stdout.includes("\u001b[")).toBe(true);
    const noColor = await t.run(["auth", "status"], { configDir, tty: true, env: { NO_COLOR: "1" } });
    expect(noColor.stdout.includes("\u001b[")).toBe(false);
    const j = json<{
      signedIn: boolean;
      account: string;
      tenantId: string;
      clientId: string;
      cloud: { name: string };
      scopes: string[];
      acrs: string[];
      tokenStorage: { storage: string; location: string; plaintext: boolean };
    }>(await t.run(["auth", "status", "-o", "json"], { configDir }));
    expect(j.signedIn).toBe(true);
    expect(j.account).toBe(admin);
    expect(j.tenantId).toBe(t.emu.tenantId);
    expect(j.clientId).toBe("14d82eec-204b-4c2f-b7e8-296a70dab67e");
    expect(j.cloud.name).toBe(t.emu.cloud.name);
    expect(j.scopes).toContain("RoleAssignmentSchedule.ReadWrite.Directory");
    expect(j.acrs).toEqual([]);
    expect(j.tokenStorage).toMatchObject({ storage: "file", plaintext: true });
    expect(j.tokenStorage.location).toBe(join(configDir, "token-cache.json"));
  });

  it("not signed in: exit 1, signedIn false", async () => {
    const r = await t.run(["auth", "status", "-o", "json"], { configDir: t.configDir() });
    expect(r.exitCode).toBe(1);
    expect(json<{ signedIn: boolean }>(r).signedIn).toBe(false);
  });
});

describe("token storage modes", () => {
  it("keyring mode: the cache on disk is encrypted, its key lives in the secret store, status says so", async () => {
    const configDir = t.configDir();
    const secrets = memorySecrets();
    const deps = { secretStore: async () => secrets.store };
    const login = await t.run(["auth", "login"], { configDir, env: { PIMKIT_TOKEN_CACHE: "" }, deps });
    expect(login.exitCode).toBe(0);
    expect(login.stderr).not.toMatch(/plain-text/);
    expect(existsSync(join(configDir, "token-cache.json"))).toBe(false);
    const enc = readFileSync(join(configDir, "token-cache.enc"), "utf8");
    const box = JSON.parse(enc) as Record<string, unknown>;
    expect(Object.keys(box).sort()).toEqual(["alg", "data", "iv", "tag", "version"]);
    expect(/AccessToken|RefreshToken|home_account_id/.test(enc)).toBe(false);
    expect(statSync(join(configDir, "token-cache.enc")).mode & 0o777).toBe(0o600);
    expect(secrets.entries.size).toBe(1);
    const status = json<{
      signedIn: boolean;
      tokenStorage: { storage: string; plaintext: boolean; protection: string };
    }>(await t.run(["auth", "status", "-o", "json"], { configDir, env: { PIMKIT_TOKEN_CACHE: "" }, deps }));
    expect(status.signedIn).toBe(true);
    expect(status.tokenStorage.storage).toBe("keyring");
    expect(status.tokenStorage.plaintext).toBe(false);
    expect(status.tokenStorage.protection).toMatch(/AES-256-GCM/);
    // A later command uses the cached token without any sign-in.
    const list = await t.run(["role", "list", "-o", "json"], {
      configDir,
      env: { PIMKIT_TOKEN_CACHE: "", BROWSER: "" },
      deps,
    });
    expect(list.exitCode).toBe(0);
    // Logout removes the file and the key.
    const out = await t.run(["auth", "logout"], { configDir, env: { PIMKIT_TOKEN_CACHE: "" }, deps });
    expect(out.exitCode).toBe(0);
    expect(existsSync(join(configDir, "token-cache.enc"))).toBe(false);
    expect(secrets.entries.size).toBe(0);
  });

  it("no usable secret store: login refuses (exit 4), writes no token, and names the opt-ins", async () => {
    const configDir = t.configDir();
    const deps = {
      secretStore: async (): Promise<SecretStore> => {
        throw new Error("no D-Bus session");
      },
    };
    const r = await t.run(["auth", "login"], { configDir, env: { PIMKIT_TOKEN_CACHE: "" }, deps });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/no D-Bus session/);
    expect(r.stderr).toMatch(/--token-cache file/);
    expect(r.stderr).toMatch(/PIMKIT_TOKEN_CACHE=file/);
    const files = existsSync(configDir) ? readdirSync(configDir) : [];
    expect(files.filter((f) => f.startsWith("token-cache"))).toEqual([]);
    const status = json<{ tokenStorage: { available: boolean } }>(
      await t.run(["auth", "status", "-o", "json"], { configDir, env: { PIMKIT_TOKEN_CACHE: "" }, deps }),
    );
    expect(status.tokenStorage.available).toBe(false);
  });

  it("the config file can opt in to the file cache (env wins over config, flag over env)", async () => {
    const configDir = t.configDir();
    const failing = { secretStore: async (): Promise<SecretStore> => Promise.reject(new Error("no keyring")) };
    expect((await t.run(["config", "set", "token-cache", "file"], { configDir })).exitCode).toBe(0);
    const r = await t.run(["auth", "login", "-o", "json"], {
      configDir,
      env: { PIMKIT_TOKEN_CACHE: "" },
      deps: failing,
    });
    expect(r.exitCode).toBe(0);
    expect(json<{ tokenStorage: { storage: string } }>(r).tokenStorage.storage).toBe("file");
    // env memory beats config file; flag keyring beats env.
    const s1 = json<{ tokenStorage: { storage: string } }>(
      await t.run(["auth", "status", "-o", "json"], {
        configDir,
        env: { PIMKIT_TOKEN_CACHE: "memory" },
        deps: failing,
      }),
    );
    expect(s1.tokenStorage.storage).toBe("memory");
    const s2 = await t.run(["auth", "status", "-o", "json", "--token-cache", "keyring"], {
      configDir,
      env: { PIMKIT_TOKEN_CACHE: "memory" },
      deps: failing,
    });
    expect(json<{ tokenStorage: { storage: string; available: boolean } }>(s2).tokenStorage).toMatchObject({
      storage: "keyring",
      available: false,
    });
  });

  it("memory mode keeps nothing on disk", async () => {
    const configDir = t.configDir();
    const r = await t.run(["auth", "login", "--token-cache", "memory"], { configDir });
    expect(r.exitCode).toBe(0);
    expect(readdirSync(configDir).filter((f) => f.startsWith("token-cache"))).toEqual([]);
  });
});

describe("auth logout", () => {
  it("removes every copy (file and keyring) and the session; --all on an empty folder is fine", async () => {
    const configDir = await signedIn(t);
    expect(existsSync(join(configDir, "token-cache.json"))).toBe(true);
    const r = await t.run(["auth", "logout", "-o", "json"], { configDir });
    expect(r.exitCode).toBe(0);
    expect(json<{ accounts: string[] }>(r).accounts).toContain(admin);
    expect(existsSync(join(configDir, "token-cache.json"))).toBe(false);
    const s = await t.run(["auth", "status", "-o", "json"], { configDir });
    expect(json<{ signedIn: boolean }>(s).signedIn).toBe(false);
    const all = await t.run(["auth", "logout", "--all"], { configDir: t.configDir(), tty: true });
    expect(all.exitCode).toBe(0);
  });
});
