/** Process exit codes shared by every command. */
export const ExitCode = {
  Ok: 0,
  /** The command failed at run time (for example the port is taken). */
  Failure: 1,
  /** The command line itself is wrong: unknown flag, bad value, missing argument. */
  Usage: 2,
} as const;
