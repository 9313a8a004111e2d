/**
 * The confirmation asked before a destructive command (namespace delete, search attribute
 * remove, workflow delete, batches): the question on standard error (standard output keeps
 * only data) and one line read from standard input, so a script may also pipe the answer in.
 * `--yes` skips the question (it is shown answered in text output). JSON output, or a
 * standard input that ends without a line, needs `--yes`: a usage error otherwise, rather than
 * a prompt nobody can answer.
 */
import { createInterface } from 'node:readline';
import type { CommandContext } from './command-context.js';
import { usageError } from './exit-codes.js';

export interface ConfirmOptions {
  /** The question, e.g. `Delete workflow "x"? y/N`. */
  question: string;
  /** `--yes` was given. */
  yes: boolean;
  /** The answer that confirms, compared as typed; by default `y` or `yes` in any case. */
  expected?: string;
}

/** True when confirmed (or `--yes`), false when the user answered anything else. */
export async function confirm(ctx: Pick<CommandContext, 'printer' | 'signal'>, options: ConfirmOptions): Promise<boolean> {
  const { question, yes, expected } = options;
  if (yes) {
    if (ctx.printer.isText) process.stderr.write(`${question} ${expected ?? 'yes'}\n`);
    return true;
  }
  if (!ctx.printer.isText) throw usageError('must bypass prompts when using JSON output: pass --yes');
  process.stderr.write(`${question} `);
  const answer = await readLine(ctx.signal);
  // A terminal echoes the answer and its line break; piped input does not.
  if (process.stdin.isTTY !== true) process.stderr.write('\n');
  if (answer === undefined) throw usageError('pass --yes to confirm: standard input ended without an answer');
  return expected !== undefined ? answer.trim() === expected : /^(y|yes)$/i.test(answer.trim());
}

/** One line of standard input; undefined when it ends first. Rejects when `signal` aborts. */
async function readLine(signal: AbortSignal): Promise<string | undefined> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
    const line = new Promise<string | undefined>((resolve) => {
      lines.once('line', resolve);
      lines.once('close', () => resolve(undefined));
    });
    return await Promise.race([line, aborted]);
  } finally {
    lines.close();
  }
}
