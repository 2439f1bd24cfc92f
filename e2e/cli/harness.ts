import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

const root = resolve(import.meta.dirname, "../..");
export const pimkitBin = join(root, "packages/cli/bin/pimkit.js");
export const emulatorBin = join(root, "packages/emulator/bin/pimkit-emulator.js");
export const browserProgram = join(root, "packages/testkit/bin/pimkit-test-browser.js");
export const admin = "alex.morgan@contoso.example.com";

export function builtOrFail(): void {
  for (const f of [
    join(root, "packages/cli/dist/pimkit.cjs"),
    join(root, "packages/emulator/dist/pimkit-emulator.js"),
  ]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first (npm test does).`);
  }
}

export interface Ready {
  url: string;
  tenantId: string;
  cloudFile: string;
  caCertFile: string;
  users: { upn: string; oid: string }[];
}

export interface RunningEmulator {
  ready: Ready;
  child: ChildProcess;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/** `pimkit-emulator` as a process; resolves on its one JSON ready line. */
export async function startEmulatorProcess(args: string[]): Promise<RunningEmulator> {
  const child = spawn(process.execPath, [emulatorBin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const ready = await new Promise<Ready>((resolveReady, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", (line) => resolveReady(JSON.parse(line) as Ready));
    child.once("exit", (code) => reject(new Error(`pimkit-emulator exited ${code}: ${stderr}`)));
  });
  const ca = readFileSync(ready.caCertFile, "utf8");
  return {
    ready,
    child,
    admin: (method, path, body) =>
      new Promise((res, rej) => {
        const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = request(
          `${ready.url}/_emulator/${path}`,
          {
            method,
            ca,
            headers: data ? { "content-type": "application/json", "content-length": String(data.length) } : {},
          },
          (r) => {
            const chunks: Buffer[] = [];
            r.on("data", (c: Buffer) => chunks.push(c));
            r.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              res({ status: r.statusCode ?? 0, body: text ? JSON.parse(text) : null });
            });
          },
        );
        req.on("error", rej);
        req.end(data);
      }),
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once("exit", () => res());
        child.kill("SIGTERM");
      }),
  };
}

export interface Result {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built `pimkit` as a user would: a fresh process, no terminal. */
export function pimkit(
  args: string[],
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<Result> {
  const started = performance.now();
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [pimkitBin, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", rej);
    child.on("close", (code) => {
      clearTimeout(timer);
      res({ exitCode: code ?? -1, stdout, stderr, ms: performance.now() - started });
    });
  });
}

export function scratch(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
