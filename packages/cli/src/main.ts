import type { CliDeps } from "./app/deps";
import { openStores } from "./app/state";
import { commands } from "./commands/index";
import type { AnyCommand, CommandContext, FlagSpecs, GlobalOptions, OutputFormat } from "./framework/command";
import { CliError, isCliError, UsageError } from "./framework/errors";
import { exitCodes } from "./framework/exit-codes";
import { commandHelp, groupHelp, helpTopics, rootHelp, topicHelp } from "./framework/help";
import { type CliIo, colorEnabled } from "./framework/io";
import { checkArgs, editDistance, parseLine, resolveCommand } from "./framework/parse";
import { compileQuery, type QueryFn, renderResult } from "./output/render";
import { sanitizeText } from "./output/sanitize";
import { version } from "./version";

/** Codes from the core that mean "your input", not "the service said no": exit 2. */
const inputErrorCodes = new Set([
  "invalid_duration",
  "invalid_start",
  "start_in_past",
  "start_outside_eligibility",
  "justification_required",
  "ticket_required",
  "not_eligible",
  "invalid_scope",
  "scope_not_eligible",
  "plan_invalid",
  "unknown_role",
  "unknown_request",
]);

function printError(io: CliIo, e: CliError): void {
  io.stderr.write(`pimkit: ${sanitizeText(e.message)}\n`);
  for (const d of e.details) io.stderr.write(`  ${sanitizeText(d)}\n`);
}

/** Turns anything thrown into a user-facing CliError (core errors keep their code). */
export function toCliError(e: unknown): CliError {
  if (isCliError(e)) return e;
  if (e && typeof e === "object" && (e as { name?: unknown }).name === "PimError") {
    const pe = e as { code: string; message: string };
    return new CliError(pe.code, pe.message, {
      exitCode: inputErrorCodes.has(pe.code) ? exitCodes.usage : exitCodes.failed,
    });
  }
  if (e && typeof e === "object" && (e as { name?: unknown }).name === "AbortError") {
    return new CliError("interrupted", "Interrupted.", { exitCode: exitCodes.interrupted });
  }
  const msalCode = (e as { errorCode?: unknown })?.errorCode;
  if (typeof msalCode === "string") {
    // MSAL errors carry a code and a description; neither holds tokens, but the description
    // may echo server text, so only the first line is shown.
    const desc = String((e as { errorMessage?: unknown }).errorMessage ?? "").split("\n")[0] ?? "";
    return new CliError("sign_in_failed", `Sign-in failed: ${msalCode}${desc ? ` (${desc.slice(0, 300)})` : ""}.`);
  }
  const message = e instanceof Error ? e.message : String(e);
  return new CliError("internal_error", `Unexpected error: ${message}`, {
    details: ["This is a bug in pimkit; please report it with the command you ran (never include tokens)."],
  });
}

function globalsFrom(parsed: Record<string, unknown>): GlobalOptions {
  const str = (k: string) => (typeof parsed[k] === "string" ? (parsed[k] as string) : undefined);
  const output = parsed.json === true ? "json" : str("output");
  return {
    output: (output ?? "table") as OutputFormat,
    outputExplicit: output !== undefined,
    query: str("query"),
    cloud: str("cloud"),
    tenant: str("tenant"),
    clientId: str("client-id"),
    tokenCache: str("token-cache"),
  };
}

function suggestion(word: string, candidates: string[]): string[] {
  const near = candidates
    .map((c) => ({ c, d: editDistance(c, word) }))
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d)[0];
  return near ? [`Did you mean "${near.c}"?`] : [];
}

/** Runs one command line; returns the exit code. Never calls process.exit. */
export async function main(argv: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    io.stdout.write(`${version}\n`);
    return exitCodes.ok;
  }
  try {
    return await dispatch(argv, io, deps);
  } catch (e) {
    // Whatever a cancelled operation threw, Ctrl-C is what happened.
    const err = io.signal.aborted
      ? new CliError("interrupted", "Interrupted.", { exitCode: exitCodes.interrupted })
      : toCliError(e);
    printError(io, err);
    return err.exitCode;
  }
}

async function dispatch(argv: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const wantsHelp = argv.includes("--help") || argv.includes("-h");
  // `pimkit help …`
  if (argv[0] === "help") {
    const rest = argv.slice(1).filter((a) => !a.startsWith("-"));
    if (rest.length === 0) {
      io.stdout.write(rootHelp(commands, version));
      return exitCodes.ok;
    }
    const topic = rest.join(" ");
    if (Object.hasOwn(helpTopics, topic)) {
      io.stdout.write(topicHelp(topic as keyof typeof helpTopics));
      return exitCodes.ok;
    }
    const found = resolveCommand(rest, commands);
    if (found.kind === "command") io.stdout.write(commandHelp(found.command));
    else if (found.kind === "group" && found.unknown === undefined)
      io.stdout.write(groupHelp(found.path[0] ?? "", commands));
    else throw new UsageError(`No help for "${topic}".`, ["Run `pimkit help` for the commands and topics."]);
    return exitCodes.ok;
  }
  const resolved = resolveCommand(argv, commands);
  if (resolved.kind === "root") {
    if (argv.includes("--version")) {
      io.stdout.write(`${version}\n`);
      return exitCodes.ok;
    }
    io.stdout.write(rootHelp(commands, version));
    return wantsHelp || argv.length === 0 ? exitCodes.ok : exitCodes.usage;
  }
  if (resolved.kind === "unknown") {
    const groups = [...new Set(commands.map((c) => c.path[0] ?? ""))];
    throw new UsageError(`Unknown command "${resolved.word}".`, [
      ...suggestion(resolved.word, [...groups, "help"]),
      "Run `pimkit help` for the list of commands.",
    ]);
  }
  if (resolved.kind === "group") {
    const group = resolved.path[0] ?? "";
    if (resolved.unknown === undefined) {
      io.stdout.write(groupHelp(group, commands));
      return wantsHelp || argv.length === 1 ? exitCodes.ok : exitCodes.usage;
    }
    const verbs = commands.filter((c) => c.path[0] === group).map((c) => c.path[1] ?? "");
    throw new UsageError(`Unknown command "${group} ${resolved.unknown}".`, [
      ...suggestion(resolved.unknown, verbs),
      `Run \`pimkit ${group} --help\` for its commands.`,
    ]);
  }
  const command: AnyCommand = resolved.command;
  if (wantsHelp) {
    io.stdout.write(commandHelp(command));
    return exitCodes.ok;
  }
  const parsed = parseLine(argv, command);
  checkArgs(command, parsed.args);
  const globals = globalsFrom(parsed.globals);
  if (!globals.outputExplicit && command.output !== false) {
    // The config file may set a default format; it is read here only when no flag chose one.
    globals.output = await configuredOutput(io, deps);
  }
  let query: QueryFn | undefined;
  if (globals.query !== undefined) {
    try {
      query = await compileQuery(globals.query);
    } catch (e) {
      throw new UsageError(`--query is not a valid JMESPath expression: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  const ctx: CommandContext<FlagSpecs> = {
    io,
    args: parsed.args,
    flags: fillFlagDefaults(command, parsed.flags),
    globals,
    path: command.path,
    deps,
  };
  const result = await command.run(ctx);
  const text = await renderResult(result, {
    format: globals.output,
    query,
    color: colorEnabled(io, io.stdout) && (globals.output === "table" || globals.output === "jsonc"),
    width: io.stdout.columns,
  });
  if (text) io.stdout.write(text);
  return result.exitCode ?? exitCodes.ok;
}

function fillFlagDefaults(command: AnyCommand, flags: Record<string, unknown>): CommandContext<FlagSpecs>["flags"] {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.flags)) {
    const v = flags[name];
    if (spec.type === "boolean") out[name] = v === true;
    else if (spec.multiple) out[name] = Array.isArray(v) ? v : [];
    else out[name] = typeof v === "string" ? v : undefined;
  }
  return out as CommandContext<FlagSpecs>["flags"];
}

async function configuredOutput(io: CliIo, deps: CliDeps): Promise<OutputFormat> {
  try {
    const config = await openStores(io, deps).config.read();
    const v = config.settings.output;
    if (v && ["table", "json", "jsonc", "tsv", "yaml", "none"].includes(v)) return v as OutputFormat;
  } catch (e) {
    if (isCliError(e)) throw e;
  }
  return "table";
}
