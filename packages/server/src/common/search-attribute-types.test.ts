/** Describe's search attributes carry types clients can decode by: ours for known names, the client's otherwise. */
import { describe, expect, it } from 'vitest';
import { withSearchAttributeTypes, type SearchAttributeType } from './search-attribute-types.js';

const types: Record<string, SearchAttributeType> = { CustomDatetimeField: 'Datetime', CustomKeywordField: 'Keyword' };
const typeOfName = (name: string) => types[name];

function json(value: unknown, type?: string) {
  const metadata: Record<string, Uint8Array> = { encoding: Buffer.from('json/plain') };
  if (type !== undefined) metadata['type'] = Buffer.from(type);
  return { metadata, data: Buffer.from(JSON.stringify(value)) };
}

function typeOf(payload: { metadata?: Record<string, Uint8Array> | null } | undefined): string | undefined {
  const type = payload?.metadata?.['type'];
  return type ? Buffer.from(type).toString() : undefined;
}

describe('withSearchAttributeTypes', () => {
  it('stamps the registered type of a known attribute sent without one', () => {
    const typed = withSearchAttributeTypes({ indexedFields: { CustomDatetimeField: json(['2026-01-01T00:00:00.000Z']) } }, typeOfName);
    expect(typeOf(typed.indexedFields?.['CustomDatetimeField'])).toBe('Datetime');
    expect(typed.indexedFields?.['CustomDatetimeField']?.metadata?.['encoding']).toEqual(Buffer.from('json/plain'));
  });

  it('keeps a type the client set, and leaves attributes it does not know as they came', () => {
    const typed = withSearchAttributeTypes({
      indexedFields: { CustomKeywordField: json(['a'], 'KeywordList'), Unregistered: json([1]) },
    }, typeOfName);
    expect(typeOf(typed.indexedFields?.['CustomKeywordField'])).toBe('KeywordList');
    expect(typeOf(typed.indexedFields?.['Unregistered'])).toBeUndefined();
  });
});
