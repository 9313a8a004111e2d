/**
 * The migration that moves an execution commit into the database: `endure_commit(batch)`
 * writes a batch of commits (see commit-batcher.ts) in one statement, so a batch costs one
 * round trip and one WAL flush however many commits it holds. It is a migration (listed in
 * migrations.ts) and, like every shipped migration, is never edited: a change to the commit
 * is a new migration that runs `CREATE OR REPLACE FUNCTION`.
 *
 * Each commit runs in its own subtransaction (a PL/pgSQL block with EXCEPTION, PostgreSQL's
 * savepoint): a commit whose guard fails raises SQLSTATE `ED001` and is rolled back alone,
 * and so is one that fails otherwise; the batch answers, per commit, its result or its error.
 *
 * Commits are applied ordered by the visibility-count shard of their run (see the first
 * migration's `visibility_status_counts`), then by workflow: a commit that starts or closes a
 * run updates its shard's counters, and batches on other connections or nodes that take
 * those row locks in one order wait for each other instead of deadlocking.
 *
 * The visibility upsert names every column of `executions_visibility`: a migration that adds
 * a column there must replace `endure_commit_run` too.
 */

/** SQLSTATE the commit functions raise when a guard finds another writer's row. */
export const CONDITION_FAILED_SQLSTATE = 'ED001';

const VISIBILITY_UPDATED_COLUMNS = [
  'workflow_id', 'workflow_type', 'task_queue', 'status', 'start_time', 'close_time', 'execution_time',
  'execution_duration', 'history_length', 'history_size_bytes', 'state_transition_count', 'parent_workflow_id',
  'parent_run_id', 'root_workflow_id', 'root_run_id', 'temporal_change_version', 'build_ids', 'binary_checksums',
  'batcher_user', 'temporal_scheduled_by_id', 'temporal_scheduled_start_time', 'temporal_schedule_paused',
  'temporal_pause_info', 'bool01', 'bool02', 'bool03', 'datetime01', 'datetime02', 'datetime03', 'double01',
  'double02', 'double03', 'int01', 'int02', 'int03', 'keyword01', 'keyword02', 'keyword03', 'keyword04',
  'keyword05', 'keyword06', 'keyword07', 'keyword08', 'keyword09', 'keyword10', 'text01', 'text02', 'text03',
  'keyword_list01', 'keyword_list02', 'keyword_list03', 'memo', 'search_attributes',
];

export const COMMIT_FUNCTIONS_MIGRATION = `
  -- One run's commit (and its chained new run's): the writes of PostgresStore before this
  -- migration, guarded the same way. c is what commit-batcher.ts encodes.
  CREATE FUNCTION endure_commit_run(c jsonb) RETURNS jsonb AS $$
  DECLARE
    ns text := c->>'ns';
    wf text := c->>'wf';
    run text := c->>'run';
    cur jsonb := c->'current';
    version bigint;
    task_ids bigint[] := '{}';
    timer_ids bigint[] := '{}';
    new_id bigint;
    item jsonb;
    next_result jsonb;
  BEGIN
    IF cur IS NOT NULL THEN
      IF cur->>'expectedRunId' IS NULL THEN
        INSERT INTO current_executions (namespace_id, workflow_id, run_id, status, start_request_id)
          VALUES (ns, wf, cur->>'runId', (cur->>'status')::integer, cur->>'startRequestId')
          ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'workflow % already has a current run', wf USING ERRCODE = '${CONDITION_FAILED_SQLSTATE}';
        END IF;
      ELSE
        UPDATE current_executions SET run_id = cur->>'runId', status = (cur->>'status')::integer,
            start_request_id = cur->>'startRequestId'
          WHERE namespace_id = ns AND workflow_id = wf AND run_id = cur->>'expectedRunId';
        IF NOT FOUND THEN
          RAISE EXCEPTION 'current run of % moved', wf USING ERRCODE = '${CONDITION_FAILED_SQLSTATE}';
        END IF;
      END IF;
    ELSIF c ? 'currentStatus' THEN
      UPDATE current_executions SET status = (c->>'currentStatus')::integer
        WHERE namespace_id = ns AND workflow_id = wf AND run_id = run;
    END IF;

    IF c ? 'expectedDbVersion' THEN
      UPDATE executions SET status = (c->>'status')::integer, close_time_ms = (c->>'closeTimeMs')::bigint,
          db_version = db_version + 1, state = c->>'state'
        WHERE namespace_id = ns AND workflow_id = wf AND run_id = run AND db_version = (c->>'expectedDbVersion')::bigint;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'execution %/% changed concurrently', wf, run USING ERRCODE = '${CONDITION_FAILED_SQLSTATE}';
      END IF;
      version := (c->>'expectedDbVersion')::bigint + 1;
    ELSE
      INSERT INTO executions (namespace_id, workflow_id, run_id, workflow_type, task_queue, status, start_time_ms,
          close_time_ms, db_version, state)
        VALUES (ns, wf, run, c->>'workflowType', c->>'taskQueue', (c->>'status')::integer, (c->>'startTimeMs')::bigint,
          (c->>'closeTimeMs')::bigint, 1, c->>'state')
        ON CONFLICT DO NOTHING;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'execution %/% already exists', wf, run USING ERRCODE = '${CONDITION_FAILED_SQLSTATE}';
      END IF;
      version := 1;
    END IF;

    INSERT INTO history_events (namespace_id, run_id, event_id, data)
      SELECT ns, run, (e->>0)::bigint, decode(e->>1, 'base64') FROM jsonb_array_elements(c->'events') AS e;

    IF c ? 'visibility' THEN
      INSERT INTO executions_visibility
        SELECT * FROM jsonb_populate_record(NULL::executions_visibility, c->'visibility')
        ON CONFLICT (namespace_id, run_id) DO UPDATE SET
          (${VISIBILITY_UPDATED_COLUMNS.join(', ')}) =
          (${VISIBILITY_UPDATED_COLUMNS.map((column) => `excluded.${column}`).join(', ')});
    END IF;

    IF c ? 'doneTasks' THEN
      DELETE FROM task_queue_tasks WHERE id = ANY (ARRAY(SELECT jsonb_array_elements_text(c->'doneTasks'))::bigint[]);
    END IF;
    IF c ? 'doneTimers' THEN
      DELETE FROM timer_tasks WHERE id = ANY (ARRAY(SELECT jsonb_array_elements_text(c->'doneTimers'))::bigint[]);
    END IF;

    -- One row at a time: each id is known to belong to its task, in the order given.
    FOR item IN SELECT value FROM jsonb_array_elements(c->'tasks') LOOP
      INSERT INTO task_queue_tasks (namespace_id, task_queue, kind, workflow_id, run_id, scheduled_event_id, attempt, created_ms)
        VALUES (item->>'namespaceId', item->>'taskQueue', item->>'kind', item->>'workflowId', item->>'runId',
          (item->>'scheduledEventId')::bigint, (item->>'attempt')::integer, (item->>'createdMs')::bigint)
        RETURNING id INTO new_id;
      task_ids := task_ids || new_id;
    END LOOP;
    FOR item IN SELECT value FROM jsonb_array_elements(c->'timers') LOOP
      INSERT INTO timer_tasks (fire_at_ms, namespace_id, workflow_id, run_id, kind, data)
        VALUES ((item->>'fireAtMs')::bigint, item->>'namespaceId', item->>'workflowId', item->>'runId', item->>'kind',
          item->>'data')
        RETURNING id INTO new_id;
      timer_ids := timer_ids || new_id;
    END LOOP;

    IF c ? 'newRun' THEN
      next_result := endure_commit_run(c->'newRun');
    END IF;
    RETURN jsonb_build_object('dbVersion', version, 'taskIds', to_jsonb(task_ids), 'timerIds', to_jsonb(timer_ids),
      'newRun', next_result);
  END;
  $$ LANGUAGE plpgsql;

  -- A batch of commits, each all or nothing on its own: the answer is an array in the batch's
  -- order of each commit's result or {"error", "sqlstate"}.
  CREATE FUNCTION endure_commit(batch jsonb) RETURNS jsonb AS $$
  DECLARE
    item record;
    results jsonb[] := array_fill(NULL::jsonb, ARRAY[jsonb_array_length(batch)]);
  BEGIN
    FOR item IN
      SELECT value AS c, ordinality AS position FROM jsonb_array_elements(batch) WITH ORDINALITY
        ORDER BY abs(hashtext(value->>'run') % 16), value->>'ns', value->>'wf', ordinality
    LOOP
      BEGIN
        results[item.position] := endure_commit_run(item.c);
      EXCEPTION WHEN OTHERS THEN
        results[item.position] := jsonb_build_object('error', SQLERRM, 'sqlstate', SQLSTATE);
      END;
    END LOOP;
    RETURN to_jsonb(results);
  END;
  $$ LANGUAGE plpgsql;
`;
