/**
 * Confirmation before a destructive operator command, as `temporal` asks it: the question on
 * standard output and one line read from standard input (piped input works, so scripts can
 * answer). `--yes` skips it; JSON output, or an empty non-terminal standard input, needs
 * `--yes` (a usage error otherwise) rather than a prompt nobody can answer.
 */
import { createInterface } from 'node:readline';
import { usageError } from '../../exit-codes.js';
import type { Printer } from '../../output/printer.js';

export interface ConfirmOptions {
  printer: Printer;
  question: string;
  /** The answer that confirms (compared as typed); by default `y` or `yes`, in any case. */
  expected?: string;
  yes: boolean;
}

/** True when the user confirmed (or passed `--yes`); throws a usage error when nobody can be asked. */
export async function confirm(options: ConfirmOptions): Promise<boolean> {
  const { printer, question, expected, yes } = options;
  if (yes) {
    printer.line(`${question} ${expected ?? 'yes'}`);
    return true;
  }
  if (!printer.isText) throw usageError('pass --yes to confirm: there is no prompt with JSON output');
  process.stdout.write(`${question} `);
  const answer = await readLine();
  // A terminal echoes the answer and its newline; piped input does not.
  if (process.stdin.isTTY !== true) process.stdout.write('\n');
  if (answer === undefined) {
    throw usageError('pass --yes to confirm: standard input is not a terminal and holds no answer');
  }
  return expected !== undefined ? answer.trim() === expected : /^(y|yes)$/i.test(answer.trim());
}

/** One line of standard input; undefined when it ends first. */
function readLine(): Promise<string | undefined> {
  const reader = createInterface({ input: process.stdin, terminal: false });
  return new Promise((resolve) => {
    let answered = false;
    reader.once('line', (line) => {
      answered = true;
      reader.close();
      resolve(line);
    });
    reader.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}
