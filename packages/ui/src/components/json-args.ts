/** Arguments typed by the user as a JSON array, checked before anything is sent. */

export type ParsedArgs = { ok: true; args: unknown[] } | { ok: false; message: string };

/** `text` as a list of arguments: a JSON array; empty text is no arguments. */
export function parseJsonArgs(text: string): ParsedArgs {
  if (text.trim() === '') return { ok: true, args: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `Invalid JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(value)) {
    return { ok: false, message: 'The arguments must be a JSON array, one element per argument: e.g. ["hello", 42]' };
  }
  return { ok: true, args: value };
}
