import { describe, expect, it } from 'vitest';
import { decodeJsonPayload } from './payload-decode.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('decodeJsonPayload', () => {
  it('decodes a canonical json/plain payload whatever other metadata it has (search attributes carry a type)', () => {
    const payload = { metadata: { encoding: b64('json/plain'), type: b64('KeywordList') }, data: b64('["blue","ünïcode"]') };
    expect(decodeJsonPayload(payload)).toEqual(['blue', 'ünïcode']);
  });

  it('leaves shorthand values, other encodings and broken data as they are', () => {
    expect(decodeJsonPayload({ a: 1 })).toEqual({ a: 1 });
    const binary = { metadata: { encoding: b64('binary/plain') }, data: 'AAEC' };
    expect(decodeJsonPayload(binary)).toBe(binary);
    const broken = { metadata: { encoding: b64('json/plain') }, data: b64('{not json') };
    expect(decodeJsonPayload(broken)).toBe(broken);
  });
});
