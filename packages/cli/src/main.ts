#!/usr/bin/env node
/**
 * `endure` — the command line. This file only wires the nouns together (`server`,
 * `workflow`, `operator`, `schedule`, `task-queue`, `env`, `completion`; each lives under
 * commands/) and turns errors into one line on standard error and an exit code.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

type Register = (program: Command) => void;

/**
 * Each noun's module, loaded only when needed: the nouns for client commands pull in the
 * client and gRPC, which `endure server start-dev` never uses and whose loading would delay
 * the server's start by a third (bench/README.md, Server start).
 */
const NOUNS: Record<string, () => Promise<Register>> = {
  server: async () => (await import('./commands/server.js')).registerServerCommands,
  workflow: async () => (await import('./commands/workflow/index.js')).registerWorkflowCommands,
  operator: async () => (await import('./commands/operator/index.js')).registerOperatorCommands,
  'task-queue': async () => (await import('./commands/task-queue.js')).registerTaskQueueCommands,
  schedule: async () => (await import('./commands/schedule/index.js')).registerScheduleCommands,
  env: async () => (await import('./commands/env.js')).registerEnvCommands,
  completion: async () => (await import('./commands/completion.js')).registerCompletionCommands,
};

/**
 * The command tree for `argv`: only the noun it names when it names one as its first word,
 * every noun otherwise (`endure --help`, a misspelt noun that help should correct, and
 * `completion`, which walks the whole tree).
 */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('endure')
    .description('Endure: a durable execution server that speaks the Temporal API, and its command line')
    .version(version)
    // Settings made here are copied to every subcommand created with .command() below.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ sortSubcommands: true, showGlobalOptions: false });
  const noun = argv[2];
  const names = noun !== undefined && noun !== 'completion' && Object.hasOwn(NOUNS, noun) ? [noun] : Object.keys(NOUNS);
  const registers = await Promise.all(names.map((name) => NOUNS[name]!()));
  for (const register of registers) register(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed the message; only the exit code is left to decide.
      process.exitCode = err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
      return;
    }
    // Loaded here: it knows the client's errors, and the client is not loaded for `server`.
    const { describeError } = await import('./errors.js');
    const { message, exitCode } = describeError(err, { address: addressOf(argv) });
    process.stderr.write(`endure: ${message}\n`);
    if (debugRequested(argv) && err instanceof Error && err.stack !== undefined) process.stderr.write(`${err.stack}\n`);
    process.exitCode = exitCode;
  }
}

/** The address the command used, for errors about reaching it (`--address`, else `TEMPORAL_ADDRESS`, else the default). */
function addressOf(argv: string[]): string {
  return flagValue(argv, '--address') ?? process.env['TEMPORAL_ADDRESS'] ?? 'localhost:7233';
}

function debugRequested(argv: string[]): boolean {
  return flagValue(argv, '--log-level') === 'debug';
}

function flagValue(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1];
    if (argv[i]!.startsWith(`${flag}=`)) return argv[i]!.slice(flag.length + 1);
  }
  return undefined;
}

// A reader that stops early (`endure workflow list | head`) closes the pipe: the command
// ends quietly, as other command-line tools do, instead of with an 'Unhandled error' trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? ExitCode.Ok);
});

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`endure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = ExitCode.Failure;
});
