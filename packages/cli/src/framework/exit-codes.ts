/**
 * The process exit codes of `pimkit` (cli.md "Exit codes"). Scripts depend on these numbers:
 * never renumber, only add.
 */
export const exitCodes = {
  /** Every role ended activated / scheduled / already active, or there was nothing to do. */
  ok: 0,
  /** At least one role (or the command) failed. */
  failed: 1,
  /** Usage or input error: nothing was sent. */
  usage: 2,
  /** Sign-in needed and not possible without a terminal. */
  signInRequired: 4,
  /** None failed but at least one activation waits for approval. */
  pendingApproval: 8,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

export const exitCodeHelp: readonly { code: ExitCode; meaning: string }[] = [
  { code: 0, meaning: "success: every role ended activated, scheduled or already active (or there was nothing to do)" },
  { code: 1, meaning: "at least one role failed, or the command failed" },
  {
    code: 2,
    meaning: "usage or input error (unknown flag, bad duration, unknown or ambiguous role); nothing was sent",
  },
  { code: 4, meaning: "sign-in needed and not possible without a terminal: run `pimkit auth login`" },
  { code: 8, meaning: "nothing failed, but at least one request is pending approval" },
  { code: 130, meaning: "interrupted (Ctrl-C)" },
];
