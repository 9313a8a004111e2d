/**
 * Versioned schema for the SQLite store. Each entry runs once, in order, in
 * its own transaction; `PRAGMA user_version` records how far we got.
 * Never edit a shipped migration: append a new one.
 */
export const sqliteMigrations: readonly string[] = [
  `
  CREATE TABLE namespaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    retention_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE TABLE current_executions (
    namespace_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    start_request_id TEXT NOT NULL,
    PRIMARY KEY (namespace_id, workflow_id)
  );
  CREATE TABLE executions (
    namespace_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    workflow_type TEXT NOT NULL,
    task_queue TEXT NOT NULL,
    status INTEGER NOT NULL,
    start_time_ms INTEGER NOT NULL,
    close_time_ms INTEGER,
    db_version INTEGER NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (namespace_id, workflow_id, run_id)
  );
  CREATE INDEX executions_by_start ON executions (namespace_id, start_time_ms);
  CREATE TABLE history_events (
    namespace_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    event_id INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (namespace_id, run_id, event_id)
  ) WITHOUT ROWID;
  CREATE TABLE task_queue_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace_id TEXT NOT NULL,
    task_queue TEXT NOT NULL,
    kind TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    scheduled_event_id INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE TABLE timer_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fire_at_ms INTEGER NOT NULL,
    namespace_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX timer_tasks_by_fire ON timer_tasks (fire_at_ms, id);
  `,
];
