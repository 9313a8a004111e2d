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
  // 2: visibility (list and count) in the same database, written in the same transaction as
  // the run; namespace management; custom search attributes in typed slot columns.
  `
  ALTER TABLE namespaces ADD COLUMN state INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE namespaces ADD COLUMN description TEXT NOT NULL DEFAULT '';
  ALTER TABLE namespaces ADD COLUMN owner_email TEXT NOT NULL DEFAULT '';
  ALTER TABLE namespaces ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE namespaces ADD COLUMN custom_search_attributes TEXT NOT NULL DEFAULT '{"CustomKeywordField":{"type":"Keyword","column":"keyword01"},"CustomStringField":{"type":"Text","column":"text01"},"CustomTextField":{"type":"Text","column":"text02"},"CustomIntField":{"type":"Int","column":"int01"},"CustomDoubleField":{"type":"Double","column":"double01"},"CustomBoolField":{"type":"Bool","column":"bool01"},"CustomDatetimeField":{"type":"Datetime","column":"datetime01"}}';
  -- id: an explicit rowid, so VACUUM cannot renumber the rows the full-text index points at.
  CREATE TABLE executions_visibility (
    id INTEGER PRIMARY KEY,
    namespace_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    workflow_type TEXT NOT NULL,
    task_queue TEXT NOT NULL,
    status INTEGER NOT NULL,
    start_time INTEGER NOT NULL,
    execution_time INTEGER NOT NULL,
    close_time INTEGER,
    execution_duration INTEGER,
    history_length INTEGER NOT NULL DEFAULT 0,
    history_size_bytes INTEGER NOT NULL DEFAULT 0,
    state_transition_count INTEGER NOT NULL DEFAULT 0,
    parent_workflow_id TEXT,
    parent_run_id TEXT,
    root_workflow_id TEXT,
    root_run_id TEXT,
    temporal_change_version TEXT,
    build_ids TEXT,
    binary_checksums TEXT,
    batcher_user TEXT,
    temporal_scheduled_by_id TEXT,
    temporal_scheduled_start_time INTEGER,
    temporal_schedule_paused INTEGER,
    temporal_pause_info TEXT,
    bool01 INTEGER,
    bool02 INTEGER,
    bool03 INTEGER,
    datetime01 INTEGER,
    datetime02 INTEGER,
    datetime03 INTEGER,
    double01 REAL,
    double02 REAL,
    double03 REAL,
    int01 INTEGER,
    int02 INTEGER,
    int03 INTEGER,
    keyword01 TEXT,
    keyword02 TEXT,
    keyword03 TEXT,
    keyword04 TEXT,
    keyword05 TEXT,
    keyword06 TEXT,
    keyword07 TEXT,
    keyword08 TEXT,
    keyword09 TEXT,
    keyword10 TEXT,
    text01 TEXT,
    text02 TEXT,
    text03 TEXT,
    keyword_list01 TEXT,
    keyword_list02 TEXT,
    keyword_list03 TEXT,
    memo BLOB,
    search_attributes BLOB,
    UNIQUE (namespace_id, run_id)
  );
  -- The default list order (running first, then latest closed, latest started). The sentinel is
  -- 2^62, exact as a double so page cursors compare equal; it must match
  -- visibility/sql-translator.ts NULL_SORT_NUMBER, or SQLite stops using these indexes.
  CREATE INDEX ev_default ON executions_visibility (namespace_id, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC);
  -- WorkflowType = ? AND ExecutionStatus = ? ORDER BY StartTime DESC (W7's first query).
  CREATE INDEX ev_type_status_start ON executions_visibility (namespace_id, workflow_type, status, start_time DESC, run_id DESC);
  -- ExecutionStatus = ? in the default order; count GROUP BY ExecutionStatus reads only this index.
  CREATE INDEX ev_status ON executions_visibility (namespace_id, status, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC);
  -- WorkflowType = ? in the default order.
  CREATE INDEX ev_type ON executions_visibility (namespace_id, workflow_type, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC);
  -- WorkflowId = ? (every run of an id).
  CREATE INDEX ev_workflow_id ON executions_visibility (namespace_id, workflow_id, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC);
  -- ORDER BY StartTime and StartTime ranges.
  CREATE INDEX ev_start ON executions_visibility (namespace_id, start_time DESC, run_id DESC);
  -- Custom search attributes: one partial index per sortable slot, written only for rows that set it.
  CREATE INDEX ev_keyword01 ON executions_visibility (namespace_id, keyword01, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE keyword01 IS NOT NULL;
  CREATE INDEX ev_keyword02 ON executions_visibility (namespace_id, keyword02, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE keyword02 IS NOT NULL;
  CREATE INDEX ev_keyword03 ON executions_visibility (namespace_id, keyword03, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE keyword03 IS NOT NULL;
  CREATE INDEX ev_keyword04 ON executions_visibility (namespace_id, keyword04, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE keyword04 IS NOT NULL;
  CREATE INDEX ev_keyword05 ON executions_visibility (namespace_id, keyword05, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE keyword05 IS NOT NULL;
  CREATE INDEX ev_keyword06 ON executions_visibility (namespace_id, keyword06, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE keyword06 IS NOT NULL;
  CREATE INDEX ev_keyword07 ON executions_visibility (namespace_id, keyword07, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE keyword07 IS NOT NULL;
  CREATE INDEX ev_keyword08 ON executions_visibility (namespace_id, keyword08, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE keyword08 IS NOT NULL;
  CREATE INDEX ev_keyword09 ON executions_visibility (namespace_id, keyword09, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE keyword09 IS NOT NULL;
  CREATE INDEX ev_keyword10 ON executions_visibility (namespace_id, keyword10, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE keyword10 IS NOT NULL;
  CREATE INDEX ev_int01 ON executions_visibility (namespace_id, int01, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE int01 IS NOT NULL;
  CREATE INDEX ev_int02 ON executions_visibility (namespace_id, int02, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE int02 IS NOT NULL;
  CREATE INDEX ev_int03 ON executions_visibility (namespace_id, int03, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE int03 IS NOT NULL;
  CREATE INDEX ev_double01 ON executions_visibility (namespace_id, double01, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE double01 IS NOT NULL;
  CREATE INDEX ev_double02 ON executions_visibility (namespace_id, double02, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE double02 IS NOT NULL;
  CREATE INDEX ev_double03 ON executions_visibility (namespace_id, double03, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE double03 IS NOT NULL;
  CREATE INDEX ev_datetime01 ON executions_visibility (namespace_id, datetime01, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE datetime01 IS NOT NULL;
  CREATE INDEX ev_datetime02 ON executions_visibility (namespace_id, datetime02, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE datetime02 IS NOT NULL;
  CREATE INDEX ev_datetime03 ON executions_visibility (namespace_id, datetime03, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE datetime03 IS NOT NULL;
  CREATE INDEX ev_bool01 ON executions_visibility (namespace_id, bool01, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE bool01 IS NOT NULL;
  CREATE INDEX ev_bool02 ON executions_visibility (namespace_id, bool02, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE bool02 IS NOT NULL;
  CREATE INDEX ev_bool03 ON executions_visibility (namespace_id, bool03, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC) WHERE bool03 IS NOT NULL;
  -- Text search attributes: a full-text index over the text slots, kept by triggers that do
  -- nothing for rows without text.
  CREATE VIRTUAL TABLE executions_visibility_fts USING fts5(text01, text02, text03, content='executions_visibility', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0');
  CREATE TRIGGER ev_fts_insert AFTER INSERT ON executions_visibility
    WHEN new.text01 IS NOT NULL OR new.text02 IS NOT NULL OR new.text03 IS NOT NULL BEGIN
    INSERT INTO executions_visibility_fts (rowid, text01, text02, text03) VALUES (new.rowid, new.text01, new.text02, new.text03);
  END;
  CREATE TRIGGER ev_fts_delete AFTER DELETE ON executions_visibility
    WHEN old.text01 IS NOT NULL OR old.text02 IS NOT NULL OR old.text03 IS NOT NULL BEGIN
    INSERT INTO executions_visibility_fts (executions_visibility_fts, rowid, text01, text02, text03)
      VALUES ('delete', old.rowid, old.text01, old.text02, old.text03);
  END;
  CREATE TRIGGER ev_fts_update_old AFTER UPDATE ON executions_visibility
    WHEN (old.text01 IS NOT NULL OR old.text02 IS NOT NULL OR old.text03 IS NOT NULL)
      AND (old.text01 IS NOT new.text01 OR old.text02 IS NOT new.text02 OR old.text03 IS NOT new.text03) BEGIN
    INSERT INTO executions_visibility_fts (executions_visibility_fts, rowid, text01, text02, text03)
      VALUES ('delete', old.rowid, old.text01, old.text02, old.text03);
  END;
  CREATE TRIGGER ev_fts_update_new AFTER UPDATE ON executions_visibility
    WHEN (new.text01 IS NOT NULL OR new.text02 IS NOT NULL OR new.text03 IS NOT NULL)
      AND (old.text01 IS NOT new.text01 OR old.text02 IS NOT new.text02 OR old.text03 IS NOT new.text03) BEGIN
    INSERT INTO executions_visibility_fts (rowid, text01, text02, text03) VALUES (new.rowid, new.text01, new.text02, new.text03);
  END;
  -- Runs per namespace and status, kept by triggers: a count of a whole namespace, grouped by
  -- status or not (the UI's status tabs, CountWorkflowExecutions without a filter), reads a few
  -- rows instead of an index entry per run.
  CREATE TABLE visibility_status_counts (
    namespace_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    runs INTEGER NOT NULL,
    PRIMARY KEY (namespace_id, status)
  ) WITHOUT ROWID;
  CREATE TRIGGER ev_count_insert AFTER INSERT ON executions_visibility BEGIN
    INSERT INTO visibility_status_counts (namespace_id, status, runs) VALUES (new.namespace_id, new.status, 1)
      ON CONFLICT (namespace_id, status) DO UPDATE SET runs = runs + 1;
  END;
  CREATE TRIGGER ev_count_delete AFTER DELETE ON executions_visibility BEGIN
    UPDATE visibility_status_counts SET runs = runs - 1 WHERE namespace_id = old.namespace_id AND status = old.status;
  END;
  CREATE TRIGGER ev_count_update AFTER UPDATE OF status ON executions_visibility WHEN old.status != new.status BEGIN
    UPDATE visibility_status_counts SET runs = runs - 1 WHERE namespace_id = old.namespace_id AND status = old.status;
    INSERT INTO visibility_status_counts (namespace_id, status, runs) VALUES (new.namespace_id, new.status, 1)
      ON CONFLICT (namespace_id, status) DO UPDATE SET runs = runs + 1;
  END;
  -- Runs written before visibility existed get a row from their summary columns.
  INSERT INTO executions_visibility (namespace_id, run_id, workflow_id, workflow_type, task_queue, status, start_time, execution_time, close_time)
    SELECT namespace_id, run_id, workflow_id, workflow_type, task_queue, status, start_time_ms, start_time_ms, close_time_ms FROM executions;
  `,
  // 3: schedules (issue 14). A schedule's state is one opaque row fenced by its version, as a
  // run's is; a rowid table, not WITHOUT ROWID, because the state grows with its recent actions.
  // Its timer rows are ordinary timer rows whose run id is '' (SCHEDULE_TIMER_RUN_ID): the
  // partial index finds them when the schedule or its namespace is deleted, and costs the
  // timers of runs nothing.
  `
  CREATE TABLE schedules (
    namespace_id TEXT NOT NULL,
    schedule_id TEXT NOT NULL,
    state TEXT NOT NULL,
    db_version INTEGER NOT NULL,
    PRIMARY KEY (namespace_id, schedule_id)
  );
  CREATE INDEX timer_tasks_of_schedules ON timer_tasks (namespace_id, workflow_id) WHERE run_id = '';
  `,
  // 4: API keys (auth/). Only the SHA-256 of a key's secret is kept; permissions are a JSON
  // array of claim strings. A revoked key keeps its row, so its id is never reused.
  `
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    permissions TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER,
    revoked INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  `,
];
