/**
 * The Store contract for API keys (auth/), run against every store: what the authenticator and
 * `endure operator api-key` rely on. The rest of the contract is in store.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConditionFailedError, type ApiKeyRecord, type Store } from './store.js';
import { freshStoreEachTest, stores } from './store-backends.test-support.js';

function key(id: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id,
    name: `key ${id}`,
    secretHash: 'a'.repeat(64),
    permissions: ['default:write', 'system:read'],
    createdMs: 1_700_000_000_000,
    expiresMs: null,
    revoked: false,
    ...overrides,
  };
}

describe.each(stores)('%s store: api keys', (_name, backend) => {
  let store: Store;
  freshStoreEachTest(backend, (opened) => (store = opened));

  it('creates a key and reads it back by id, every field as written', async () => {
    const expiring = key('k1', { expiresMs: 1_800_000_000_000, permissions: ['prod:worker'] });
    await store.createApiKey(expiring);
    await store.createApiKey(key('k2'));
    expect(await store.getApiKey('k1')).toEqual(expiring);
    expect(await store.getApiKey('k2')).toEqual(key('k2'));
    expect(await store.getApiKey('nope')).toBeNull();
  });

  it('refuses a second key with the same id and keeps the first', async () => {
    await store.createApiKey(key('k1'));
    await expect(store.createApiKey(key('k1', { name: 'other', secretHash: 'b'.repeat(64) }))).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.getApiKey('k1')).toEqual(key('k1'));
  });

  it('lists every key oldest first (ties by id), revoked ones too', async () => {
    await store.createApiKey(key('b', { createdMs: 2 }));
    await store.createApiKey(key('c', { createdMs: 1 }));
    await store.createApiKey(key('a', { createdMs: 2 }));
    expect(await store.revokeApiKey('a')).toBe(true);
    const listed = await store.listApiKeys();
    expect(listed.map((k) => [k.id, k.revoked])).toEqual([['c', false], ['a', true], ['b', false]]);
  });

  it('revokes a key for good, and says when there is no such key', async () => {
    await store.createApiKey(key('k1'));
    expect(await store.revokeApiKey('k1')).toBe(true);
    expect(await store.getApiKey('k1')).toEqual(key('k1', { revoked: true }));
    expect(await store.revokeApiKey('k1')).toBe(true);
    expect(await store.revokeApiKey('missing')).toBe(false);
  });
});
