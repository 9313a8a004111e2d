import { describe, expect, it } from 'vitest';
import { parseJsonArgs } from './json-args.js';

describe('parseJsonArgs', () => {
  it('reads a JSON array as the arguments, and empty text as none', () => {
    expect(parseJsonArgs('["a", 1, {"b": null}]')).toEqual({ ok: true, args: ['a', 1, { b: null }] });
    expect(parseJsonArgs('  ')).toEqual({ ok: true, args: [] });
  });

  it('refuses invalid JSON and a value that is not an array, saying why', () => {
    const invalid = parseJsonArgs('[oops');
    expect(invalid.ok).toBe(false);
    expect(!invalid.ok && invalid.message).toMatch(/^Invalid JSON/);
    const single = parseJsonArgs('"hello"');
    expect(!single.ok && single.message).toMatch(/must be a JSON array/);
  });
});
