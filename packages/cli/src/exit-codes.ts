/** Process exit codes shared by every command (documented in the README's CLI section). */
export const ExitCode = {
  Ok: 0,
  /**
   * The command failed at run time: the server answered with an error (unknown workflow,
   * already started, invalid query), could not be reached, or the workflow `execute` or
   * `result` waited for did not complete successfully.
   */
  Failure: 1,
  /** The command line itself is wrong: unknown flag, bad value, missing argument, invalid JSON input. */
  Usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error that ends a command with one line on standard error and `exitCode`. Commands
 * throw it for conditions a user can fix; anything else is reported by `describeError`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error found after parsing (e.g. two flags that exclude each other, bad JSON in `--input`). */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.Usage);
}
