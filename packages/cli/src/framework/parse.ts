import type { AnyCommand, FlagSpec, FlagSpecs } from "./command";
import { UsageError } from "./errors";
import { globalFlags } from "./global-flags";

export interface ParsedLine {
  command: AnyCommand;
  args: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
  globals: Record<string, string | boolean | string[] | undefined>;
}

export type Resolution =
  | { kind: "command"; command: AnyCommand; rest: string[] }
  | { kind: "group"; path: string[]; unknown: string | undefined }
  | { kind: "unknown"; word: string }
  | { kind: "root" };

interface FlagLookup {
  byLong: Map<string, { name: string; spec: FlagSpec; global: boolean }>;
  byShort: Map<string, { name: string; spec: FlagSpec; global: boolean }>;
}

function lookupFor(commandFlags: FlagSpecs | undefined): FlagLookup {
  const byLong = new Map<string, { name: string; spec: FlagSpec; global: boolean }>();
  const byShort = new Map<string, { name: string; spec: FlagSpec; global: boolean }>();
  const add = (flags: FlagSpecs, global: boolean) => {
    for (const [name, spec] of Object.entries(flags)) {
      byLong.set(name, { name, spec, global });
      if (spec.short) byShort.set(spec.short, { name, spec, global });
    }
  };
  add(globalFlags, true);
  if (commandFlags) add(commandFlags, false);
  return { byLong, byShort };
}

/** Positional words before the command is known: global flags with values are skipped with their value. */
function leadingWords(argv: readonly string[]): string[] {
  const lookup = lookupFor(undefined);
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i] ?? "";
    if (t === "--") break;
    if (t.startsWith("-") && t.length > 1) {
      const long = t.startsWith("--") ? lookup.byLong.get(t.slice(2).split("=")[0] ?? "") : undefined;
      const short = !t.startsWith("--") && t.length === 2 ? lookup.byShort.get(t.slice(1)) : undefined;
      const spec = long?.spec ?? short?.spec;
      if (spec?.type === "string" && !t.includes("=")) i++;
      continue;
    }
    words.push(t);
  }
  return words;
}

export function resolveCommand(argv: readonly string[], registry: readonly AnyCommand[]): Resolution {
  const words = leadingWords(argv);
  let best: AnyCommand | undefined;
  for (const c of registry) {
    if (c.path.length <= words.length && c.path.every((p, i) => p === words[i])) {
      if (!best || c.path.length > best.path.length) best = c;
    }
  }
  if (best) return { kind: "command", command: best, rest: words.slice(best.path.length) };
  if (words.length === 0) return { kind: "root" };
  const first = words[0] ?? "";
  if (registry.some((c) => c.path.length > 1 && c.path[0] === first)) {
    return { kind: "group", path: [first], unknown: words[1] };
  }
  return { kind: "unknown", word: first };
}

/** Full parse of the line once the command is known. */
export function parseLine(argv: readonly string[], command: AnyCommand): ParsedLine {
  const lookup = lookupFor(command.flags);
  const flags: ParsedLine["flags"] = {};
  const globals: ParsedLine["globals"] = {};
  const positionals: string[] = [];
  const set = (entry: { name: string; spec: FlagSpec; global: boolean }, value: string | boolean, shown: string) => {
    const target = entry.global ? globals : flags;
    if (entry.spec.type === "string") {
      if (typeof value !== "string") throw new UsageError(`${shown} needs a value.`);
      if (entry.spec.choices && !entry.spec.choices.includes(value)) {
        throw new UsageError(`${shown} must be one of ${entry.spec.choices.join(", ")} (got "${value}").`);
      }
      if (entry.spec.multiple) {
        const prev = target[entry.name];
        target[entry.name] = [...(Array.isArray(prev) ? prev : []), value];
      } else {
        target[entry.name] = value;
      }
    } else {
      target[entry.name] = value;
    }
  };
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i] ?? "";
    if (onlyPositionals || !t.startsWith("-") || t === "-") {
      positionals.push(t);
      continue;
    }
    if (t === "--") {
      onlyPositionals = true;
      continue;
    }
    if (t.startsWith("--")) {
      const eq = t.indexOf("=");
      const rawName = eq >= 0 ? t.slice(2, eq) : t.slice(2);
      const inline = eq >= 0 ? t.slice(eq + 1) : undefined;
      let entry = lookup.byLong.get(rawName);
      let negated = false;
      if (!entry && rawName.startsWith("no-")) {
        const positive = lookup.byLong.get(rawName.slice(3));
        if (positive?.spec.type === "boolean") {
          entry = positive;
          negated = true;
        }
      }
      if (!entry) throw unknownFlag(`--${rawName}`, lookup, command);
      if (entry.spec.type === "boolean") {
        if (inline !== undefined) {
          if (!["true", "false"].includes(inline)) throw new UsageError(`--${rawName} takes no value.`);
          set(entry, (inline === "true") !== negated, `--${rawName}`);
        } else set(entry, !negated, `--${rawName}`);
        continue;
      }
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${rawName} needs a value.`);
      set(entry, value, `--${rawName}`);
      continue;
    }
    // Short flags: -o json, -ojson, -h
    const letter = t.slice(1, 2);
    const entry = lookup.byShort.get(letter);
    if (!entry) throw unknownFlag(t, lookup, command);
    if (entry.spec.type === "boolean") {
      if (t.length > 2) throw new UsageError(`Unknown flag ${t}.`);
      set(entry, true, `-${letter}`);
      continue;
    }
    const attached = t.slice(2).replace(/^=/, "");
    const value = attached.length > 0 ? attached : argv[++i];
    if (value === undefined) throw new UsageError(`-${letter} needs a value.`);
    set(entry, value, `-${letter}`);
  }
  // Drop the command words themselves.
  const args = [...positionals];
  for (const word of command.path) {
    const at = args.indexOf(word);
    if (at === 0) args.shift();
    else break;
  }
  return { command, args, flags, globals };
}

function unknownFlag(shown: string, lookup: FlagLookup, command: AnyCommand): UsageError {
  const name = shown.replace(/^-+/, "");
  const candidates = [...lookup.byLong.keys()].filter((k) => !lookup.byLong.get(k)?.spec.hidden);
  const near = candidates
    .map((c) => ({ c, d: editDistance(c, name) }))
    .filter((x) => x.d <= Math.max(2, Math.ceil(name.length / 3)))
    .sort((a, b) => a.d - b.d)[0];
  const details = near ? [`Did you mean --${near.c}?`] : [];
  details.push(`Run \`pimkit ${command.path.join(" ")} --help\` for the flags it takes.`);
  return new UsageError(`Unknown flag ${shown}.`, details);
}

export function editDistance(a: string, b: string): number {
  const dp: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] ?? 0;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] ?? 0;
      dp[j] = Math.min((dp[j] ?? 0) + 1, (dp[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length] ?? 0;
}

/** Checks positional arguments against the definition. */
export function checkArgs(command: AnyCommand, args: string[]): void {
  const specs = command.args;
  const variadic = specs.some((s) => s.variadic);
  const required = specs.filter((s) => s.required).length;
  if (args.length < required) {
    const missing = specs.filter((s) => s.required)[args.length];
    throw new UsageError(`Missing argument <${missing?.name ?? "arg"}>.`, [
      `Usage: pimkit ${command.path.join(" ")} ${specs.map((s) => argUsage(s)).join(" ")}`.trimEnd(),
    ]);
  }
  if (!variadic && args.length > specs.length) {
    throw new UsageError(`Unexpected argument "${args[specs.length]}".`, [
      `Usage: pimkit ${command.path.join(" ")} ${specs.map((s) => argUsage(s)).join(" ")}`.trimEnd(),
    ]);
  }
}

export function argUsage(s: { name: string; required?: boolean; variadic?: boolean }): string {
  const inner = `${s.name}${s.variadic ? "..." : ""}`;
  return s.required ? `<${inner}>` : `[${inner}]`;
}
