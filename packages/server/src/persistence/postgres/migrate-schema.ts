/**
 * The public `migratePostgresSchema`, loading the PostgreSQL store only when called: the
 * package's entry point must not load a dozen PostgreSQL modules into every SQLite server.
 */

/**
 * Creates or upgrades the schema of the PostgreSQL database at `url` (a server's start does
 * it too) and says which version it was at and is at now.
 *
 * @example
 * const { from, to } = await migratePostgresSchema('postgres://endure@db:5432/endure');
 */
export async function migratePostgresSchema(url: string): Promise<{ from: number; to: number }> {
  const store = await import('./postgres-store.js');
  return store.migratePostgresSchema(url);
}
