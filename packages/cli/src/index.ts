/** @pimkit/cli: the `pimkit` command. The bin is `bin/pimkit.js`; tests run it in-process with `runCli`. */
export { commands } from "./commands/index";
export { main } from "./main";
export { type RunCliOptions, type RunCliResult, runCli } from "./run-cli";
