#!/usr/bin/env node
/**
 * `endure` — the command line. This file only wires command groups together and maps
 * errors to exit codes; each noun (`server`, later `workflow`, `namespace`, …) lives in
 * its own file under commands/.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { registerServerCommands } from './commands/server.js';
import { ExitCode } from './exit-codes.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

function buildProgram(): Command {
  const program = new Command('endure')
    .description('Endure: a durable execution server that speaks the Temporal API')
    .version(version)
    // Settings made here are copied to every subcommand created with .command() below.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  registerServerCommands(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed the message; only the exit code is left to decide.
      process.exitCode = err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
      return;
    }
    throw err;
  }
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`endure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = ExitCode.Failure;
});
