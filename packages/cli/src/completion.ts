import type { AnyCommand, FlagSpecs } from "./framework/command";
import { UsageError } from "./framework/errors";
import { globalFlags } from "./framework/global-flags";

/** Completion scripts are generated from the registry: commands, flags and flag values. */
export const shells = ["bash", "zsh", "fish", "pwsh"] as const;

interface Model {
  groups: { name: string; verbs: string[] }[];
  singles: string[];
  flags: Map<string, string[]>;
  values: Map<string, string[]>;
}

function model(commands: readonly AnyCommand[]): Model {
  const groups = new Map<string, string[]>();
  const singles: string[] = [];
  const flags = new Map<string, string[]>();
  const values = new Map<string, string[]>();
  const allFlags = (f: FlagSpecs) => Object.entries(f).filter(([, s]) => !s.hidden);
  for (const c of commands) {
    if (c.path.length === 1) singles.push(c.path[0] ?? "");
    else groups.set(c.path[0] ?? "", [...(groups.get(c.path[0] ?? "") ?? []), c.path[1] ?? ""]);
    flags.set(
      c.path.join(" "),
      [...allFlags(c.flags), ...allFlags(globalFlags)].map(([n]) => `--${n}`),
    );
    for (const [n, s] of [...allFlags(c.flags), ...allFlags(globalFlags)])
      if (s.choices) values.set(`--${n}`, [...s.choices]);
  }
  values.set("-o", values.get("--output") ?? []);
  return { groups: [...groups].map(([name, verbs]) => ({ name, verbs })), singles, flags, values };
}

const q = (s: string) => s.replace(/'/g, "'\\''");

function bash(m: Model): string {
  const top = [...m.groups.map((g) => g.name), ...m.singles, "help"].join(" ");
  const groupCases = m.groups
    .map((g) => `      ${g.name}) COMPREPLY=($(compgen -W '${g.verbs.join(" ")}' -- "$cur")); return ;;`)
    .join("\n");
  const valueCases = [...m.values]
    .map(([f, v]) => `    ${f}) COMPREPLY=($(compgen -W '${v.join(" ")}' -- "$cur")); return ;;`)
    .join("\n");
  const flagCases = [...m.flags].map(([c, f]) => `    '${q(c)}') flags='${f.join(" ")}' ;;`).join("\n");
  const groupNames = m.groups.map((g) => g.name).join("|");
  return `# pimkit completion for bash: source <(pimkit completion bash)
_pimkit() {
  local cur prev key flags
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${valueCases}
    completion) COMPREPLY=($(compgen -W 'bash zsh fish pwsh' -- "$cur")); return ;;
  esac
  if [[ $COMP_CWORD -eq 1 ]]; then COMPREPLY=($(compgen -W '${top}' -- "$cur")); return; fi
  if [[ $COMP_CWORD -eq 2 && "$cur" != -* ]]; then
    case "\${COMP_WORDS[1]}" in
${groupCases}
    esac
  fi
  case "\${COMP_WORDS[1]}" in
    ${groupNames}) key="\${COMP_WORDS[1]} \${COMP_WORDS[2]}" ;;
    *) key="\${COMP_WORDS[1]}" ;;
  esac
  case "$key" in
${flagCases}
    *) flags='' ;;
  esac
  COMPREPLY=($(compgen -W "$flags" -- "$cur"))
}
complete -F _pimkit pimkit
`;
}

function zsh(m: Model): string {
  return `#compdef pimkit
# pimkit completion for zsh: pimkit completion zsh > "\${fpath[1]}/_pimkit"
autoload -U +X bashcompinit && bashcompinit
${bash(m).replace(/^# pimkit completion for bash.*\n/, "")}`;
}

function fish(m: Model): string {
  const lines = [
    "# pimkit completion for fish: pimkit completion fish > ~/.config/fish/completions/pimkit.fish",
    "complete -c pimkit -f",
  ];
  const top = [...m.groups.map((g) => g.name), ...m.singles, "help"];
  lines.push(`complete -c pimkit -n '__fish_use_subcommand' -a '${top.join(" ")}'`);
  for (const g of m.groups) {
    lines.push(
      `complete -c pimkit -n '__fish_seen_subcommand_from ${g.name}; and not __fish_seen_subcommand_from ${g.verbs.join(" ")}' -a '${g.verbs.join(" ")}'`,
    );
  }
  lines.push("complete -c pimkit -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish pwsh'");
  for (const [cmd, flags] of m.flags) {
    const parts = cmd.split(" ");
    const cond = parts.map((p) => `__fish_seen_subcommand_from ${p}`).join("; and ");
    for (const f of flags) {
      const vals = m.values.get(f);
      lines.push(`complete -c pimkit -n '${cond}' -l ${f.slice(2)}${vals ? ` -x -a '${vals.join(" ")}'` : ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function pwsh(m: Model): string {
  const groups = m.groups.map((g) => `    '${g.name}' = @(${g.verbs.map((v) => `'${v}'`).join(", ")})`).join("\n");
  const flags = [...m.flags].map(([c, f]) => `    '${c}' = @(${f.map((x) => `'${x}'`).join(", ")})`).join("\n");
  const values = [...m.values].map(([f, v]) => `    '${f}' = @(${v.map((x) => `'${x}'`).join(", ")})`).join("\n");
  const top = [...m.groups.map((g) => g.name), ...m.singles, "help"].map((x) => `'${x}'`).join(", ");
  return `# pimkit completion for PowerShell: pimkit completion pwsh >> $PROFILE
Register-ArgumentCompleter -Native -CommandName pimkit -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $groups = @{
${groups}
  }
  $flags = @{
${flags}
  }
  $values = @{
${values}
  }
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '') { $words = @($words | Select-Object -SkipLast 1) }
  $candidates = @()
  if ($words.Count -gt 0 -and $values.ContainsKey($words[-1])) { $candidates = $values[$words[-1]] }
  elseif ($words.Count -eq 0) { $candidates = @(${top}) }
  elseif ($words.Count -eq 1 -and $groups.ContainsKey($words[0]) -and -not $wordToComplete.StartsWith('-')) { $candidates = $groups[$words[0]] }
  elseif ($words.Count -ge 1 -and $words[0] -eq 'completion') { $candidates = @('bash', 'zsh', 'fish', 'pwsh') }
  else {
    $key = if ($groups.ContainsKey($words[0]) -and $words.Count -ge 2) { "$($words[0]) $($words[1])" } else { $words[0] }
    if ($flags.ContainsKey($key)) { $candidates = $flags[$key] }
  }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}

export function completionScript(shell: string, commands: readonly AnyCommand[]): string {
  const m = model(commands);
  switch (shell) {
    case "bash":
      return bash(m);
    case "zsh":
      return zsh(m);
    case "fish":
      return fish(m);
    case "pwsh":
    case "powershell":
      return pwsh(m);
    default:
      throw new UsageError(`Unknown shell "${shell}".`, [`Shells: ${shells.join(", ")}`]);
  }
}
