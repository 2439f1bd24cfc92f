import type { AnyCommand, FlagSpec, FlagSpecs } from "./command";
import { environmentVariables } from "./environment";
import { exitCodeHelp } from "./exit-codes";
import { globalFlags } from "./global-flags";
import { argUsage } from "./parse";

/** Help texts are generated from the command definitions; nothing here is written by hand per command. */
export const helpTopics = {
  "exit-codes": "What each exit code means.",
  environment: "Environment variables pimkit reads.",
} as const;

export type HelpTopic = keyof typeof helpTopics;

function flagLine(name: string, spec: FlagSpec): [string, string] {
  const short = spec.short ? `-${spec.short}, ` : "    ";
  const value = spec.type === "string" ? ` <${spec.valueName ?? name.toUpperCase()}>` : "";
  const repeat = spec.multiple ? " (repeatable)" : "";
  return [`${short}--${name}${value}`, `${spec.description}${repeat}`];
}

function twoColumns(rows: [string, string][], indent = "  "): string {
  const width = Math.min(38, Math.max(...rows.map(([a]) => a.length)));
  return rows
    .map(([a, b]) =>
      a.length > width ? `${indent}${a}\n${indent}${" ".repeat(width + 2)}${b}` : `${indent}${a.padEnd(width)}  ${b}`,
    )
    .join("\n");
}

export function usageLine(c: AnyCommand): string {
  const args = c.args.map((a) => argUsage(a)).join(" ");
  return `pimkit ${c.path.join(" ")}${args ? ` ${args}` : ""}${Object.keys(c.flags).length ? " [flags]" : ""}`;
}

export function commandHelp(c: AnyCommand): string {
  const out: string[] = [];
  out.push(c.description ?? c.summary, "", "Usage:", `  ${usageLine(c)}`);
  if (c.args.length) {
    out.push("", "Arguments:", twoColumns(c.args.map((a) => [argUsage(a), a.description])));
  }
  const own = Object.entries(c.flags).filter(([, s]) => !s.hidden);
  if (own.length) out.push("", "Flags:", twoColumns(own.map(([n, s]) => flagLine(n, s))));
  const globals = Object.entries(globalFlags as FlagSpecs).filter(
    ([n]) => c.output !== false || !["output", "json", "query"].includes(n),
  );
  out.push("", "Global flags:", twoColumns(globals.map(([n, s]) => flagLine(n, s))));
  if (c.examples.length) {
    out.push("", "Examples:");
    for (const e of c.examples) out.push(`  # ${e.description}`, `  $ ${e.command}`);
  }
  out.push("", "See also: pimkit help exit-codes, pimkit help environment");
  return `${out.join("\n")}\n`;
}

function groupsOf(registry: readonly AnyCommand[]): Map<string, AnyCommand[]> {
  const groups = new Map<string, AnyCommand[]>();
  for (const c of registry) {
    const key = c.path[0] ?? "";
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return groups;
}

export function groupHelp(group: string, registry: readonly AnyCommand[]): string {
  const members = registry.filter((c) => c.path[0] === group);
  return [
    `pimkit ${group}: ${groupSummaries[group] ?? ""}`.trimEnd(),
    "",
    "Usage:",
    `  pimkit ${group} <command> [flags]`,
    "",
    "Commands:",
    twoColumns(members.map((c) => [usageLine(c).replace(/^pimkit /, ""), c.summary])),
    "",
    `Run \`pimkit ${group} <command> --help\` for a command's flags and examples.`,
    "",
  ].join("\n");
}

const groupSummaries: Record<string, string> = {
  auth: "sign in, see how you are signed in, sign out",
  tenant: "home and guest tenants",
  role: "list, explain, activate and deactivate PIM roles",
  request: "your activation requests",
  profile: "named sets of roles with their defaults",
  context: "authentication contexts and the Conditional Access policies that use them",
  config: "settings kept in the config folder",
  emulator: "the local tenant",
};

export function rootHelp(registry: readonly AnyCommand[], version: string): string {
  const rows: [string, string][] = [];
  for (const [group, members] of groupsOf(registry)) {
    if (members.length === 1 && members[0]?.path.length === 1) rows.push([group, lowerFirst(members[0].summary)]);
    else rows.push([group, groupSummaries[group] ?? members.map((m) => m.path.slice(1).join(" ")).join(", ")]);
  }
  rows.push(["help", "help for a command or topic (exit-codes, environment)"]);
  return [
    `pimkit ${version}: activate Microsoft Entra PIM roles (Entra roles, PIM for Groups, Azure resources).`,
    "",
    "Usage:",
    "  pimkit <command> <subcommand> [args] [flags]",
    "",
    "Commands:",
    twoColumns(rows),
    "",
    "Global flags:",
    twoColumns([
      ...Object.entries(globalFlags as FlagSpecs).map(([n, s]) => flagLine(n, s)),
      ["    --version", "Print the version."],
    ]),
    "",
    "Examples:",
    "  $ pimkit auth login",
    "  $ pimkit role list",
    '  $ pimkit role activate "Global Reader" --duration 2h --justification "Quarterly access review"',
    "",
    "Results go to stdout, everything else to stderr. Run `pimkit help exit-codes` and",
    "`pimkit help environment` for the exit codes and environment variables.",
    "",
  ].join("\n");
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function topicHelp(topic: HelpTopic): string {
  if (topic === "exit-codes") {
    return [
      "Exit codes:",
      twoColumns(exitCodeHelp.map((e) => [String(e.code), e.meaning])),
      "",
      "`role activate` exits 0 only when every role ended activated, scheduled or already active;",
      "8 when none failed but one waits for approval; 1 when any failed.",
      "",
    ].join("\n");
  }
  return [
    "Environment variables (a flag wins over the environment, the environment over the config file):",
    "",
    ...environmentVariables.map((v) => `  ${v.name}=<${v.values}>\n      ${v.description}`),
    "",
  ].join("\n");
}
