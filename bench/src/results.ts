/**
 * Result files (`bench/results/<name>.json`): the figures of one real run with the facts of the
 * machine it ran on, plus the one-line summary each benchmark prints.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { arch, cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { repoPath, repoRoot } from "./paths";

export interface MachineFacts {
  date: string;
  node: string;
  platform: string;
  osRelease: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  /** The commit the tree was at, and whether it had uncommitted changes. */
  commit: string | null;
  dirty: boolean | null;
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function machineFacts(): MachineFacts {
  const cpu = cpus();
  const status = git(["status", "--porcelain"]);
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: platform(),
    osRelease: release(),
    arch: arch(),
    cpuModel: cpu[0]?.model ?? "unknown",
    cpuCount: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    commit: git(["rev-parse", "HEAD"]),
    dirty: status === null ? null : status.length > 0,
  };
}

export const defaultResultsDir = repoPath("bench/results");

export interface BenchResult {
  name: string;
  title: string;
  /** One line, also printed. */
  summary: string;
  /** Targets with their measured value and whether they were met. */
  targets: Array<{ target: string; measured: string; met: boolean }>;
  figures: unknown;
}

/** Writes `<dir>/<name>.json` (when a directory is given) and prints the summary line. */
export function publish(result: BenchResult, dir: string | null, print: (line: string) => void): void {
  print(`${result.name}: ${result.summary}`);
  for (const t of result.targets) print(`  ${t.met ? "met   " : "MISSED"} ${t.target} — ${t.measured}`);
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify({ ...result, machine: machineFacts() }, null, 2)}\n`);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function ms(n: number): string {
  return `${Math.round(n)} ms`;
}
