import { completionScript } from "../completion";
import { defineCommand } from "../framework/command";

export const completion = defineCommand({
  path: ["completion"],
  summary: "Print a shell completion script (bash, zsh, fish, pwsh)",
  description: "Print a completion script for your shell; load it from your shell's start-up file.",
  args: [{ name: "shell", required: true, description: "bash, zsh, fish or pwsh." }],
  flags: {},
  output: false,
  examples: [
    { command: "echo 'source <(pimkit completion bash)' >> ~/.bashrc", description: "bash" },
    { command: "pimkit completion zsh > ~/.zfunc/_pimkit", description: "zsh (with ~/.zfunc in fpath)" },
    { command: "pimkit completion fish > ~/.config/fish/completions/pimkit.fish", description: "fish" },
    { command: "pimkit completion pwsh >> $PROFILE", description: "PowerShell" },
  ],
  async run(ctx) {
    const { commands } = await import("./index");
    ctx.io.stdout.write(completionScript(ctx.args[0] ?? "", commands));
    return {};
  },
});
