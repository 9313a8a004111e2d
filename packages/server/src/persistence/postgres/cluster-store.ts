/**
 * What several nodes on one PostgreSQL database need beyond the Store: due timers claimed by
 * one node at a time (a lease, so a node that dies holding some frees them), and the query
 * rows through which a client on one node reaches a worker polling another.
 */
import type pg from 'pg';
import type { ClusterNodeRow, ClusterStore, QueryTaskRow, TaskKind, TaskQueuePollerRow, TimerTask } from '../store.js';

import { toTimer } from './rows.js';

type Row = Record<string, unknown>;

/** Now in ms by the database's clock: heartbeats compare times of one clock, whatever the nodes' say. */
const DB_NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

export class PostgresClusterStore implements ClusterStore {
  constructor(private readonly pool: pg.Pool) {}

  async claimDueTimerTasks(untilMs: number, limit: number, leaseUntilMs: number, nowMs: number): Promise<TimerTask[]> {
    const result = await this.pool.query<Row>(
      `UPDATE timer_tasks SET lease_until_ms = $3
       WHERE id IN (
         SELECT id FROM timer_tasks WHERE fire_at_ms <= $1 AND lease_until_ms <= $4
         ORDER BY fire_at_ms, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, fire_at_ms, namespace_id, workflow_id, run_id, kind, data`,
      [untilMs, limit, leaseUntilMs, nowMs],
    );
    return result.rows
      .map(toTimer)
      .sort((a, b) => a.fireAtMs - b.fireAtMs || a.id - b.id);
  }

  async nextTimerReadyMs(): Promise<number | null> {
    // Earliest due time, or for a claimed row the end of its lease: the index on fire time
    // finds the candidates, the lease only ever delays them.
    const result = await this.pool.query<{ next: number | null }>(
      `SELECT MIN(GREATEST(fire_at_ms, lease_until_ms)) AS next
       FROM (SELECT fire_at_ms, lease_until_ms FROM timer_tasks ORDER BY fire_at_ms, id LIMIT 1000) AS earliest`,
    );
    return result.rows[0]?.next ?? null;
  }

  async insertQueryTask(q: QueryTaskRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO query_tasks (id, namespace_id, task_queue, workflow_id, run_id, query, created_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [q.id, q.namespaceId, q.taskQueue, q.workflowId, q.runId, Buffer.from(q.query), q.createdMs],
    );
  }

  async claimQueryTask(id: string): Promise<Uint8Array | null> {
    const result = await this.pool.query<{ query: Buffer }>(
      'UPDATE query_tasks SET claimed = true WHERE id = $1 AND NOT claimed RETURNING query',
      [id],
    );
    return result.rows[0]?.query ?? null;
  }

  async answerQueryTask(id: string, answer: Uint8Array): Promise<boolean> {
    const result = await this.pool.query('UPDATE query_tasks SET answer = $2 WHERE id = $1 AND answer IS NULL', [id, Buffer.from(answer)]);
    return result.rowCount === 1;
  }

  async takeQueryAnswer(id: string): Promise<Uint8Array | null> {
    const result = await this.pool.query<{ answer: Buffer }>(
      'DELETE FROM query_tasks WHERE id = $1 AND answer IS NOT NULL RETURNING answer',
      [id],
    );
    return result.rows[0]?.answer ?? null;
  }

  async deleteQueryTask(id: string): Promise<void> {
    await this.pool.query('DELETE FROM query_tasks WHERE id = $1', [id]);
  }

  async listUnclaimedQueryTasks(createdBeforeMs: number): Promise<QueryTaskRow[]> {
    const result = await this.pool.query<Row>(
      `SELECT id, namespace_id, task_queue, workflow_id, run_id, created_ms FROM query_tasks
       WHERE NOT claimed AND created_ms < $1 ORDER BY created_ms LIMIT 1000`,
      [createdBeforeMs],
    );
    return result.rows.map((r) => ({
      id: r.id as string,
      namespaceId: r.namespace_id as string,
      taskQueue: r.task_queue as string,
      workflowId: r.workflow_id as string,
      runId: r.run_id as string,
      query: new Uint8Array(),
      createdMs: r.created_ms as number,
    }));
  }

  async deleteQueryTasksCreatedBefore(createdBeforeMs: number): Promise<void> {
    await this.pool.query('DELETE FROM query_tasks WHERE created_ms < $1', [createdBeforeMs]);
  }

  async recordPollers(pollers: TaskQueuePollerRow[]): Promise<void> {
    if (pollers.length === 0) return;
    await this.pool.query(
      `INSERT INTO task_queue_pollers (namespace_id, task_queue, kind, identity, node_id, last_access_ms)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
       ON CONFLICT (namespace_id, task_queue, kind, identity) DO UPDATE
       SET node_id = excluded.node_id, last_access_ms = GREATEST(task_queue_pollers.last_access_ms, excluded.last_access_ms)`,
      [
        pollers.map((p) => p.namespaceId),
        pollers.map((p) => p.taskQueue),
        pollers.map((p) => p.kind),
        pollers.map((p) => p.identity),
        pollers.map((p) => p.nodeId),
        pollers.map((p) => p.lastAccessMs),
      ],
    );
  }

  async listPollers(namespaceId: string, taskQueue: string, kind: TaskKind, sinceMs: number): Promise<TaskQueuePollerRow[]> {
    const result = await this.pool.query<Row>(
      `SELECT identity, node_id, last_access_ms FROM task_queue_pollers
       WHERE namespace_id = $1 AND task_queue = $2 AND kind = $3 AND last_access_ms >= $4`,
      [namespaceId, taskQueue, kind, sinceMs],
    );
    return result.rows.map((r) => ({
      namespaceId,
      taskQueue,
      kind,
      identity: r.identity as string,
      nodeId: r.node_id as string,
      lastAccessMs: r.last_access_ms as number,
    }));
  }

  async deletePollersBefore(beforeMs: number): Promise<void> {
    await this.pool.query('DELETE FROM task_queue_pollers WHERE last_access_ms < $1', [beforeMs]);
  }

  async taskQueueBacklog(namespaceId: string, taskQueue: string, kind: TaskKind): Promise<{ count: number; oldestCreatedMs: number | null }> {
    const result = await this.pool.query<{ count: number; oldest: number | null }>(
      `SELECT count(*)::bigint AS count, min(created_ms) AS oldest FROM task_queue_tasks
       WHERE namespace_id = $1 AND task_queue = $2 AND kind = $3`,
      [namespaceId, taskQueue, kind],
    );
    const row = result.rows[0];
    return { count: row?.count ?? 0, oldestCreatedMs: row?.oldest ?? null };
  }

  async liveNodes(liveMs: number): Promise<ClusterNodeRow[]> {
    const result = await this.pool.query<Row>(
      `SELECT node_id, address, started_ms, heartbeat_ms FROM cluster_nodes
       WHERE heartbeat_ms >= ${DB_NOW_MS} - $1 ORDER BY node_id`,
      [liveMs],
    );
    return result.rows.map((r) => ({
      nodeId: r.node_id as string,
      address: r.address as string,
      startedMs: r.started_ms as number,
      heartbeatMs: r.heartbeat_ms as number,
    }));
  }

  async heartbeat(node: Omit<ClusterNodeRow, 'heartbeatMs'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO cluster_nodes (node_id, address, started_ms, heartbeat_ms) VALUES ($1, $2, $3, ${DB_NOW_MS})
       ON CONFLICT (node_id) DO UPDATE SET address = $2, started_ms = $3, heartbeat_ms = ${DB_NOW_MS}`,
      [node.nodeId, node.address, node.startedMs],
    );
  }

  async claimDeadNodes(deadMs: number): Promise<string[]> {
    const result = await this.pool.query<{ node_id: string }>(
      `DELETE FROM cluster_nodes WHERE heartbeat_ms < ${DB_NOW_MS} - $1 RETURNING node_id`,
      [deadMs],
    );
    return result.rows.map((r) => r.node_id);
  }

  async removeNode(nodeId: string): Promise<void> {
    await this.pool.query('DELETE FROM cluster_nodes WHERE node_id = $1', [nodeId]);
  }

  async expireWorkflowTasksHandedOutBy(nodeId: string, nowMs: number): Promise<number> {
    // A scan of the timer rows, once per lost node: rare enough not to need an index.
    const result = await this.pool.query(
      `UPDATE timer_tasks SET fire_at_ms = $2
       WHERE kind = 'workflow_task_timeout' AND fire_at_ms > $2 AND (data::jsonb)->>'node' = $1`,
      [nodeId, nowMs],
    );
    return result.rowCount ?? 0;
  }
}
