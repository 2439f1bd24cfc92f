import { join } from "node:path";
import { checkNotWritableByOthers, moveAside, readPrivateFile, withFileLock, writeFileAtomic } from "./atomic";

/**
 * A versioned JSON file in the config folder: `{ "version": N, ...body }`, validated on every
 * read. A file that does not parse or does not validate is reported, moved aside (kept, never
 * overwritten) and replaced by the empty document.
 */
export interface DocumentSpec<T> {
  file: string;
  version: number;
  /** Returns the body or a description of the first problem. */
  validate(value: Record<string, unknown>): { ok: true; value: T } | { ok: false; problem: string };
  empty(): T;
  /** Content that must never be group/world-writable (it steers where pimkit signs in). */
  strictPermissions?: boolean;
}

export interface StateHost {
  dir: string;
  now(): Date;
  warn(message: string): void;
}

export class JsonDocument<T extends object> {
  readonly path: string;
  constructor(
    private readonly host: StateHost,
    private readonly spec: DocumentSpec<T>,
  ) {
    this.path = join(host.dir, spec.file);
  }

  async read(): Promise<T> {
    if (this.spec.strictPermissions) {
      await checkNotWritableByOthers(this.path);
    }
    const raw = await readPrivateFile(this.path);
    if (raw === undefined) return this.spec.empty();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      return this.setAside("it is not valid JSON");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      return this.setAside("it is not a JSON object");
    const doc = parsed as Record<string, unknown>;
    if (doc.version !== this.spec.version) {
      return this.setAside(
        typeof doc.version === "number" && doc.version > this.spec.version
          ? `it was written by a newer pimkit (version ${doc.version})`
          : "its version is missing or unknown",
      );
    }
    const result = this.spec.validate(doc);
    if (!result.ok) return this.setAside(result.problem);
    return result.value;
  }

  async write(value: T): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify({ version: this.spec.version, ...value }, null, 2)}\n`);
  }

  /** Read-modify-write under a lock, so two pimkit processes never lose each other's change. */
  async update<R>(fn: (current: T) => { value: T; result: R } | Promise<{ value: T; result: R }>): Promise<R> {
    return withFileLock(this.path, async () => {
      const current = await this.read();
      const { value, result } = await fn(current);
      await this.write(value);
      return result;
    });
  }

  private async setAside(problem: string): Promise<T> {
    let where = "";
    try {
      where = await moveAside(this.path, this.host.now());
    } catch {
      where = "";
    }
    this.host.warn(
      where
        ? `${this.path} could not be read (${problem}); it was moved to ${where} and pimkit started from an empty ${this.spec.file}.`
        : `${this.path} could not be read (${problem}); using an empty ${this.spec.file}.`,
    );
    return this.spec.empty();
  }
}

// Small validation helpers: the files are small and flat, so a schema library would cost more
// start-up time than it saves.
export const is = {
  string: (v: unknown): v is string => typeof v === "string",
  optString: (v: unknown): v is string | undefined => v === undefined || typeof v === "string",
  object: (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v),
  array: (v: unknown): v is unknown[] => Array.isArray(v),
};
