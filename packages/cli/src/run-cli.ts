import { homedir } from "node:os";
import type { CliDeps } from "./app/deps";
import { openOsSecretStore } from "./auth/secret-store";
import type { Env, InStream, OutStream } from "./framework/io";
import { main } from "./main";

export interface RunCliOptions {
  /** Pretend stdin, stdout and stderr are terminals (prompts, colour, progress). */
  tty?: boolean;
  env?: Env;
  /** Input: each string is delivered as one chunk (one key press or one line) when a prompt reads. */
  stdin?: string | string[];
  cwd?: string;
  columns?: number;
  signal?: AbortSignal;
  deps?: Partial<CliDeps>;
  /** Called with each piece of stdout as it is written (long-running commands). */
  onStdout?: (text: string) => void;
}

export interface RunCliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

class BufferStream implements OutStream {
  text = "";
  constructor(
    readonly isTTY: boolean,
    readonly columns: number | undefined,
    private readonly listener?: (text: string) => void,
  ) {}
  write(s: string): void {
    this.text += s;
    this.listener?.(s);
  }
}

/** A scripted stdin: chunks are handed out one per tick, only while someone listens. */
class ScriptedInput implements InStream {
  private readonly listeners = new Set<(chunk: Buffer | string) => void>();
  private readonly queue: string[];
  private scheduled = false;
  constructor(
    readonly isTTY: boolean,
    chunks: string[],
  ) {
    this.queue = [...chunks];
  }
  setRawMode(): void {}
  on(_event: "data", listener: (chunk: Buffer | string) => void): void {
    this.listeners.add(listener);
    this.pump();
  }
  off(_event: "data", listener: (chunk: Buffer | string) => void): void {
    this.listeners.delete(listener);
  }
  resume(): void {
    this.pump();
  }
  pause(): void {}
  private pump(): void {
    if (this.scheduled || this.queue.length === 0 || this.listeners.size === 0) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      const chunk = this.queue.shift();
      if (chunk === undefined) return;
      for (const l of [...this.listeners]) l(chunk);
      this.pump();
    }, 1);
  }
}

/**
 * Runs `pimkit` in this process with captured streams: the same `main` as the binary, with
 * the terminal, environment and input chosen by the caller.
 */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<RunCliResult> {
  const tty = options.tty ?? false;
  const stdout = new BufferStream(tty, tty ? (options.columns ?? 120) : undefined, options.onStdout);
  const stderr = new BufferStream(tty, tty ? (options.columns ?? 120) : undefined);
  const chunks = options.stdin === undefined ? [] : Array.isArray(options.stdin) ? options.stdin : [options.stdin];
  const stdin = new ScriptedInput(tty, chunks);
  const exitCode = await main(
    argv,
    {
      stdout,
      stderr,
      stdin,
      env: options.env ?? {},
      cwd: options.cwd ?? process.cwd(),
      platform: process.platform,
      homedir: homedir(),
      signal: options.signal ?? new AbortController().signal,
    },
    { secretStore: openOsSecretStore, now: () => new Date(), ...options.deps },
  );
  return { stdout: stdout.text, stderr: stderr.text, exitCode };
}
