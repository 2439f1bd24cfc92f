import { homedir } from "node:os";
import { isatty } from "node:tty";
import { openOsSecretStore } from "./auth/secret-store";
import type { InStream, OutStream } from "./framework/io";
import { main } from "./main";

/** `pimkit` as a process: real streams, Ctrl-C aborts the command (exit 130). */
export async function runProcess(argv: string[]): Promise<void> {
  const controller = new AbortController();
  let interrupted = false;
  process.on("SIGINT", () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort(new DOMException("Interrupted", "AbortError"));
  });

  // process.stdout and process.stderr are also created on first use: whether one is a terminal
  // is answered without it, and a command that prints nothing on stderr never opens it.
  const opened: NodeJS.WriteStream[] = [];
  function out(fd: 1 | 2): OutStream {
    let stream: NodeJS.WriteStream | undefined;
    let tty: boolean | undefined;
    const open = (): NodeJS.WriteStream => {
      if (!stream) {
        stream = fd === 1 ? process.stdout : process.stderr;
        opened.push(stream);
      }
      return stream;
    };
    return {
      write: (s: string) => {
        open().write(s);
      },
      get isTTY() {
        tty ??= isatty(fd);
        return tty;
      },
      get columns() {
        return this.isTTY ? open().columns : undefined;
      },
    };
  }

  // process.stdin is created on first use (a stream over the terminal or pipe, a few ms): only
  // prompts and `--file -` read it, so most commands never pay for it.
  const stdinIsTTY = isatty(0);
  const stdin: InStream = {
    isTTY: stdinIsTTY,
    ...(stdinIsTTY ? { setRawMode: (raw: boolean) => process.stdin.setRawMode(raw) } : {}),
    on: (_e, l) => {
      process.stdin.on("data", l);
    },
    off: (_e, l) => {
      process.stdin.off("data", l);
    },
    resume: () => {
      process.stdin.resume();
    },
    pause: () => {
      process.stdin.pause();
    },
  };

  const code = await main(
    argv,
    {
      stdout: out(1),
      stderr: out(2),
      stdin,
      env: process.env,
      cwd: process.cwd(),
      platform: process.platform,
      homedir: homedir(),
      signal: controller.signal,
    },
    { secretStore: openOsSecretStore, now: () => new Date() },
  );
  // Let buffered output drain before leaving; lingering sockets (keep-alive) must not keep us alive.
  const drain = (i: number): void => {
    const stream = opened[i];
    if (stream) stream.write("", () => drain(i + 1));
    else process.exit(code);
  };
  drain(0);
}
