/**
 * The `pimkit` bin. `--version` answers from this small entry; anything else runs the CLI's main
 * bundle (the commands and the core; sign-in, the emulator and the portal server are loaded only
 * by the commands that use them), compiled with V8's code cache kept in the config folder. The
 * build makes both CommonJS: Node starts a CommonJS program sooner than an ES module one.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import type * as ProcessMain from "./process-main";
import { configDir } from "./state/paths";
import { version } from "./version";

/** The main bundle's file name, set by the build (it carries a hash of the bundle's content). */
declare const __PIMKIT_MAIN_BUNDLE__: string;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${version}\n`);
} else {
  // Loaded here, not above: the loader and the file writing it uses (node:crypto for temporary
  // names) are not needed to print the version. The bundler keeps this import in the entry.
  void import("./code-cache").then(({ requireCompiled }) => {
    const cacheDir = join(configDir(process.env, process.platform, homedir()), "code-cache");
    // The build makes this entry CommonJS, next to the main bundle.
    const main = requireCompiled<typeof ProcessMain>(join(__dirname, __PIMKIT_MAIN_BUNDLE__), cacheDir);
    process.once("exit", () => main.save());
    // A failure the CLI did not turn into an exit code ends the process as an uncaught error would.
    return main.exports.runProcess(argv);
  });
}
