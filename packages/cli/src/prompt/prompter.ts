import { InterruptedError, UsageError } from "../framework/errors";
import { type CliIo, isInteractive } from "../framework/io";
import { palette } from "../output/colors";
import { sanitizeText } from "../output/sanitize";

/**
 * Terminal prompts, drawn on stderr and read key by key from stdin. Only ever created on a
 * terminal: without one, commands fail naming the flag to pass instead.
 */
export interface Choice {
  label: string;
  /** Dimmed text after the label (requirements of a role). */
  hint?: string;
}

const keys = {
  up: ["\u001b[A", "k"],
  down: ["\u001b[B", "j"],
  space: [" "],
  enter: ["\r", "\n"],
  all: ["a"],
  interrupt: ["\u0003", "\u001b"],
};

export class Prompter {
  private readonly p;
  constructor(private readonly io: CliIo) {
    if (!isInteractive(io)) throw new Error("prompts need a terminal");
    this.p = palette(io.env.NO_COLOR === undefined || io.env.NO_COLOR === "");
  }

  private async withRaw<T>(fn: (next: () => Promise<string>) => Promise<T>): Promise<T> {
    const { stdin } = this.io;
    const pending: string[] = [];
    let waiter: ((s: string) => void) | undefined;
    const listener = (chunk: Buffer | string) => {
      const s = typeof chunk === "string" ? chunk : chunk.toString("utf8");
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w(s);
      } else pending.push(s);
    };
    stdin.setRawMode?.(true);
    stdin.on("data", listener);
    stdin.resume();
    const next = () =>
      new Promise<string>((resolve, reject) => {
        const queued = pending.shift();
        if (queued !== undefined) {
          resolve(queued);
          return;
        }
        if (this.io.signal.aborted) {
          reject(new InterruptedError());
          return;
        }
        waiter = resolve;
        this.io.signal.addEventListener("abort", () => reject(new InterruptedError()), { once: true });
      });
    try {
      return await fn(next);
    } finally {
      stdin.off("data", listener);
      stdin.setRawMode?.(false);
      stdin.pause();
    }
  }

  /** Multi-select with ↑/↓ (or j/k), space to toggle, a for all, enter to accept. */
  async multiSelect(title: string, choices: readonly Choice[]): Promise<number[]> {
    if (choices.length === 0) return [];
    const selected = new Set<number>();
    let cursor = 0;
    const err = this.io.stderr;
    const draw = (first: boolean) => {
      if (!first) err.write(`\u001b[${choices.length + 1}A`);
      err.write(
        `\u001b[2K${this.p.bold(sanitizeText(title))} ${this.p.dim("(↑/↓ move, space select, a all, enter accept)")}\n`,
      );
      choices.forEach((c, i) => {
        const mark = selected.has(i) ? this.p.green("[x]") : "[ ]";
        const pointer = i === cursor ? this.p.cyan("›") : " ";
        const hint = c.hint ? ` ${this.p.dim(sanitizeText(c.hint))}` : "";
        err.write(`\u001b[2K${pointer} ${mark} ${sanitizeText(c.label)}${hint}\n`);
      });
    };
    return this.withRaw(async (next) => {
      draw(true);
      for (;;) {
        const k = await next();
        if (keys.interrupt.includes(k)) throw new InterruptedError();
        if (keys.up.includes(k)) cursor = (cursor + choices.length - 1) % choices.length;
        else if (keys.down.includes(k)) cursor = (cursor + 1) % choices.length;
        else if (keys.space.includes(k)) {
          if (selected.has(cursor)) selected.delete(cursor);
          else selected.add(cursor);
        } else if (keys.all.includes(k)) {
          if (selected.size === choices.length) selected.clear();
          else for (let i = 0; i < choices.length; i++) selected.add(i);
        } else if (keys.enter.includes(k)) {
          if (selected.size === 0) selected.add(cursor);
          draw(false);
          return [...selected].sort((a, b) => a - b);
        }
        draw(false);
      }
    });
  }

  /** A line of text; `validate` returns a problem to show, or undefined when the answer is good. */
  async text(question: string, validate?: (answer: string) => string | undefined): Promise<string> {
    const err = this.io.stderr;
    return this.withRaw(async (next) => {
      for (;;) {
        err.write(`${this.p.bold("?")} ${sanitizeText(question)} `);
        let answer = "";
        for (;;) {
          const k = await next();
          if (keys.interrupt.includes(k) && k === "\u0003") throw new InterruptedError();
          if (keys.enter.includes(k) || /[\r\n]$/.test(k)) {
            answer += k.replace(/[\r\n]+$/, "").replace(/[\r\n]/g, " ");
            err.write("\n");
            break;
          }
          if (k === "\u007f" || k === "\b") {
            if (answer.length) {
              answer = answer.slice(0, -1);
              err.write("\b \b");
            }
            continue;
          }
          // biome-ignore lint/suspicious/noControlCharactersInRegex: typed control keys are dropped
          const printable = k.replace(/[\u0000-\u001f\u007f]|\u001b\[[0-9;]*[A-Za-z]/g, "");
          answer += printable;
          err.write(printable);
        }
        const problem = validate?.(answer.trim());
        if (!problem) return answer.trim();
        err.write(`  ${this.p.red(sanitizeText(problem))}\n`);
      }
    });
  }
}

export function requireFlag(flag: string, why: string): never {
  throw new UsageError(`${why}: pass ${flag}.`, ["No prompt is shown without a terminal."], "missing_input");
}
