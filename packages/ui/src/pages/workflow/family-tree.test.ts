import { describe, expect, it } from 'vitest';
import { queryString } from './family-tree';

describe('queryString', () => {
  it('quotes list-query strings with their quotes and backslashes escaped', () => {
    expect(queryString("it's")).toBe("'it\\'s'");
    expect(queryString('a\\b')).toBe("'a\\\\b'");
  });
});
