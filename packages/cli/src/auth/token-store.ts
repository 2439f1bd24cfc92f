import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { ICachePlugin, TokenCacheContext } from "@azure/msal-node";
import { CliError } from "../framework/errors";
import { exitCodes } from "../framework/exit-codes";
import { moveAsideSync, readPrivateFileSync, writeFileAtomicSync } from "../state/atomic";
import { fileNames } from "../state/paths";
import { keyAccountFor, type SecretStore, type SecretStoreFactory } from "./secret-store";

export type TokenCacheMode = "keyring" | "file" | "memory";

export interface TokenStorageInfo {
  storage: TokenCacheMode;
  /** Where the bytes are. */
  location: string;
  /** How they are protected, in words. */
  protection: string;
  /** True when tokens sit in a file protected only by its permissions. */
  plaintext: boolean;
}

export interface TokenStore {
  readonly mode: TokenCacheMode;
  readonly plugin: ICachePlugin | undefined;
  readonly info: TokenStorageInfo;
  /** Reads the serialized MSAL cache (JSON text) without going through MSAL; "" when empty. */
  readRaw(): Promise<string>;
  /** Writes a serialized MSAL cache (empty text removes the stored copy). */
  writeRaw(serialized: string): Promise<void>;
}

/** What MSAL's cache plugin needs: the same, without yielding to the event loop (see pluginFor). */
interface SyncRaw {
  readRawSync(): string;
  writeRawSync(serialized: string): void;
}

/**
 * With a keyring, the MSAL cache is encrypted (AES-256-GCM) into a 0600 file and the 256-bit
 * key lives in the OS secret store: Windows' credential store caps a secret at 2.5 KB, far below
 * a cache with Graph and ARM tokens, and this keeps every platform on one code path.
 */
class KeyringTokenStore implements TokenStore {
  readonly mode = "keyring" as const;
  readonly plugin: ICachePlugin;
  readonly info: TokenStorageInfo;
  private readonly file: string;
  private readonly account: string;

  constructor(
    private readonly secrets: SecretStore,
    dir: string,
  ) {
    this.file = join(dir, fileNames.tokenCacheEncrypted);
    this.account = keyAccountFor(dir);
    this.info = {
      storage: "keyring",
      location: `${this.file} (key in ${secrets.backend}, service "pimkit")`,
      protection: `AES-256-GCM; the key is kept in ${secrets.backend}; file mode 0600`,
      plaintext: false,
    };
    this.plugin = pluginFor(this);
  }

  private key(create: boolean): Buffer | null {
    const existing = this.secrets.get(this.account);
    if (existing) return Buffer.from(existing, "base64");
    if (!create) return null;
    const fresh = randomBytes(32);
    try {
      this.secrets.set(this.account, fresh.toString("base64"));
    } catch (e) {
      throw new KeyringUnavailableError(`it refused to store a key: ${(e as Error).message.split("\n")[0]}`);
    }
    return fresh;
  }

  async readRaw(): Promise<string> {
    return this.readRawSync();
  }

  readRawSync(): string {
    const raw = readPrivateFileSync(this.file);
    if (!raw) return "";
    const key = this.key(false);
    if (!key) return "";
    try {
      const box = JSON.parse(raw.toString("utf8")) as { iv: string; tag: string; data: string };
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(box.iv, "base64"));
      decipher.setAuthTag(Buffer.from(box.tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(box.data, "base64")), decipher.final()]).toString("utf8");
    } catch {
      // Wrong key (keyring reset) or a damaged file: the tokens are unrecoverable; sign in again.
      return "";
    }
  }

  async writeRaw(serialized: string): Promise<void> {
    this.writeRawSync(serialized);
  }

  writeRawSync(serialized: string): void {
    if (serialized === "") {
      rmSync(this.file, { force: true });
      try {
        this.secrets.delete(this.account);
      } catch {
        // The key without the file protects nothing; a locked store keeps it until next time.
      }
      return;
    }
    const key = this.key(true);
    if (!key) return;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const data = Buffer.concat([cipher.update(serialized, "utf8"), cipher.final()]);
    const box = {
      version: 1,
      alg: "A256GCM",
      iv: iv.toString("base64"),
      tag: cipher.getAuthTag().toString("base64"),
      data: data.toString("base64"),
    };
    writeFileAtomicSync(this.file, `${JSON.stringify(box)}\n`);
  }
}

/** Explicit opt-in only: tokens in a 0600 file inside the 0700 config folder. */
class FileTokenStore implements TokenStore {
  readonly mode = "file" as const;
  readonly plugin: ICachePlugin;
  readonly info: TokenStorageInfo;
  private readonly file: string;

  constructor(
    dir: string,
    private readonly warn: (message: string) => void,
  ) {
    this.file = join(dir, fileNames.tokenCacheFile);
    this.info = {
      storage: "file",
      location: this.file,
      protection:
        "plain text, protected only by file permissions (0600 file in a 0700 folder); chosen with --token-cache file",
      plaintext: true,
    };
    this.plugin = pluginFor(this);
  }

  async readRaw(): Promise<string> {
    return this.readRawSync();
  }

  readRawSync(): string {
    const text = readPrivateFileSync(this.file)?.toString("utf8") ?? "";
    if (text === "") return "";
    try {
      JSON.parse(text);
      return text;
    } catch {
      // A damaged cache holds nothing usable: keep it aside (nothing is deleted) and sign in afresh.
      let where = "";
      try {
        where = moveAsideSync(this.file, new Date());
      } catch {
        where = "";
      }
      this.warn(
        where
          ? `${this.file} could not be read (not JSON); it was moved to ${where}. Sign in again.`
          : `${this.file} could not be read (not JSON); sign in again.`,
      );
      return "";
    }
  }

  async writeRaw(serialized: string): Promise<void> {
    this.writeRawSync(serialized);
  }

  writeRawSync(serialized: string): void {
    if (serialized === "") rmSync(this.file, { force: true });
    else writeFileAtomicSync(this.file, serialized);
  }
}

class MemoryTokenStore implements TokenStore {
  readonly mode = "memory" as const;
  readonly plugin = undefined;
  readonly info: TokenStorageInfo = {
    storage: "memory",
    location: "this process only",
    protection: "never written anywhere; gone when the command ends",
    plaintext: false,
  };
  async readRaw(): Promise<string> {
    return "";
  }
  async writeRaw(): Promise<void> {}
}

/**
 * MSAL's cache plugin. Before every lookup MSAL empties its memory and has the plugin fill it
 * again from disk, and a command runs several token requests at once (Graph and ARM in
 * parallel): if filling yielded to the event loop, a concurrent request would find the memory
 * empty ("no tokens found") or read a file another request is still writing. So both hooks do
 * their work synchronously (small files, a few milliseconds at most).
 */
function pluginFor(store: SyncRaw): ICachePlugin {
  return {
    beforeCacheAccess(ctx: TokenCacheContext): Promise<void> {
      const text = store.readRawSync();
      if (text) ctx.tokenCache.deserialize(text);
      return Promise.resolve();
    },
    afterCacheAccess(ctx: TokenCacheContext): Promise<void> {
      if (ctx.cacheHasChanged) store.writeRawSync(ctx.tokenCache.serialize());
      return Promise.resolve();
    },
  };
}

export class KeyringUnavailableError extends CliError {
  constructor(reason: string) {
    super(
      "keyring_unavailable",
      `No OS secret store is usable here (${reason}), and pimkit does not write tokens to disk unless you ask it to.`,
      {
        exitCode: exitCodes.signInRequired,
        details: [
          "Keep tokens in a 0600 file:   --token-cache file   (or PIMKIT_TOKEN_CACHE=file, or `pimkit config set token-cache file`)",
          "Keep tokens for one command:  --token-cache memory",
        ],
      },
    );
  }
}

export async function openTokenStore(
  mode: TokenCacheMode,
  dir: string,
  secrets: SecretStoreFactory,
  warn: (message: string) => void = () => {},
): Promise<TokenStore> {
  if (mode === "memory") return new MemoryTokenStore();
  if (mode === "file") return new FileTokenStore(dir, warn);
  let store: SecretStore;
  try {
    store = await secrets();
  } catch (e) {
    throw new KeyringUnavailableError((e as Error).message);
  }
  return new KeyringTokenStore(store, dir);
}

/** Every place tokens of this config folder may be, whatever mode is in use now (for logout). */
export async function allTokenStores(dir: string, secrets: SecretStoreFactory): Promise<TokenStore[]> {
  // Logout removes files whatever their content, so a damaged cache needs no warning here.
  const out: TokenStore[] = [new FileTokenStore(dir, () => {})];
  try {
    out.push(new KeyringTokenStore(await secrets(), dir));
  } catch {
    // No keyring: only the encrypted file could remain, and without its key it is unreadable; remove it.
    rmSync(join(dir, fileNames.tokenCacheEncrypted), { force: true });
  }
  return out;
}
