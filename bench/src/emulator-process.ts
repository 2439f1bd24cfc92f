/**
 * The local tenant as its own process (`pimkit-emulator`), the way a user runs it. Benchmarks
 * drive it over HTTPS only: the comparators through the pinned fetch, pimkit through its cloud
 * file, and the bench itself through the admin API (`/_emulator/*`) for the request log, state
 * and resets. Running it out of process keeps its CPU work off the clients' event loops.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RequestLogEntry } from "@pimkit/emulator";
import { createPinnedFetch, type PinnedFetch } from "./https-fetch";
import { repoPath } from "./paths";

export interface EmulatorUserInfo {
  upn: string;
  oid: string;
}

export interface EmulatorStateDump {
  eligibilities: Array<{ id: string; principalId: string; target: Record<string, string>; current?: boolean }>;
  assignments: Array<{
    id: string;
    principalId: string;
    target: Record<string, string>;
    assignmentType: string;
    eligibilityId?: string;
    end: string | null;
  }>;
  requests: Array<{
    id: string;
    action: string;
    principalId: string;
    target: Record<string, string>;
    status: string;
  }>;
}

export interface AdminClient {
  requests(since?: number): Promise<RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  /** Reloads the scenario, clears the log and faults (sign-in sessions and keys survive). */
  reset(): Promise<void>;
  loadScenario(scenario: object | string): Promise<void>;
  state(): Promise<EmulatorStateDump>;
  settings(update?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface EmulatorProcess {
  readonly url: string;
  readonly tenantId: string;
  readonly cloudFile: string;
  readonly caCertFile: string;
  readonly caCertPem: string;
  readonly users: EmulatorUserInfo[];
  /** Pinned-CA fetch onto the emulator (shared by the comparators). */
  readonly fetch: PinnedFetch;
  readonly admin: AdminClient;
  stop(): Promise<void>;
}

export interface StartEmulatorOptions {
  /** A scenario object (written to a file) or a built-in name. */
  scenario: object | string;
  latencyMs?: number;
  autoSignIn?: string;
  /** Serve this folder at `/` (the built portal). */
  portalDir?: string;
}

export const emulatorBin = repoPath("packages/emulator/dist/pimkit-emulator.js");

interface ReadyLine {
  url: string;
  tenantId: string;
  cloudFile: string;
  caCertFile: string;
  users: EmulatorUserInfo[];
}

function waitForReadyLine(child: ChildProcess, stderr: () => string): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      child.stdout?.off("data", onData);
      try {
        resolve(JSON.parse(buffered.slice(0, newline)) as ReadyLine);
      } catch (error) {
        reject(new Error(`the emulator printed something other than its ready line: ${String(error)}`));
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the emulator exited with code ${code}: ${stderr().trim()}`)));
    child.once("error", reject);
  });
}

export async function startEmulatorProcess(options: StartEmulatorOptions): Promise<EmulatorProcess> {
  if (!existsSync(emulatorBin)) {
    throw new Error(`${emulatorBin} is missing: run \`npm run build\` first`);
  }
  const dir = mkdtempSync(join(tmpdir(), "pimkit-bench-emu-"));
  const args = [emulatorBin];
  if (typeof options.scenario === "string") args.push("--scenario", options.scenario);
  else {
    const file = join(dir, "scenario.json");
    writeFileSync(file, JSON.stringify(options.scenario), { mode: 0o600 });
    args.push("--scenario", file);
  }
  args.push("--latency", String(options.latencyMs ?? 0));
  if (options.autoSignIn) args.push("--auto-sign-in", options.autoSignIn);
  if (options.portalDir) args.push("--portal-dir", options.portalDir);

  const launch = async (): Promise<{ child: ChildProcess; ready: ReadyLine }> => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => {
      // Only kept for a start-up failure message; bounded so a chatty emulator cannot grow it.
      if (stderr.length < 16_384) stderr += c.toString("utf8");
    });
    try {
      return { child, ready: await waitForReadyLine(child, () => stderr) };
    } catch (error) {
      child.kill("SIGTERM");
      throw error;
    }
  };
  let child: ChildProcess;
  let ready: ReadyLine;
  try {
    ({ child, ready } = await launch().catch(async () => {
      // Once more after a pause: the bundle may have been read while a build was rewriting it.
      await new Promise((r) => setTimeout(r, 2_000));
      return launch();
    }));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const caCertPem = readFileSync(ready.caCertFile, "utf8");
  const fetch = createPinnedFetch(caCertPem);
  const adminUrl = (path: string) => `${ready.url}/_emulator/${path}`;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(adminUrl(path), {
      method,
      ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : undefined;
  };
  const admin: AdminClient = {
    async requests(since) {
      const body = (await call("GET", since !== undefined ? `requests?since=${since}` : "requests")) as {
        value: RequestLogEntry[];
      };
      return body.value;
    },
    async clearRequests() {
      await call("DELETE", "requests");
    },
    async reset() {
      // The tenant's roles start afresh; the CLI home signed in once before the runs stays signed in.
      await call("POST", "reset?keepSignIns=true");
    },
    async loadScenario(scenario) {
      await call("POST", "scenario", { scenario });
    },
    async state() {
      return (await call("GET", "state")) as EmulatorStateDump;
    },
    async settings(update) {
      return (await call(update ? "PATCH" : "GET", "settings", update)) as Record<string, unknown>;
    },
  };

  let stopped: Promise<void> | undefined;
  return {
    url: ready.url,
    tenantId: ready.tenantId,
    cloudFile: ready.cloudFile,
    caCertFile: ready.caCertFile,
    caCertPem,
    users: ready.users,
    fetch,
    admin,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        fetch.close();
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }).finally(() => rmSync(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
