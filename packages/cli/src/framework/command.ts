import type { CliDeps } from "../app/deps";
import type { ExitCode } from "./exit-codes";
import type { CliIo } from "./io";

/**
 * Commands are typed definitions in one registry (`commands/index.ts`): help, docs and shell
 * completion are generated from them. A definition file stays light; what a command needs at
 * run time (MSAL, the core) is imported inside `run`, so `pimkit --version` and help load nothing.
 */
export interface FlagSpec {
  type: "string" | "boolean";
  description: string;
  short?: string;
  /** Name of the value in help (`--duration <DURATION>`). */
  valueName?: string;
  /** The flag may be repeated; values are collected in order. */
  multiple?: boolean;
  choices?: readonly string[];
  /** Hidden from help (aliases kept for compatibility). */
  hidden?: boolean;
}

export interface ArgSpec {
  name: string;
  description: string;
  required?: boolean;
  /** Takes every remaining positional argument. */
  variadic?: boolean;
}

export interface Example {
  command: string;
  description: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export type FlagValue<S extends FlagSpec> = S["type"] extends "boolean"
  ? boolean
  : S["multiple"] extends true
    ? string[]
    : string | undefined;

export type FlagValues<F extends FlagSpecs> = { [K in keyof F]: FlagValue<F[K]> };

export type OutputFormat = "table" | "json" | "jsonc" | "tsv" | "yaml" | "none";

export interface GlobalOptions {
  output: OutputFormat;
  /** True when the format was chosen by a flag (not the default). */
  outputExplicit: boolean;
  query: string | undefined;
  cloud: string | undefined;
  tenant: string | undefined;
  clientId: string | undefined;
  tokenCache: string | undefined;
}

/** What a command hands back for the shared output layer (`--output`, `--query`). */
export interface CommandResult {
  /** The data printed by json/jsonc/yaml/tsv and passed to `--query`; undefined prints nothing. */
  data?: unknown;
  /** The human rendering for `-o table` (no query): lines, already formatted. */
  table?: (style: TableStyle) => string;
  exitCode?: ExitCode;
}

export interface TableStyle {
  color: boolean;
  width: number | undefined;
}

export interface CommandContext<F extends FlagSpecs> {
  io: CliIo;
  args: string[];
  flags: FlagValues<F>;
  globals: GlobalOptions;
  /** The command's own path (`["role", "activate"]`). */
  path: readonly string[];
  deps: CliDeps;
}

export interface CommandDefinition<F extends FlagSpecs = FlagSpecs> {
  path: readonly string[];
  summary: string;
  description?: string;
  args: readonly ArgSpec[];
  flags: F;
  examples: readonly Example[];
  /** Does `-o/--output` and `--query` mean something here (default true). */
  output?: boolean;
  run(ctx: CommandContext<F>): Promise<CommandResult>;
}

/** Any command, as the registry holds it. */
export interface AnyCommand {
  path: readonly string[];
  summary: string;
  description?: string;
  args: readonly ArgSpec[];
  flags: FlagSpecs;
  examples: readonly Example[];
  output?: boolean;
  run(ctx: CommandContext<FlagSpecs>): Promise<CommandResult>;
}

export function defineCommand<const F extends FlagSpecs>(definition: CommandDefinition<F>): AnyCommand {
  return definition as unknown as AnyCommand;
}

export function commandName(path: readonly string[]): string {
  return path.join(" ");
}
