/**
 * Batch cancel and terminate, run from the browser: Endure has no server-side batch
 * operations, so the calls go out one per workflow, at most CONCURRENCY at a time, and never
 * to more workflows than the user confirmed.
 */
import { listWorkflows, type ExecutionRef } from './workflows-api';

export const CONCURRENCY = 8;
/** Workflows fetched per list call when the batch covers a query. */
const QUERY_PAGE_SIZE = 200;
/** Failure reasons kept for the summary. */
const REASONS_MAX = 3;

export interface BatchProgress {
  /** How many workflows the user confirmed. */
  total: number;
  succeeded: number;
  failed: number;
  /** The first failures, as `<workflow id>: <message>`. */
  reasons: string[];
  finished: boolean;
}

export type BatchAction = (ref: ExecutionRef) => Promise<unknown>;

/** Runs `action` over `refs`, CONCURRENCY at a time, reporting progress after each call. */
async function runPool(refs: ExecutionRef[], action: BatchAction, progress: BatchProgress, report: (p: BatchProgress) => void): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < refs.length) {
      const ref = refs[next++]!;
      try {
        await action(ref);
        progress.succeeded++;
      } catch (err) {
        progress.failed++;
        if (progress.reasons.length < REASONS_MAX) progress.reasons.push(`${ref.workflowId}: ${(err as Error).message}`);
      }
      report({ ...progress, reasons: [...progress.reasons] });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, refs.length) }, worker));
}

/** The action over a fixed list of runs (the selection). */
export async function runOnRefs(refs: ExecutionRef[], action: BatchAction, report: (p: BatchProgress) => void): Promise<BatchProgress> {
  const progress: BatchProgress = { total: refs.length, succeeded: 0, failed: 0, reasons: [], finished: false };
  await runPool(refs, action, progress, report);
  return finish(progress, report);
}

/**
 * The action over every run `query` matches, page by page, stopping at `limit` (the count
 * the user saw and confirmed: runs that start meanwhile are left alone).
 */
export async function runOnQuery(
  ns: string,
  query: string,
  limit: number,
  action: BatchAction,
  report: (p: BatchProgress) => void,
): Promise<BatchProgress> {
  const progress: BatchProgress = { total: limit, succeeded: 0, failed: 0, reasons: [], finished: false };
  let token: string | undefined;
  let remaining = limit;
  while (remaining > 0) {
    const page = await listWorkflows(ns, query, Math.min(QUERY_PAGE_SIZE, remaining), token);
    const refs = (page.executions ?? [])
      .slice(0, remaining)
      .map((wf) => ({ workflowId: wf.execution?.workflowId ?? '', runId: wf.execution?.runId ?? '' }));
    await runPool(refs, action, progress, report);
    remaining -= refs.length;
    token = page.nextPageToken || undefined;
    if (!token || refs.length === 0) break;
  }
  return finish(progress, report);
}

function finish(progress: BatchProgress, report: (p: BatchProgress) => void): BatchProgress {
  const done = { ...progress, reasons: [...progress.reasons], finished: true };
  report(done);
  return done;
}
