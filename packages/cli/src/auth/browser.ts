import { spawn } from "node:child_process";
import type { CliIo } from "../framework/io";

/**
 * Opens the sign-in page: `BROWSER` when set (the URL replaces `%s` or is appended as the last
 * argument; no shell is involved), else the platform's opener. Resolves once the program has
 * started; rejects if it fails to start or exits with an error before the sign-in completes.
 */
export interface BrowserLaunch {
  /** Settles with an error if the program failed; never resolves on success. */
  failed: Promise<never>;
}

function splitCommand(command: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of command.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}

export function browserCommand(io: CliIo, url: string): { file: string; args: string[] } | undefined {
  const env = io.env.BROWSER;
  if (env && env.trim() !== "") {
    // BROWSER may list alternatives separated by ':' (the convention); the first one is used,
    // unless the value is a single path that itself contains ':' (Windows drive letters).
    const first = io.platform === "win32" ? env : (env.split(":")[0] ?? env);
    const parts = splitCommand(first);
    const file = parts.shift();
    if (!file) return undefined;
    const hasPlaceholder = parts.some((p) => p.includes("%s"));
    const args = hasPlaceholder ? parts.map((p) => p.replaceAll("%s", url)) : [...parts, url];
    return { file, args };
  }
  if (io.platform === "darwin") return { file: "open", args: [url] };
  if (io.platform === "win32") return { file: "rundll32", args: ["url.dll,FileProtocolHandler", url] };
  return { file: "xdg-open", args: [url] };
}

export function launchBrowser(io: CliIo, url: string): BrowserLaunch {
  const cmd = browserCommand(io, url);
  let fail: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // Nobody may be waiting on this promise when all goes well.
  failed.catch(() => undefined);
  if (!cmd) {
    fail(new Error("BROWSER is empty"));
    return { failed };
  }
  const child = spawn(cmd.file, cmd.args, {
    stdio: "ignore",
    detached: io.platform !== "win32",
    env: { ...process.env, ...io.env } as NodeJS.ProcessEnv,
  });
  child.on("error", (e) =>
    fail(new Error(`could not start ${cmd.file}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)),
  );
  child.on("exit", (code) => {
    if (code !== 0 && code !== null) fail(new Error(`${cmd.file} exited with code ${code}`));
  });
  child.unref();
  return { failed };
}
