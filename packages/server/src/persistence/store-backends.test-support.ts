/**
 * The stores the Store contract runs against (store.test.ts, store-schedules.test.ts,
 * store-api-keys.test.ts): each test gets a fresh, empty store of every kind.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Store } from './store.js';
import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { createTestDatabase, emptyTestDatabase, type TestDatabase } from './postgres/test-database.test-support.js';

/** How a suite gets a fresh, empty store of one kind before each test. */
export interface Backend {
  /** Once before the suite (a database to work in). */
  setUp?(): Promise<void>;
  open(): Promise<Store>;
  /** Once after the suite. */
  tearDown?(): Promise<void>;
}

/** One database for the whole run, emptied before each test: creating one per test costs ~0.3 s. */
function postgresBackend(): Backend {
  let database: TestDatabase | undefined;
  const url = () => {
    if (!database) throw new Error('the PostgreSQL test database was not created');
    return database.url;
  };
  return {
    async setUp() {
      database = await createTestDatabase();
    },
    async open() {
      const store = await PostgresStore.open({ url: url(), connectRetry: { retryMs: 0, onRetry() {} }, onConnectionError() {} });
      await emptyTestDatabase(url());
      return store;
    },
    async tearDown() {
      await database?.drop();
    },
  };
}

export const stores: [string, Backend][] = [
  ['sqlite', { open: () => Promise.resolve(new SqliteStore(null)) }],
  ['memory', { open: () => Promise.resolve(new MemoryStore()) }],
  ['postgres', postgresBackend()],
];

/**
 * Registers the hooks of a contract suite over one backend: its set-up and tear-down around the
 * suite, and before each test a fresh, empty store (handed to `use`), closed after the test.
 *
 * @example
 * describe.each(stores)('%s store', (_name, backend) => {
 *   let store: Store;
 *   freshStoreEachTest(backend, (opened) => (store = opened));
 *   it('…', async () => { await store.listNamespaces(); });
 * });
 */
export function freshStoreEachTest(backend: Backend, use: (store: Store) => void): void {
  let store: Store | undefined;
  beforeAll(async () => {
    await backend.setUp?.();
  });
  afterAll(async () => {
    await backend.tearDown?.();
  });
  beforeEach(async () => {
    store = await backend.open();
    use(store);
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
}
