import { createHash } from "node:crypto";
import { createRequire } from "node:module";

/**
 * The OS secret store (macOS Keychain, Windows Credential Manager, Secret Service or the kernel
 * keyring on Linux) through @napi-rs/keyring, behind a three-method interface.
 */
export interface SecretStore {
  /** Human-readable name of the backend for `auth status`. */
  readonly backend: string;
  get(account: string): string | null;
  set(account: string, secret: string): void;
  delete(account: string): boolean;
}

export type SecretStoreFactory = () => Promise<SecretStore>;

export const keyringService = "pimkit";

function backendName(platform: NodeJS.Platform): string {
  if (platform === "darwin") return "macOS Keychain";
  if (platform === "win32") return "Windows Credential Manager";
  return "Secret Service / kernel keyring";
}

/**
 * Opens the OS store and proves it works with a write, a read and a delete of a probe entry: on
 * Linux a read alone succeeds against the kernel keyring fallback even where writes are denied.
 */
export const openOsSecretStore: SecretStoreFactory = async () => {
  let mod: typeof import("@napi-rs/keyring");
  try {
    // A CommonJS package with a native part, kept outside the bundle; loaded with require so the
    // CLI's main bundle has no import() (it runs through V8's code cache, see code-cache.ts).
    mod = createRequire(import.meta.url)("@napi-rs/keyring") as typeof import("@napi-rs/keyring");
  } catch (e) {
    throw new Error(`the keyring module could not be loaded (${(e as Error).message})`);
  }
  const { Entry } = mod;
  const store: SecretStore = {
    backend: backendName(process.platform),
    get: (account) => new Entry(keyringService, account).getPassword() ?? null,
    set: (account, secret) => new Entry(keyringService, account).setPassword(secret),
    delete: (account) => new Entry(keyringService, account).deletePassword(),
  };
  const probe = `probe-${process.pid}-${Date.now()}`;
  try {
    store.set(probe, "ok");
    const back = store.get(probe);
    store.delete(probe);
    if (back !== "ok") throw new Error("a value written could not be read back");
  } catch (e) {
    throw new Error(firstLine((e as Error).message));
  }
  return store;
};

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? s).slice(0, 200);
}

/** Keyring account name for the token cache key of one config folder. */
export function keyAccountFor(configDir: string): string {
  return `token-cache-key:${createHash("sha256").update(configDir).digest("hex").slice(0, 16)}`;
}
