/**
 * Workflow, signal, query and update arguments from the command line, as `temporal` takes
 * them: each `-i/--input` is one argument in JSON, each `--input-file` a file holding one
 * argument in JSON. Invalid JSON is a usage error that says where it broke.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { usageError } from './exit-codes.js';
import { collectRepeated } from './parsers.js';

export interface PayloadInputFlags {
  input?: string[];
  inputFile?: string[];
}


/** Adds `-i/--input` and `--input-file` to `command`. */
export function addPayloadInputOptions(command: Command, what = 'argument'): Command {
  return command
    .addOption(new Option('-i, --input <json>', `${what} in JSON (repeatable, one value per ${what})`).argParser(collectRepeated))
    .addOption(
      new Option('--input-file <path>', `file holding one ${what} in JSON (repeatable; not with --input)`).argParser(collectRepeated).conflicts('input'),
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
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
    const position = errorPosition(text, message);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    throw usageError(`${origin} is not valid JSON at line ${line}, column ${column} (position ${position}): ${reason}`);
  }
}

/**
 * Where `JSON.parse` gave up on `text`. V8 states the position for most errors but not for an
 * unexpected token (`Unexpected token '}', "…" is not valid JSON`): then it is the end of the
 * shortest prefix that fails on a token rather than for ending early, found by bisection.
 */
function errorPosition(text: string, message: string): number {
  const stated = /at position (\d+)/.exec(message);
  if (stated) return Number(stated[1]);
  if (message.includes('Unexpected end of JSON input')) return text.length;
  const failsOnToken = (prefix: string): boolean => {
    try {
      JSON.parse(prefix);
      return false;
    } catch (prefixErr) {
      const prefixMessage = (prefixErr as Error).message;
      const at = /at position (\d+)/.exec(prefixMessage);
      return !prefixMessage.includes('Unexpected end of JSON input') && (at === null || Number(at[1]) < prefix.length);
    }
  };
  let ok = 0;
  let failing = text.length;
  while (failing - ok > 1) {
    const middle = Math.floor((ok + failing) / 2);
    if (failsOnToken(text.slice(0, middle))) failing = middle;
    else ok = middle;
  }
  return failing - 1;
}
