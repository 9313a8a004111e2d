/**
 * Typed search attributes: the payloads `@endure/common` writes must be byte-for-byte what
 * `@temporalio/common` writes, what either writes must decode to the same values in the other,
 * and `TypedSearchAttributes` must behave as the official class does (immutable copies,
 * type-checked reads, typed removals).
 */
import * as officialSa from '@temporalio/common/lib/converter/payload-search-attributes.js';
import * as official from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  decodeSearchAttributes,
  decodeTypedSearchAttributes,
  decodeUntypedValues,
  defineSearchAttributeKey,
  encode,
  encodeTypedSearchAttributes,
  encodeUnifiedSearchAttributes,
  SearchAttributeType,
  TypedSearchAttributes,
  ValueError,
  type Payload,
  type SearchAttributePair,
} from './index.js';

const keyword = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
const text = defineSearchAttributeKey('CustomTextField', SearchAttributeType.TEXT);
const int = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
const double = defineSearchAttributeKey('CustomDoubleField', SearchAttributeType.DOUBLE);
const bool = defineSearchAttributeKey('CustomBoolField', SearchAttributeType.BOOL);
const datetime = defineSearchAttributeKey('CustomDatetimeField', SearchAttributeType.DATETIME);
const keywordList = defineSearchAttributeKey('Tags', SearchAttributeType.KEYWORD_LIST);
const when = new Date('2026-03-04T05:06:07.089Z');

const everyType: SearchAttributePair[] = [
  { key: keyword, value: 'gold' },
  { key: text, value: 'fragile, handle with care' },
  { key: int, value: 42 },
  { key: double, value: 2.5 },
  { key: bool, value: true },
  { key: datetime, value: when },
  { key: keywordList, value: ['a', 'b'] },
];

function text8(bytes: Uint8Array | null | undefined): string {
  return new TextDecoder().decode(bytes ?? new Uint8Array());
}

/** A payload as strings, so that `toEqual` compares content and not byte-array classes. */
function readable(payload: Payload | undefined): Record<string, string> {
  const metadata = Object.entries(payload?.metadata ?? {}).map(([k, v]): [string, string] => [`metadata.${k}`, text8(v)]);
  return { ...Object.fromEntries(metadata), data: text8(payload?.data) };
}

function readableFields(fields: Record<string, Payload>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(fields).map(([name, payload]) => [name, readable(payload)]));
}

describe('typed search attribute payloads', () => {
  it('encodes every type as the official SDK does: one json value, metadata.type names the type', () => {
    const ours = encodeTypedSearchAttributes(everyType);
    expect(readableFields(ours)).toEqual(readableFields(officialSa.encodeUnifiedSearchAttributes(undefined, everyType)));
    expect(readable(ours['CustomDatetimeField'])).toEqual({
      'metadata.encoding': 'json/plain',
      'metadata.type': 'Datetime',
      data: '"2026-03-04T05:06:07.089Z"',
    });
    expect(readable(ours['Tags'])).toMatchObject({ 'metadata.type': 'KeywordList', data: '["a","b"]' });
  });

  it('encodes a removal as an untyped json null, as the official SDK does', () => {
    const ours = encodeTypedSearchAttributes([{ key: int, value: null }]);
    expect(readable(ours['CustomIntField'])).toEqual({ 'metadata.encoding': 'json/plain', data: 'null' });
    expect(readableFields(ours)).toEqual(readableFields(officialSa.encodeUnifiedSearchAttributes(undefined, [{ key: int, value: null }])));
  });

  it('lets typed values win over untyped ones of the same name', () => {
    const fields = encodeUnifiedSearchAttributes({ CustomIntField: [1], CustomBoolField: [false] }, [{ key: int, value: 2 }]);
    expect(readable(fields['CustomIntField'])).toMatchObject({ data: '2', 'metadata.type': 'Int' });
    expect(readable(fields['CustomBoolField'])).toEqual({ 'metadata.encoding': 'json/plain', data: '[false]' });
  });

  it('accepts a TypedSearchAttributes, ours or the official one', () => {
    const fromOurs = encodeTypedSearchAttributes(new TypedSearchAttributes(everyType));
    const fromOfficial = encodeTypedSearchAttributes(new official.TypedSearchAttributes(everyType) as never);
    expect(readableFields(fromOfficial)).toEqual(readableFields(fromOurs));
  });

  it('rejects a value that does not fit its type', () => {
    expect(() => encodeTypedSearchAttributes([{ key: int, value: 1.5 }])).toThrow(ValueError);
    expect(() => encodeTypedSearchAttributes([{ key: datetime, value: '2026-01-01' as unknown as Date }])).toThrow(ValueError);
  });

  it('decodes what either SDK encodes into the same attributes', () => {
    const decoded = decodeTypedSearchAttributes(officialSa.encodeUnifiedSearchAttributes(undefined, everyType));
    expect(decoded.getAll()).toEqual(everyType);
    expect(decoded.get(datetime)).toBeInstanceOf(Date);
    const byOfficial = officialSa.decodeTypedSearchAttributes(encodeTypedSearchAttributes(everyType));
    expect(byOfficial.getAll()).toEqual(everyType);
  });

  it('decodes untyped values stamped by the server, and skips what has no type or does not fit', () => {
    const stamped = (data: string, type?: string): Payload => ({
      metadata: { encoding: encode('json/plain'), ...(type ? { type: encode(type) } : {}) },
      data: encode(data),
    });
    const fields = {
      CustomKeywordField: stamped('["gold"]', 'Keyword'),
      CustomDatetimeField: stamped('["2026-03-04T05:06:07.089Z"]', 'INDEXED_VALUE_TYPE_DATETIME'),
      Untyped: stamped('["x"]'),
      TwoKeywords: stamped('["a","b"]', 'Keyword'),
      Removed: stamped('null', 'Int'),
      Unknown: stamped('1', 'Decimal'),
    };
    const decoded = decodeTypedSearchAttributes(fields);
    expect(decoded.getAll()).toEqual([
      { key: keyword, value: 'gold' },
      { key: datetime, value: when },
    ]);
    expect(decoded.getAll()).toEqual(officialSa.decodeTypedSearchAttributes(fields).getAll());
  });

  it('keeps the untyped view: arrays, Dates for Datetime', () => {
    const fields = encodeTypedSearchAttributes([
      { key: keyword, value: 'gold' },
      { key: datetime, value: when },
    ]);
    expect(decodeSearchAttributes(fields)).toEqual({ CustomKeywordField: ['gold'], CustomDatetimeField: [when] });
    expect(decodeUntypedValues(fields['CustomDatetimeField']!)).toEqual([when]);
  });
});

describe('TypedSearchAttributes', () => {
  it('reads a value only through a key of its type', () => {
    const attributes = new TypedSearchAttributes([{ key: int, value: 3 }]);
    expect(attributes.get(int)).toBe(3);
    expect(attributes.get(defineSearchAttributeKey('CustomIntField', 'KEYWORD'))).toBeUndefined();
    expect(attributes.get(keyword)).toBeUndefined();
  });

  it('rejects duplicate keys', () => {
    expect(() => new TypedSearchAttributes([{ key: int, value: 1 }, { key: int, value: 2 }])).toThrow('Duplicate search attribute key');
  });

  it('is immutable: updates make a copy, and values handed in or out are copies', () => {
    const tags = ['a'];
    const original = new TypedSearchAttributes([{ key: keywordList, value: tags }, { key: datetime, value: when }]);
    tags.push('b');
    original.get(keywordList)?.push('c');
    original.get(datetime)?.setTime(0);
    expect(original.get(keywordList)).toEqual(['a']);
    expect(original.get(datetime)).toEqual(when);

    const updated = original.updateCopy([{ key: keywordList, value: null }, { key: int, value: 7 }]);
    expect(updated.getAll()).toEqual([{ key: datetime, value: when }, { key: int, value: 7 }]);
    expect(original.getAll()).toEqual([{ key: keywordList, value: ['a'] }, { key: datetime, value: when }]);
  });

  it('removes only when the removal names the attribute’s type, as the official SDK does', () => {
    const attributes = new TypedSearchAttributes([{ key: int, value: 1 }]);
    expect(attributes.updateCopy([{ key: defineSearchAttributeKey('CustomIntField', 'DOUBLE'), value: null }]).get(int)).toBe(1);
    const theirs = new official.TypedSearchAttributes([{ key: int, value: 1 }]);
    expect(theirs.updateCopy([{ key: defineSearchAttributeKey('CustomIntField', 'DOUBLE'), value: null }]).get(int)).toBe(1);
  });

  it('serializes to JSON as its pairs', () => {
    const attributes = new TypedSearchAttributes([{ key: keyword, value: 'gold' }, { key: datetime, value: when }]);
    expect(JSON.parse(JSON.stringify(attributes))).toEqual(JSON.parse(JSON.stringify(new official.TypedSearchAttributes([{ key: keyword, value: 'gold' }, { key: datetime, value: when }]))));
  });

  it('names types in payload metadata as the official SDK does', () => {
    for (const type of Object.values(SearchAttributeType)) {
      const name = TypedSearchAttributes.toMetadataType(type);
      expect(name).toBe(official.TypedSearchAttributes.toMetadataType(type));
      expect(TypedSearchAttributes.toSearchAttributeType(name)).toBe(type);
      expect(TypedSearchAttributes.toSearchAttributeType(`INDEXED_VALUE_TYPE_${type}`)).toBe(type);
    }
    expect(TypedSearchAttributes.toSearchAttributeType('Decimal')).toBeUndefined();
    expect(TypedSearchAttributes.toSearchAttributeType('INDEXED_VALUE_TYPE_toString')).toBeUndefined();
    expect(() => TypedSearchAttributes.toMetadataType('toString' as SearchAttributeType)).toThrow('Unknown search attribute type');
  });

  it('infers a key from an untyped value as the official SDK does', () => {
    const values = [['x'], [when.toISOString()], [3], [1.5], [true], [when], ['a', 'b']] as const;
    for (const value of values) {
      expect(TypedSearchAttributes.getKeyFromUntyped('F', value as never)).toEqual(official.TypedSearchAttributes.getKeyFromUntyped('F', value as never));
    }
  });
});
