/**
 * Workflow, signal, query and update arguments from the command line, as `temporal` takes
 * them: each `-i/--input` is one argument in JSON, each `--input-file` a file holding one
 * argument in JSON. Invalid JSON is a usage error that says where it broke.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { usageError } from './exit-codes.js';

export interface PayloadInputFlags {
  input?: string[];
  inputFile?: string[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Adds `-i/--input` and `--input-file` to `command`. */
export function addPayloadInputOptions(command: Command, what = 'argument'): Command {
  return command
    .addOption(new Option('-i, --input <json>', `${what} in JSON (repeatable, one value per ${what})`).argParser(collect))
    .addOption(
      new Option('--input-file <path>', `file holding one ${what} in JSON (repeatable; not with --input)`).argParser(collect).conflicts('input'),
    );
}

/** The argument values given by `--input`/`--input-file`, parsed. */
export function readInputValues(flags: PayloadInputFlags): unknown[] {
  if (flags.input !== undefined) return flags.input.map((text, i) => parseJson(text, `--input #${i + 1}`));
  return (flags.inputFile ?? []).map((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw usageError(`--input-file ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    return parseJson(text, `--input-file ${path}`);
  });
}

/** `JSON.parse` with an error naming the flag, and the line and column where the text broke. */
export function parseJson(text: string, origin: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = (err as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? (text.trim() === '' ? 0 : Number.NaN));
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
    if (Number.isNaN(position)) throw usageError(`${origin} is not valid JSON: ${reason}`);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    throw usageError(`${origin} is not valid JSON at line ${line}, column ${column} (position ${position}): ${reason}`);
  }
}
