/**
 * Shared shapes of the programming model: payloads, headers, Workflow and Activity function types,
 * and the Signal / Query / Update definition types that carry argument and result types.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- `any[]` parameters are what make a user's
   `(name: string) => Promise<number>` assignable to the generic Workflow / Activity types. */
import type { temporal } from '@temporalio/proto';

/**
 * A serialized value: `metadata` (at least `encoding`) plus `data` bytes.
 *
 * @example
 * ```ts
 * const p: Payload = defaultPayloadConverter.toPayload({ hello: 'world' });
 * ```
 */
export type Payload = temporal.api.common.v1.IPayload;

/**
 * Headers propagated with Workflow, Activity, Signal, Query and Update calls, one payload per key.
 *
 * @example
 * ```ts
 * const headers: Headers = { tracing: defaultPayloadConverter.toPayload({ traceId: 'abc' }) };
 * ```
 */
export type Headers = Record<string, Payload>;

/**
 * One listed Workflow's history, as `client.workflow.list().intoHistories()` yields it (e.g. for
 * a batch replay).
 *
 * @example
 * ```ts
 * for await (const { workflowId, history } of client.workflow.list({ query }).intoHistories()) console.log(workflowId);
 * ```
 */
export interface HistoryAndWorkflowId {
  workflowId: string;
  // `unknown` too, as in the official SDK: a custom history source may yield its own shape.
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
  history: temporal.api.history.v1.History | unknown | undefined;
}

/**
 * Identifies one Workflow Execution; without `runId`, the latest run of `workflowId`.
 *
 * @example
 * ```ts
 * const execution: WorkflowExecution = { workflowId: 'order-42' };
 * ```
 */
export interface WorkflowExecution {
  /** The Workflow Id chosen when starting it. */
  workflowId: string;
  /** The server-assigned run Id; omitted to mean the latest run. */
  runId?: string;
}

/** What a Workflow function returns. */
export type WorkflowReturnType = Promise<any>;

/**
 * A Workflow function: any async function.
 *
 * @example
 * ```ts
 * export async function greet(name: string): Promise<string> { return `Hello, ${name}`; }
 * const w: Workflow = greet;
 * ```
 */
export type Workflow = (...args: any[]) => WorkflowReturnType;

/**
 * The resolved result type of a Workflow function.
 *
 * @example
 * ```ts
 * type R = WorkflowResultType<typeof greet>; // string
 * ```
 */
export type WorkflowResultType<W extends Workflow> = ReturnType<W> extends Promise<infer R> ? R : never;

/** Type of a Signal handler. */
export type WorkflowSignalType = (...args: any[]) => Promise<void> | void;
/** Type of a Query handler. */
export type WorkflowQueryType = (...args: any[]) => any;
/** Type of an Update handler. */
export type WorkflowUpdateType = (...args: any[]) => any;
/** Type of an Update validator: throws to reject the Update. */
export type WorkflowUpdateValidatorType = (...args: any[]) => void;

declare const argsBrand: unique symbol;
declare const retBrand: unique symbol;

/**
 * A Signal definition: its name, typed with the handler's arguments. Create with `defineSignal`.
 *
 * @example
 * ```ts
 * const approve: SignalDefinition<[string], 'approve'> = defineSignal<[string], 'approve'>('approve');
 * ```
 */
export interface SignalDefinition<Args extends any[] = [], Name extends string = string> {
  type: 'signal';
  name: Name;
  /** Compile-time only: the handler's argument types. */
  [argsBrand]: Args;
}

/**
 * A Query definition: its name, typed with the handler's arguments and result. Create with
 * `defineQuery`.
 *
 * @example
 * ```ts
 * const status: QueryDefinition<string> = defineQuery<string>('status');
 * ```
 */
export interface QueryDefinition<Ret, Args extends any[] = [], Name extends string = string> {
  type: 'query';
  name: Name;
  /** Compile-time only: the handler's argument types. */
  [argsBrand]: Args;
  /** Compile-time only: the handler's result type. */
  [retBrand]: Ret;
}

/**
 * An Update definition: its name, typed with the handler's arguments and result. Create with
 * `defineUpdate`.
 *
 * @example
 * ```ts
 * const setLimit: UpdateDefinition<number, [number]> = defineUpdate<number, [number]>('setLimit');
 * ```
 */
export interface UpdateDefinition<Ret, Args extends any[] = [], Name extends string = string> {
  type: 'update';
  name: Name;
  /** Compile-time only: the handler's argument types. */
  [argsBrand]: Args;
  /** Compile-time only: the handler's result type. */
  [retBrand]: Ret;
}

/**
 * An Activity function: any async function.
 *
 * @example
 * ```ts
 * const charge: ActivityFunction<[string, number], void> = async (customer, cents) => { ... };
 * ```
 */
export interface ActivityFunction<P extends any[] = any[], R = any> {
  (...args: P): Promise<R>;
}

/**
 * A record of Activity functions by name.
 *
 * @example
 * ```ts
 * const acts = proxyActivities<ActivityInterface>({ startToCloseTimeout: '1m' });
 * ```
 */
export type ActivityInterface = Record<string, ActivityFunction>;

/**
 * Activities whose names and types are not known statically.
 *
 * @example
 * ```ts
 * const { anything } = proxyActivities<UntypedActivities>({ startToCloseTimeout: '1m' });
 * ```
 */
export type UntypedActivities = Record<string, ActivityFunction>;

/**
 * What to do with a Signal or Update handler still running when the Workflow completes.
 *
 * @example
 * ```ts
 * setHandler(mySignal, handler, { unfinishedPolicy: HandlerUnfinishedPolicy.ABANDON });
 * ```
 */
export const HandlerUnfinishedPolicy = {
  /** Log a warning and abandon the handler (the default). */
  WARN_AND_ABANDON: 'WARN_AND_ABANDON',
  /** Abandon the handler silently. */
  ABANDON: 'ABANDON',
} as const;
/** See the {@link HandlerUnfinishedPolicy} values. */
export type HandlerUnfinishedPolicy = (typeof HandlerUnfinishedPolicy)[keyof typeof HandlerUnfinishedPolicy];

/**
 * A value of an (untyped) Search Attribute: always an array.
 *
 * @example
 * ```ts
 * const v: SearchAttributeValue = ['gold'];
 * ```
 */
export type SearchAttributeValue = string[] | number[] | boolean[] | Date[];

/**
 * Search Attributes by name, as set on Workflow start or upsert.
 *
 * @deprecated Use {@link TypedSearchAttributes}.
 *
 * @example
 * ```ts
 * const searchAttributes: SearchAttributes = { CustomKeywordField: ['gold'], CustomIntField: [3] };
 * ```
 */
export type SearchAttributes = Record<string, SearchAttributeValue | Readonly<SearchAttributeValue> | undefined>;
