import { type ExitCode, exitCodes } from "./exit-codes";

/**
 * Errors that are the user's business (bad input, sign-in needed, a refusal from the service) are
 * `CliError`s: printed as one friendly line, no stack. Anything else is our bug and is reported
 * as such.
 */
export class CliError extends Error {
  override readonly name: string = "CliError";
  readonly exitCode: ExitCode;
  /** Stable snake_case code, printed in JSON error output. */
  readonly code: string;
  /** Extra lines printed after the message (candidates, what to run next). */
  readonly details: string[];

  constructor(
    code: string,
    message: string,
    options: { exitCode?: ExitCode; details?: string[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? exitCodes.failed;
    this.details = options.details ?? [];
  }
}

/** Bad flags, arguments or input: exit 2, and nothing was sent. */
export class UsageError extends CliError {
  override readonly name = "UsageError";
  constructor(message: string, details: string[] = [], code = "usage_error") {
    super(code, message, { exitCode: exitCodes.usage, details });
  }
}

/** A token is needed and cannot be obtained without a terminal: exit 4. */
export class SignInRequiredError extends CliError {
  override readonly name = "SignInRequiredError";
  constructor(message: string, details: string[] = []) {
    super("sign_in_required", message, { exitCode: exitCodes.signInRequired, details });
  }
}

export class InterruptedError extends CliError {
  override readonly name = "InterruptedError";
  constructor() {
    super("interrupted", "Interrupted.", { exitCode: exitCodes.interrupted });
  }
}

export function isCliError(e: unknown): e is CliError {
  return e instanceof CliError;
}
