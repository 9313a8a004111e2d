/**
 * Versioned schema for the PostgreSQL store. Each entry runs once, in order, in its own
 * transaction; the one row of `schema_version` records how far we got. Several servers may
 * start on one database at once: a transaction-scoped advisory lock makes them take turns,
 * and each reads the version again under it. Never edit a shipped migration: append one.
 *
 * The layout follows the SQLite store's (sqlite/migrations.ts) table for table, with
 * PostgreSQL's types: `bigint` for times in ms and ids, `bytea` for event data, memo and
 * search attributes, `boolean` and `jsonb` (keyword lists) where visibility/postgres-dialect.ts
 * expects them.
 *
 * Task and timer rows are built to be claimed by several nodes later (issue 11's cluster):
 * `BIGSERIAL` ids that grow in commit order, and an index per claim order — a queue's tasks
 * oldest first (`namespace_id, task_queue, kind, id`), timers earliest first
 * (`fire_at_ms, id`) — so `SELECT … ORDER BY … FOR UPDATE SKIP LOCKED LIMIT n` reads a short
 * index range and skips rows another node holds.
 */
import type pg from 'pg';
import { COMMIT_FUNCTIONS_MIGRATION } from './commit-functions.js';

/** One text slot column of visibility and its full-text index (the dialect's `simple` configuration). */
function textSearchIndex(column: string): string {
  return `CREATE INDEX ev_${column}_words ON executions_visibility
    USING gin (to_tsvector('simple', coalesce(${column}, ''))) WHERE ${column} IS NOT NULL;`;
}

/**
 * An index for filtering on one column in the default list order. The order's expressions
 * must be the translator's (visibility/sql-translator.ts sortExpression): keywords and run ids
 * in C collation, NULL close times as 2^62.
 */
function defaultOrderIndex(name: string, leading: string, where = ''): string {
  return `CREATE INDEX ${name} ON executions_visibility (namespace_id, ${leading}
    COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id COLLATE "C" DESC)${where};`;
}

function slotIndexes(prefix: string, count: number, collate = ''): string {
  const statements: string[] = [];
  for (let i = 1; i <= count; i++) {
    const column = `${prefix}${String(i).padStart(2, '0')}`;
    statements.push(defaultOrderIndex(`ev_${column}`, `${column}${collate},`, ` WHERE ${column} IS NOT NULL`));
  }
  return statements.join('\n');
}

export const postgresMigrations: readonly string[] = [
  `
  CREATE TABLE namespaces (
    id text PRIMARY KEY,
    name text NOT NULL UNIQUE,
    retention_ms bigint NOT NULL,
    created_ms bigint NOT NULL,
    state integer NOT NULL,
    description text NOT NULL,
    owner_email text NOT NULL,
    data jsonb NOT NULL,
    custom_search_attributes jsonb NOT NULL
  );
  CREATE TABLE current_executions (
    namespace_id text NOT NULL,
    workflow_id text NOT NULL,
    run_id text NOT NULL,
    status integer NOT NULL,
    start_request_id text NOT NULL,
    PRIMARY KEY (namespace_id, workflow_id)
  );
  CREATE TABLE executions (
    namespace_id text NOT NULL,
    workflow_id text NOT NULL,
    run_id text NOT NULL,
    workflow_type text NOT NULL,
    task_queue text NOT NULL,
    status integer NOT NULL,
    start_time_ms bigint NOT NULL,
    close_time_ms bigint,
    db_version bigint NOT NULL,
    state text NOT NULL,
    PRIMARY KEY (namespace_id, workflow_id, run_id)
  );
  CREATE TABLE history_events (
    namespace_id text NOT NULL,
    run_id text NOT NULL,
    event_id bigint NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (namespace_id, run_id, event_id)
  );
  CREATE TABLE task_queue_tasks (
    id bigserial PRIMARY KEY,
    namespace_id text NOT NULL,
    task_queue text NOT NULL,
    kind text NOT NULL,
    workflow_id text NOT NULL,
    run_id text NOT NULL,
    scheduled_event_id bigint NOT NULL,
    attempt integer NOT NULL,
    created_ms bigint NOT NULL
  );
  CREATE INDEX task_queue_tasks_by_queue ON task_queue_tasks (namespace_id, task_queue, kind, id);
  CREATE INDEX task_queue_tasks_by_run ON task_queue_tasks (namespace_id, workflow_id, run_id);
  CREATE TABLE timer_tasks (
    id bigserial PRIMARY KEY,
    fire_at_ms bigint NOT NULL,
    namespace_id text NOT NULL,
    workflow_id text NOT NULL,
    run_id text NOT NULL,
    kind text NOT NULL,
    data text NOT NULL
  );
  CREATE INDEX timer_tasks_by_fire ON timer_tasks (fire_at_ms, id);
  CREATE INDEX timer_tasks_by_run ON timer_tasks (namespace_id, workflow_id, run_id);

  CREATE TABLE executions_visibility (
    namespace_id text NOT NULL,
    run_id text NOT NULL,
    workflow_id text NOT NULL,
    workflow_type text NOT NULL,
    task_queue text NOT NULL,
    status integer NOT NULL,
    start_time bigint NOT NULL,
    execution_time bigint NOT NULL,
    close_time bigint,
    execution_duration bigint,
    history_length bigint NOT NULL DEFAULT 0,
    history_size_bytes bigint NOT NULL DEFAULT 0,
    state_transition_count bigint NOT NULL DEFAULT 0,
    parent_workflow_id text,
    parent_run_id text,
    root_workflow_id text,
    root_run_id text,
    temporal_change_version jsonb,
    build_ids jsonb,
    binary_checksums jsonb,
    batcher_user text,
    temporal_scheduled_by_id text,
    temporal_scheduled_start_time bigint,
    temporal_schedule_paused boolean,
    temporal_pause_info jsonb,
    bool01 boolean, bool02 boolean, bool03 boolean,
    datetime01 bigint, datetime02 bigint, datetime03 bigint,
    double01 double precision, double02 double precision, double03 double precision,
    int01 bigint, int02 bigint, int03 bigint,
    keyword01 text, keyword02 text, keyword03 text, keyword04 text, keyword05 text,
    keyword06 text, keyword07 text, keyword08 text, keyword09 text, keyword10 text,
    text01 text, text02 text, text03 text,
    keyword_list01 jsonb, keyword_list02 jsonb, keyword_list03 jsonb,
    memo bytea,
    search_attributes bytea,
    PRIMARY KEY (namespace_id, run_id)
  );
  ${defaultOrderIndex('ev_default', '')}
  CREATE INDEX ev_type_status_start ON executions_visibility
    (namespace_id, workflow_type, status, start_time DESC, run_id COLLATE "C" DESC);
  ${defaultOrderIndex('ev_status', 'status,')}
  ${defaultOrderIndex('ev_type', 'workflow_type,')}
  ${defaultOrderIndex('ev_workflow_id', 'workflow_id,')}
  CREATE INDEX ev_start ON executions_visibility (namespace_id, start_time DESC, run_id COLLATE "C" DESC);
  ${slotIndexes('keyword', 10, ' COLLATE "C"')}
  ${slotIndexes('int', 3)}
  ${slotIndexes('double', 3)}
  ${slotIndexes('datetime', 3)}
  ${slotIndexes('bool', 3)}
  ${textSearchIndex('text01')}
  ${textSearchIndex('text02')}
  ${textSearchIndex('text03')}

  -- Runs per namespace and status, kept by triggers, so a count of a whole namespace reads a
  -- few rows. Each run counts in one of 16 shards (by its id), so concurrent starts and closes
  -- in one namespace rarely wait on the same counter row; readers add the shards up.
  CREATE TABLE visibility_status_counts (
    namespace_id text NOT NULL,
    status integer NOT NULL,
    shard integer NOT NULL,
    runs bigint NOT NULL,
    PRIMARY KEY (namespace_id, status, shard)
  );
  CREATE FUNCTION visibility_count_add(ns text, st integer, run text, delta integer) RETURNS void AS $$
    INSERT INTO visibility_status_counts (namespace_id, status, shard, runs)
      VALUES (ns, st, abs(hashtext(run) % 16), delta)
      ON CONFLICT (namespace_id, status, shard) DO UPDATE SET runs = visibility_status_counts.runs + delta;
  $$ LANGUAGE sql;
  CREATE FUNCTION visibility_count_trigger() RETURNS trigger AS $$
  BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
      PERFORM visibility_count_add(OLD.namespace_id, OLD.status, OLD.run_id, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      PERFORM visibility_count_add(NEW.namespace_id, NEW.status, NEW.run_id, 1);
    END IF;
    RETURN NULL;
  END;
  $$ LANGUAGE plpgsql;
  CREATE TRIGGER ev_count_insert_delete AFTER INSERT OR DELETE ON executions_visibility
    FOR EACH ROW EXECUTE FUNCTION visibility_count_trigger();
  CREATE TRIGGER ev_count_update AFTER UPDATE OF status ON executions_visibility
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION visibility_count_trigger();
  `,
  // 2: several nodes (cluster/). A due timer is claimed by one node for a while (its lease)
  // before it fires; the queries a node's client waits for, for a worker polling another node;
  // the nodes alive, each beating in its row (the database's clock, not the nodes'); who polled
  // which task queue lately, on any node (DescribeTaskQueue).
  `
  ALTER TABLE timer_tasks ADD COLUMN lease_until_ms bigint NOT NULL DEFAULT 0;
  CREATE TABLE query_tasks (
    id text PRIMARY KEY,
    namespace_id text NOT NULL,
    task_queue text NOT NULL,
    workflow_id text NOT NULL,
    run_id text NOT NULL,
    query bytea NOT NULL,
    claimed boolean NOT NULL DEFAULT false,
    answer bytea,
    created_ms bigint NOT NULL
  );
  CREATE TABLE task_queue_pollers (
    namespace_id text NOT NULL,
    task_queue text NOT NULL,
    kind text NOT NULL,
    identity text NOT NULL,
    node_id text NOT NULL,
    last_access_ms bigint NOT NULL,
    PRIMARY KEY (namespace_id, task_queue, kind, identity)
  );
  CREATE TABLE cluster_nodes (
    node_id text PRIMARY KEY,
    address text NOT NULL,
    started_ms bigint NOT NULL,
    heartbeat_ms bigint NOT NULL
  );
  `,
  // 3: execution commits in one statement per batch (group commit).
  COMMIT_FUNCTIONS_MIGRATION,
  // 4: schedules (issue 14), as SQLite's migration 3: one row per schedule fenced by its
  // version; ids in C collation so a list pages in the order of the other stores (code points,
  // not the database's locale). A schedule's timer rows have run id '' (SCHEDULE_TIMER_RUN_ID);
  // the partial index finds them when it or its namespace is deleted, and costs runs' timers nothing.
  `
  CREATE TABLE schedules (
    namespace_id text NOT NULL,
    schedule_id text COLLATE "C" NOT NULL,
    state text NOT NULL,
    db_version bigint NOT NULL,
    PRIMARY KEY (namespace_id, schedule_id)
  );
  CREATE INDEX timer_tasks_of_schedules ON timer_tasks (namespace_id, workflow_id) WHERE run_id = '';
  `,
  // 5: API keys (auth/), as SQLite's migration 4.
  `
  CREATE TABLE api_keys (
    id text PRIMARY KEY,
    name text NOT NULL,
    secret_hash text NOT NULL,
    permissions jsonb NOT NULL,
    created_ms bigint NOT NULL,
    expires_ms bigint,
    revoked boolean NOT NULL DEFAULT false
  );
  `,
];

/** Key of the advisory lock that makes migrations of one database take turns. */
const MIGRATION_LOCK_KEY = 0x656e64757265; // "endure"

/** The schema version of the database `client` is connected to: 0 for an empty database. */
export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  const table = await client.query<{ exists: boolean }>(`SELECT to_regclass('schema_version') IS NOT NULL AS exists`);
  if (!table.rows[0]?.exists) return 0;
  const row = await client.query<{ version: number }>('SELECT version FROM schema_version');
  return row.rows[0]?.version ?? 0;
}

/**
 * Brings the schema up to the newest version this code knows, one migration per transaction.
 * Throws when the database was written by a newer Endure (its schema is ahead of this code).
 * Returns the versions it found and left.
 */
export async function migrate(client: pg.ClientBase): Promise<{ from: number; to: number }> {
  let from: number | null = null;
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
      const version = await schemaVersion(client);
      from ??= version;
      if (version > postgresMigrations.length) {
        throw new Error(
          `database schema version ${version} is newer than this server knows (${postgresMigrations.length}); upgrade Endure`,
        );
      }
      if (version === postgresMigrations.length) {
        await client.query('COMMIT');
        return { from, to: version };
      }
      await client.query(postgresMigrations[version]!);
      await client.query('DELETE FROM schema_version');
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [version + 1]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  }
}
