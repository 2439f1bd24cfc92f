import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants,
  promises as fs,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { CliError } from "../framework/errors";

/**
 * Files pimkit writes are private (folder 0700, files 0600) and replaced atomically: the new
 * content goes to a temporary file in the same folder, is flushed to disk, then renamed over the
 * old one, and the folder entry is flushed too. A crash (even kill -9) leaves either the old file
 * or the new one, never half of either.
 */
export const dirMode = 0o700;
export const fileMode = 0o600;

/** Creates the folder 0700 (tightening one we own that is looser); refuses a link or a file. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: dirMode });
  const st = lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory()) {
    throw new CliError("unsafe_path", `${dir} is not a directory pimkit can use (it is a link or a file).`);
  }
  if (process.platform !== "win32" && (st.mode & 0o077) !== 0) {
    // Tighten a folder we own that was created with looser permissions (an older tool, a umask).
    chmodSync(dir, dirMode);
  }
}

/**
 * Writes `data` privately and atomically. Synchronous: the files are small, and the token cache,
 * which MSAL reloads from disk on every access, must never be seen between two states by a
 * concurrent access (see auth/token-store.ts).
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  ensurePrivateDir(dir);
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new CliError("unsafe_path", `${path} is a symbolic link; pimkit does not follow links for its own files.`);
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, fileMode);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  if (process.platform !== "win32") {
    chmodSync(path, fileMode);
    const dh = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(dh);
    } finally {
      closeSync(dh);
    }
  }
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  writeFileAtomicSync(path, data);
}

/**
 * Reads a file without following a link at its path; undefined when it does not exist. The
 * files are small and a command reads several before its first request, so the reading is
 * synchronous: four trips through libuv's thread pool per file would cost more than the reads.
 */
export async function readPrivateFile(path: string): Promise<Buffer | undefined> {
  return readPrivateFileSync(path);
}

export function readPrivateFileSync(path: string): Buffer | undefined {
  let fd: number;
  try {
    const flags = process.platform === "win32" ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NOFOLLOW;
    fd = openSync(path, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") {
      throw new CliError("unsafe_path", `${path} is a symbolic link; pimkit does not follow links for its own files.`);
    }
    throw e;
  }
  try {
    // Opening a directory succeeds on Linux; reading it does not. Say what is wrong instead of EISDIR.
    if (!fstatSync(fd).isFile()) {
      throw new CliError("unsafe_path", `${path} is not a regular file; move it aside and run the command again.`);
    }
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Group- or world-writable files could redirect pimkit to another tenant or app: refused (ssh StrictModes). */
export async function checkNotWritableByOthers(path: string): Promise<void> {
  if (process.platform === "win32") return;
  const st = statSync(path, { throwIfNoEntry: false });
  if (st && (st.mode & 0o022) !== 0) {
    throw new CliError(
      "unsafe_permissions",
      `${path} is writable by other users (mode ${(st.mode & 0o777).toString(8)}); refusing to use it.`,
      { details: [`Fix it with: chmod 600 ${path}`] },
    );
  }
}

/** Moves a file aside (`name.corrupt-<time>`) so nothing is lost; returns the new path. */
export function moveAsideSync(path: string, now: Date): string {
  const target = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, "-")}`;
  renameSync(path, target);
  return target;
}

export async function moveAside(path: string, now: Date): Promise<string> {
  return moveAsideSync(path, now);
}

/** Serialises read-modify-write cycles across processes with an exclusive lock file. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const lock = `${path}.lock`;
  ensurePrivateDir(dirname(path));
  const started = Date.now();
  for (;;) {
    try {
      const h = await fs.open(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, fileMode);
      await h.writeFile(String(process.pid));
      await h.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      // A lock older than the timeout belongs to a process that died: take it over.
      const st = await fs.stat(lock).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > timeoutMs) {
        await fs.rm(lock, { force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new CliError("locked", `${basename(path)} is being changed by another pimkit process; try again.`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { force: true });
  }
}
