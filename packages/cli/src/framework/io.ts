/**
 * Everything a command touches outside itself comes through `CliIo`, so each command runs the
 * same way in the real process and in tests (with and without a terminal).
 */
export interface OutStream {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Terminal width when `isTTY`. */
  readonly columns: number | undefined;
}

export interface InStream {
  readonly isTTY: boolean;
  /** Raw mode for key-by-key prompts; absent when the stream is not a terminal. */
  setRawMode?(raw: boolean): void;
  on(event: "data", listener: (chunk: Buffer | string) => void): void;
  off(event: "data", listener: (chunk: Buffer | string) => void): void;
  resume(): void;
  pause(): void;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: Env;
  cwd: string;
  platform: NodeJS.Platform;
  homedir: string;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

/** Prompts need a terminal on both ends: keys from stdin, the prompt on stderr. */
export function isInteractive(io: CliIo): boolean {
  return io.stdin.isTTY && io.stderr.isTTY && io.env.CI !== "true";
}

/** Colour only on a terminal, never with NO_COLOR (any value, per no-color.org). */
export function colorEnabled(io: CliIo, stream: OutStream): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.TERM === "dumb") return false;
  return stream.isTTY;
}
