import type { AnyCommand, FlagSpec, FlagSpecs } from "./framework/command";
import { environmentVariables } from "./framework/environment";
import { exitCodeHelp } from "./framework/exit-codes";
import { globalFlags } from "./framework/global-flags";
import { usageLine } from "./framework/help";
import { argUsage } from "./framework/parse";
import { configKeys } from "./state/config";

/** `docs/cli.md`, generated from the command registry (a test keeps the file in step). */
function flagRow(name: string, spec: FlagSpec): string {
  const value = spec.type === "string" ? ` <${spec.valueName ?? name.toUpperCase()}>` : "";
  const short = spec.short ? `-${spec.short}, ` : "";
  const choices = spec.choices ? ` One of: ${spec.choices.map((c) => `\`${c}\``).join(", ")}.` : "";
  return `| \`${short}--${name}${value}\` | ${spec.description}${spec.multiple ? " Repeatable." : ""}${choices} |`;
}

function flagTable(flags: FlagSpecs): string[] {
  const rows = Object.entries(flags).filter(([, s]) => !s.hidden);
  if (rows.length === 0) return [];
  return ["| flag | meaning |", "|---|---|", ...rows.map(([n, s]) => flagRow(n, s))];
}

export function renderReference(commands: readonly AnyCommand[]): string {
  const out: string[] = [
    "# pimkit CLI reference",
    "",
    "<!-- Generated from packages/cli/src/commands by packages/cli/src/reference.ts; do not edit by hand. -->",
    "",
    "`pimkit <noun> <verb> [args] [--flags]`. Results go to stdout; progress, prompts and warnings to stderr.",
    "No prompt ever appears without a terminal: the command fails naming the flag to pass instead.",
    "",
    "## Commands",
    "",
    "| command | does |",
    "|---|---|",
    ...commands.map((c) => `| [\`pimkit ${c.path.join(" ")}\`](#pimkit-${c.path.join("-")}) | ${c.summary} |`),
    "",
  ];
  for (const c of commands) {
    out.push(`### pimkit ${c.path.join(" ")}`, "", c.description ?? c.summary, "", "```", usageLine(c), "```", "");
    if (c.args.length) {
      out.push(
        "| argument | meaning |",
        "|---|---|",
        ...c.args.map((a) => `| \`${argUsage(a)}\` | ${a.description} |`),
        "",
      );
    }
    const flags = flagTable(c.flags);
    if (flags.length) out.push(...flags, "");
    if (c.examples.length) {
      out.push("```sh");
      for (const e of c.examples) out.push(`# ${e.description}`, e.command);
      out.push("```", "");
    }
  }
  out.push(
    "## Global flags",
    "",
    "Accepted by every command, anywhere on the line.",
    "",
    ...flagTable(globalFlags),
    "",
  );
  out.push(
    "## Naming a role",
    "",
    "A `<role>` is the `id` printed by `role list`, or a case-insensitive name with optional qualifiers:",
    '`"Global Administrator"`, `"Contributor@/subscriptions/…/resourceGroups/rg1"` (scope id),',
    '`"Contributor@Contoso Production"` (scope display name), `"PIM-Tier0-Operators:owner"` (group member or owner).',
    "An ambiguous name is refused (exit 2) with the candidates listed; nothing is sent.",
    "",
    "## Output",
    "",
    "`-o, --output table|json|jsonc|tsv|yaml|none` (`--json` is `-o json`), `--query <JMESPath>` applied before formatting.",
    "Tables are coloured on a terminal only (`NO_COLOR` turns colour off). Names that come from the tenant are printed",
    "with control characters, ANSI/OSC escape sequences and bidi overrides removed, in every format.",
    "",
    "`role list -o json`: an array of",
    "```",
    '{ "id", "kind": "entraRole"|"group"|"azureRole", "name", "accessId": "member"|"owner"|null,',
    '  "scope": { "id", "displayName", "type" }, "state": "eligible"|"active"|"pending",',
    '  "activeUntil": ISO|null, "assignmentType": "activated"|"permanent"|null,',
    '  "requirements": { "maxDuration", "justification", "ticket", "mfa", "authContext": { "id", "name" }|null, "approval", "known" },',
    '  "eligibleUntil": ISO|null, "pendingRequestId": string|null }',
    "```",
    "`role activate -o json`: one result per role",
    "```",
    '{ "id", "name", "kind", "outcome": "activated"|"scheduled"|"pending"|"already-active"|"failed"|"would-activate",',
    '  "requestId", "duration", "start", "error": { "code", "message", "upstream"? } | null }',
    "```",
    '(with `--wait`, each result also has `"effective": true|false`).',
    "`request list -o json`: an array, newest first, of",
    "```",
    '{ "requestId", "kind", "roleId", "name", "accessId", "scope": { "id", "displayName", "type" },',
    '  "action": "activate"|"deactivate"|"extend"|"renew"|"other", "status", "pending": true|false,',
    '  "pendingReason": "approval"|"scheduled"|null, "createdAt", "start", "duration" }',
    "```",
    "(`pendingReason` `scheduled`: granted, starting at `start`; `request cancel` withdraws it like one awaiting approval).",
    "",
    "## Exit codes",
    "",
    "| code | meaning |",
    "|---|---|",
    ...exitCodeHelp.map((e) => `| ${e.code} | ${e.meaning} |`),
    "",
    "## Environment",
    "",
    "Flags win over the environment; the environment wins over the config file; the config file wins over the signed-in session.",
    "",
    "| variable | values | meaning |",
    "|---|---|---|",
    ...environmentVariables.map((v) => `| \`${v.name}\` | ${v.values} | ${v.description} |`),
    "",
    "## Settings (`pimkit config`)",
    "",
    "| key | meaning |",
    "|---|---|",
    ...Object.entries(configKeys).map(([k, v]) => `| \`${k}\` | ${v.description} |`),
    "",
    "## Where state lives",
    "",
    "One folder: `PIMKIT_CONFIG_DIR`, else `%APPDATA%\\pimkit` on Windows, else `$XDG_CONFIG_HOME/pimkit`, else",
    "`~/.config/pimkit`. The folder is 0700 and every file 0600; files are written atomically (temporary file, fsync,",
    "rename, fsync of the folder), so a crash or `kill -9` leaves the old or the new content, never half of it. Each file is",
    "versioned JSON validated on read; a file that does not validate is reported, moved aside as",
    "`<name>.corrupt-<time>` (nothing is lost) and pimkit starts from an empty one. A `config.json` or `session.json` that",
    "other users can write is refused.",
    "",
    "| file | holds |",
    "|---|---|",
    "| `config.json` | settings from `pimkit config set` |",
    "| `session.json` | who is signed in, in which tenant, cloud and app (no secret) |",
    "| `profiles.json` | saved profiles |",
    "| `history.json` | what pimkit did, per role outcome and request id (never tokens, justifications or tickets) |",
    "| `policy-cache.json` | role policies, authentication context names and administrative unit names read from the tenant, kept 30 minutes (no tokens) |",
    "| `code-cache/` | V8's compiled code of the CLI, so a command starts sooner; rewritten by the first runs of a new pimkit or Node, ignored unless private (0600/0700, no links); safe to delete |",
    "| `token-cache.enc` | keyring mode: the token cache, AES-256-GCM encrypted; the key is in the OS secret store |",
    "| `token-cache.json` | file mode (explicit opt-in only): the token cache in plain text, 0600 |",
    "",
    "## Sign-in and tokens",
    "",
    "`pimkit auth login` uses MSAL Node: authorization code with PKCE answered by a `form_post` to a loopback listener",
    "on 127.0.0.1 (or `--device-code`), declares the `cp1` client capability, and asks only for the scopes each plane",
    "needs (Graph: `RoleEligibilitySchedule.Read.Directory`, `RoleAssignmentSchedule.ReadWrite.Directory`,",
    "`RoleManagementPolicy.Read.Directory`, `PrivilegedEligibilitySchedule.Read.AzureADGroup`,",
    "`PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup`, `RoleManagementPolicy.Read.AzureADGroup`,",
    "`AuthenticationContext.Read.All`; `AdministrativeUnit.Read.All` only to name administrative-unit scopes;",
    "`Policy.Read.ConditionalAccess` only for `context list`; ARM: `user_impersonation`, requested when an Azure",
    "role is touched). When roles need authentication contexts, one sign-in asks",
    "for all of them and its token serves the whole batch. `BROWSER` names the program that opens the sign-in page.",
    "",
    "Tokens go to the OS secret store by default. Where none is usable (no D-Bus session, no keyring daemon) pimkit says",
    "so and refuses to write tokens to disk unless you opt in with `--token-cache file`, `PIMKIT_TOKEN_CACHE=file` or",
    "`pimkit config set token-cache file`; `auth status` keeps saying they are in plain text. `--token-cache memory`",
    "keeps tokens for one command only. `auth logout` removes the account's tokens from every place they may be.",
    "",
    "A cloud file (`--cloud FILE`, such as the one `pimkit emulator start` writes) may carry a CA certificate: it is",
    "trusted for that cloud's hosts only, by pimkit's own HTTPS client; no global TLS setting changes.",
    "",
  );
  return out.join("\n");
}
