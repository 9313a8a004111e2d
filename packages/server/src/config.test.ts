/** Server options: defaults, and a bad option named in the error. */
import { describe, expect, it } from 'vitest';
import { resolveConfig, type EndureServerOptions } from './config.js';

describe('resolveConfig', () => {
  it('keeps state in SQLite unless the memory store is asked for', () => {
    expect(resolveConfig({}).store).toBe('sqlite');
    expect(resolveConfig({ store: 'memory' }).store).toBe('memory');
  });

  it('names the store option when its value is unknown', () => {
    expect(() => resolveConfig({ store: 'postgres' } as unknown as EndureServerOptions)).toThrow(
      `store must be 'sqlite' or 'memory', not "postgres"`,
    );
  });
});
