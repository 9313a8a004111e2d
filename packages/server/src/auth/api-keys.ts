/**
 * API keys: `endure_<id>_<secret>`. The id is public (listed, logged, used to find the key's
 * row); the secret is 32 random bytes, of which the store keeps only the SHA-256. A random
 * 256-bit secret cannot be guessed or brute-forced from its hash, so a slow password hash
 * would only slow every call down (docs/decisions.md). A presented secret is hashed and
 * compared with the stored hash in constant time.
 *
 * Lookups are cached for `API_KEY_CACHE_MS`: a key revoked through this node is dropped from
 * its cache at once; one revoked through another node of a cluster is refused within that time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import type { ApiKeyRecord, Store } from '../persistence/store.js';
import { principalOf, type Principal } from './permissions.js';

export const API_KEY_PREFIX = 'endure_';
const ID_BYTES = 8;
const SECRET_BYTES = 32;
/** How long a looked-up key (or its absence) is trusted before the store is read again. */
export const API_KEY_CACHE_MS = 5_000;
/** Cached lookups at most; past it the cache starts over (garbage ids must not grow memory). */
const API_KEY_CACHE_ENTRIES_MAX = 10_000;

/** A new key's id, secret and the whole key as the user gets it. */
export function generateApiKey(): { id: string; secret: string; key: string } {
  const id = randomBytes(ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, secret, key: `${API_KEY_PREFIX}${id}_${secret}` };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** `endure_<id>_<secret>` split; null when the text is not shaped like an Endure API key. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  const rest = key.slice(API_KEY_PREFIX.length);
  const underscore = rest.indexOf('_');
  if (underscore <= 0) return null;
  const id = rest.slice(0, underscore);
  const secret = rest.slice(underscore + 1);
  if (!/^[0-9a-f]{16}$/.test(id) || secret === '') return null;
  return { id, secret };
}

/** Whether `secret` hashes to `expectedHash` (hex), in time that does not depend on where they differ. */
export function secretMatches(secret: string, expectedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function unauthenticated(message: string): ServiceError {
  return new ServiceError(Status.UNAUTHENTICATED, message);
}

/** Checks presented API keys against the store. */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, { record: ApiKeyRecord | null; readMs: number }>();

  constructor(
    private readonly store: Store,
    private readonly nowMs: () => number,
  ) {}

  /** The key's principal; UNAUTHENTICATED when it is unknown, wrong, revoked or expired. */
  async authenticate(key: string): Promise<Principal> {
    const parsed = parseApiKey(key);
    if (!parsed) throw unauthenticated('api key not recognised (expected endure_<id>_<secret>)');
    const record = await this.lookup(parsed.id);
    // Unknown id and wrong secret answer alike: the answer must not tell which ids exist.
    if (!record || !secretMatches(parsed.secret, record.secretHash)) throw unauthenticated('api key not recognised');
    if (record.revoked) throw unauthenticated(`api key revoked (id ${record.id})`);
    if (record.expiresMs !== null && record.expiresMs <= this.nowMs()) {
      throw unauthenticated(`api key expired at ${new Date(record.expiresMs).toISOString()} (id ${record.id})`);
    }
    return principalOf(`api key ${record.id} (${record.name})`, record.permissions);
  }

  /** Drops a key from the cache (it was revoked through this node). */
  forget(id: string): void {
    this.cache.delete(id);
  }

  private async lookup(id: string): Promise<ApiKeyRecord | null> {
    const now = this.nowMs();
    const cached = this.cache.get(id);
    if (cached && now - cached.readMs < API_KEY_CACHE_MS && now >= cached.readMs) return cached.record;
    const record = await this.store.getApiKey(id);
    if (this.cache.size >= API_KEY_CACHE_ENTRIES_MAX) this.cache.clear();
    this.cache.set(id, { record, readMs: now });
    return record;
  }
}
