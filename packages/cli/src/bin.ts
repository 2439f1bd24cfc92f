/**
 * The `pimkit` bin. `--version` answers from this small entry; anything else loads the CLI
 * (one chunk with the commands and the core; sign-in, the emulator and the portal server are
 * loaded only by the commands that use them).
 */
import { version } from "./version";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${version}\n`);
} else {
  const { runProcess } = await import("./process-main");
  await runProcess(argv);
}
