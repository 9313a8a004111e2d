/**
 * The visibility reads of `WorkflowClient`: `list()` pages through ListWorkflowExecutions as it
 * is iterated, `intoHistories()` fetches the listed Workflows' histories a few at a time, and
 * `count()` decodes CountWorkflowExecutions (with the groups of a `GROUP BY` query).
 */
import { decodeUntypedValues, type HistoryAndWorkflowId, type LoadedDataConverter, type SearchAttributeValue } from '@endure/common';
import Long from 'long';
import type proto from '@temporalio/proto';
import { executionInfoFromRaw } from './execution-info.js';
import { rethrowGrpcError } from './grpc-errors.js';
import type { CountWorkflowExecution, WorkflowExecutionInfo, WorkflowService } from './types.js';

/**
 * Options for {@link WorkflowClient.list}.
 *
 * @example
 * ```ts
 * const options: ListOptions = { query: `WorkflowType = 'order' AND ExecutionStatus = 'Running'`, pageSize: 100 };
 * ```
 */
export interface ListOptions {
  /** Results per page (per ListWorkflowExecutions call). @default the server's, typically 1000 */
  pageSize?: number;
  /** A visibility query selecting and ordering the Workflows. @default every Workflow of the namespace */
  query?: string;
}

/**
 * Options for {@link AsyncWorkflowListIterable.intoHistories}.
 *
 * @example
 * ```ts
 * for await (const { history } of client.workflow.list().intoHistories({ concurrency: 2 })) replay(history);
 * ```
 */
export interface IntoHistoriesOptions {
  /** Histories fetched at the same time. @default 5 */
  concurrency?: number;
  /**
   * Histories fetched ahead of the consumer, beyond `concurrency`. Histories are fetched only
   * while the iterable is being read, so no more than `concurrency` are ever held ahead: any
   * value is honoured. Accepted for compatibility with the official SDK.
   */
  bufferLimit?: number;
}

/**
 * What {@link WorkflowClient.list} returns: the matching Workflows, read page by page as they
 * are iterated.
 *
 * @example
 * ```ts
 * for await (const workflow of client.workflow.list({ query: `CustomKeywordField = 'gold'` })) console.log(workflow.workflowId);
 * ```
 */
export interface AsyncWorkflowListIterable extends AsyncIterable<WorkflowExecutionInfo> {
  /** The listed Workflows' histories, fetched `concurrency` at a time, in the order they arrive. */
  intoHistories: (intoHistoriesOptions?: IntoHistoriesOptions) => AsyncIterable<HistoryAndWorkflowId>;
}

/** What listing needs from the client. */
export interface ListContext {
  workflowService: WorkflowService;
  namespace: string;
  dataConverter: LoadedDataConverter;
  /** The full history of one run (the client's `fetchHistory`). */
  fetchHistory: (workflowId: string, runId: string) => Promise<proto.temporal.api.history.v1.IHistory>;
}

const defaultHistoryConcurrency = 5;
/** Histories fetched at once, whatever the caller asks: each holds a whole history in memory. */
const historyConcurrencyMax = 100;

/** The iterable behind {@link WorkflowClient.list}. */
export function listWorkflows(context: ListContext, options?: ListOptions): AsyncWorkflowListIterable {
  return {
    [Symbol.asyncIterator]: () => listPages(context, options)[Symbol.asyncIterator](),
    intoHistories: (intoHistoriesOptions) => {
      const concurrency = historyConcurrency(intoHistoriesOptions?.concurrency);
      return mapConcurrently(listPages(context, options), concurrency, async ({ workflowId, runId }) => ({
        workflowId,
        history: await context.fetchHistory(workflowId, runId),
      }));
    },
  };
}

async function* listPages(context: ListContext, options: ListOptions | undefined): AsyncGenerator<WorkflowExecutionInfo> {
  let nextPageToken: Uint8Array | undefined;
  do {
    let response: proto.temporal.api.workflowservice.v1.IListWorkflowExecutionsResponse;
    try {
      response = await context.workflowService.listWorkflowExecutions({
        namespace: context.namespace,
        query: options?.query,
        pageSize: options?.pageSize,
        nextPageToken,
      });
    } catch (err) {
      rethrowGrpcError(err, 'Failed to list workflows');
    }
    // Decoded one at a time, so that a reader who stops early pays for no more than it read.
    for (const raw of response.executions ?? []) {
      yield await executionInfoFromRaw(raw, context.dataConverter, raw);
    }
    nextPageToken = response.nextPageToken ?? undefined;
  } while (nextPageToken !== undefined && nextPageToken.length > 0);
}

function historyConcurrency(requested: number | undefined): number {
  if (requested === undefined) return defaultHistoryConcurrency;
  if (!Number.isInteger(requested) || requested < 1) throw new TypeError(`concurrency must be a positive integer, got ${requested}`);
  return Math.min(requested, historyConcurrencyMax);
}

type Settled<R> = { id: number; ok: true; value: R } | { id: number; ok: false; error: unknown };

/**
 * Maps `source` through `fn`, at most `concurrency` calls at a time, yielding results as they
 * complete. Work starts only while the result is being read, so nothing piles up ahead of a
 * slow reader; the first failure is thrown to the reader.
 */
export async function* mapConcurrently<T, R>(source: AsyncIterable<T>, concurrency: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const inFlight = new Map<number, Promise<Settled<R>>>();
  let exhausted = false;
  let nextId = 0;
  try {
    for (;;) {
      while (!exhausted && inFlight.size < concurrency) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const id = nextId++;
        // Settled, never rejected: a failure still in flight when the reader stops must not go unhandled.
        inFlight.set(id, fn(next.value).then((value) => ({ id, ok: true, value }), (error: unknown) => ({ id, ok: false, error })));
      }
      if (inFlight.size === 0) return;
      const settled = await Promise.race(inFlight.values());
      inFlight.delete(settled.id);
      if (!settled.ok) throw settled.error;
      yield settled.value;
    }
  } finally {
    await iterator.return?.();
  }
}

/** The decoded answer of {@link WorkflowClient.count}. */
export async function countWorkflows(context: Omit<ListContext, 'fetchHistory'>, query: string | undefined): Promise<CountWorkflowExecution> {
  let response: proto.temporal.api.workflowservice.v1.ICountWorkflowExecutionsResponse;
  try {
    response = await context.workflowService.countWorkflowExecutions({ namespace: context.namespace, query });
  } catch (err) {
    rethrowGrpcError(err, 'Failed to count workflows');
  }
  return {
    count: int64ToNumber(response.count),
    groups: (response.groups ?? []).map((group) => ({
      count: int64ToNumber(group.count),
      // Group values are search attribute values, decoded the untyped way as the official SDK does.
      groupValues: (group.groupValues ?? []).map((value) => decodeUntypedValues(value) as SearchAttributeValue),
    })),
  };
}

/** Counts past 2^53 lose precision, as in the official SDK. */
function int64ToNumber(value: Long | number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return Long.isLong(value) ? value.toNumber() : value;
}
