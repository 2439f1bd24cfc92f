import { homedir } from "node:os";
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

  function out(stream: NodeJS.WriteStream): OutStream {
    return {
      write: (s: string) => {
        stream.write(s);
      },
      get isTTY() {
        return stream.isTTY === true;
      },
      get columns() {
        return stream.isTTY ? stream.columns : undefined;
      },
    };
  }

  const stdin: InStream = {
    isTTY: process.stdin.isTTY === true,
    ...(process.stdin.isTTY ? { setRawMode: (raw: boolean) => process.stdin.setRawMode(raw) } : {}),
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
      stdout: out(process.stdout),
      stderr: out(process.stderr),
      stdin,
      env: process.env,
      cwd: process.cwd(),
      platform: process.platform,
      homedir: homedir(),
      signal: controller.signal,
    },
    { secretStore: openOsSecretStore, now: () => new Date() },
  );
  const finalCode = code;
  // Let buffered output drain before leaving; lingering sockets (keep-alive) must not keep us alive.
  process.stdout.write("", () => {
    process.stderr.write("", () => process.exit(finalCode));
  });
}
