/**
 * Options shared by every way of starting a Workflow (Client start, Child Workflow, continue-as-new)
 * and the Workflow Id reuse / conflict policies with their proto mappings.
 */
import type { temporal } from '@temporalio/proto';
import { makeProtoEnumConverters } from './enum-helpers.js';
import type { SearchAttributes, Workflow } from './interfaces.js';
import type { RetryPolicy } from './retry-policy.js';
import type { Duration } from './time.js';
import type { SearchAttributePair, TypedSearchAttributes } from './typed-search-attributes.js';

/**
 * Whether a Workflow may start with the Id of a *closed* Workflow.
 *
 * @example
 * ```ts
 * await client.workflow.start(wf, { workflowId, taskQueue, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
 * ```
 */
export const WorkflowIdReusePolicy = {
  /** Allowed whatever the previous Workflow's outcome. The default. */
  ALLOW_DUPLICATE: 'ALLOW_DUPLICATE',
  /** Allowed only if the previous Workflow failed, was cancelled, terminated or timed out. */
  ALLOW_DUPLICATE_FAILED_ONLY: 'ALLOW_DUPLICATE_FAILED_ONLY',
  /** Never allowed. */
  REJECT_DUPLICATE: 'REJECT_DUPLICATE',
  /**
   * Terminate a running Workflow with the same Id and start.
   * @deprecated Use `workflowIdConflictPolicy: 'TERMINATE_EXISTING'`.
   */
  TERMINATE_IF_RUNNING: 'TERMINATE_IF_RUNNING',
  /** @deprecated Leave the option `undefined`. */
  WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED: undefined,
  /** @deprecated Use {@link WorkflowIdReusePolicy.ALLOW_DUPLICATE}. */
  WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE: 'ALLOW_DUPLICATE',
  /** @deprecated Use {@link WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY}. */
  WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY: 'ALLOW_DUPLICATE_FAILED_ONLY',
  /** @deprecated Use {@link WorkflowIdReusePolicy.REJECT_DUPLICATE}. */
  WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE: 'REJECT_DUPLICATE',
  /** @deprecated Use `workflowIdConflictPolicy: 'TERMINATE_EXISTING'`. */
  WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING: 'TERMINATE_IF_RUNNING',
} as const;
/** See the {@link WorkflowIdReusePolicy} values. */
export type WorkflowIdReusePolicy = (typeof WorkflowIdReusePolicy)[keyof typeof WorkflowIdReusePolicy];

const reusePolicyConverters = makeProtoEnumConverters<
  temporal.api.enums.v1.WorkflowIdReusePolicy,
  NonNullable<WorkflowIdReusePolicy>,
  'WORKFLOW_ID_REUSE_POLICY_'
>(
  { ALLOW_DUPLICATE: 1, ALLOW_DUPLICATE_FAILED_ONLY: 2, REJECT_DUPLICATE: 3, TERMINATE_IF_RUNNING: 4, UNSPECIFIED: 0 },
  'WORKFLOW_ID_REUSE_POLICY_',
);

/**
 * {@link WorkflowIdReusePolicy} to the proto enum number.
 *
 * @example
 * ```ts
 * encodeWorkflowIdReusePolicy('REJECT_DUPLICATE'); // 3
 * ```
 */
export const encodeWorkflowIdReusePolicy = reusePolicyConverters[0];

/**
 * Proto enum number to {@link WorkflowIdReusePolicy} (`0` becomes `undefined`).
 *
 * @example
 * ```ts
 * decodeWorkflowIdReusePolicy(1); // 'ALLOW_DUPLICATE'
 * ```
 */
export const decodeWorkflowIdReusePolicy = reusePolicyConverters[1];

/**
 * What happens when starting a Workflow whose Id belongs to a *running* Workflow.
 *
 * @example
 * ```ts
 * await client.workflow.start(wf, { workflowId, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
 * ```
 */
export const WorkflowIdConflictPolicy = {
  /** Do not start; throw `WorkflowExecutionAlreadyStartedError`. The default. */
  FAIL: 'FAIL',
  /** Do not start; return a handle to the running Workflow. */
  USE_EXISTING: 'USE_EXISTING',
  /** Terminate the running Workflow, then start. */
  TERMINATE_EXISTING: 'TERMINATE_EXISTING',
} as const;
/** See the {@link WorkflowIdConflictPolicy} values. */
export type WorkflowIdConflictPolicy = (typeof WorkflowIdConflictPolicy)[keyof typeof WorkflowIdConflictPolicy];

const conflictPolicyConverters = makeProtoEnumConverters<
  temporal.api.enums.v1.WorkflowIdConflictPolicy,
  WorkflowIdConflictPolicy,
  'WORKFLOW_ID_CONFLICT_POLICY_'
>({ FAIL: 1, USE_EXISTING: 2, TERMINATE_EXISTING: 3, UNSPECIFIED: 0 }, 'WORKFLOW_ID_CONFLICT_POLICY_');

/**
 * {@link WorkflowIdConflictPolicy} to the proto enum number.
 *
 * @example
 * ```ts
 * encodeWorkflowIdConflictPolicy('USE_EXISTING'); // 2
 * ```
 */
export const encodeWorkflowIdConflictPolicy = conflictPolicyConverters[0];

/**
 * Proto enum number to {@link WorkflowIdConflictPolicy} (`0` becomes `undefined`).
 *
 * @example
 * ```ts
 * decodeWorkflowIdConflictPolicy(3); // 'TERMINATE_EXISTING'
 * ```
 */
export const decodeWorkflowIdConflictPolicy = conflictPolicyConverters[1];

/**
 * Options of every Workflow start, without durations.
 *
 * @example
 * ```ts
 * const base: BaseWorkflowOptions = { workflowId: 'order-42', retry: { maximumAttempts: 3 } };
 * ```
 */
export interface BaseWorkflowOptions {
  /**
   * The Workflow Id, unique among running Workflows of the namespace. Required when starting
   * from a Client; generated for Child Workflows when omitted.
   */
  workflowId?: string;
  /** Task Queue to schedule the Workflow on; a Child defaults to its parent's. Required from a Client. */
  taskQueue?: string;
  /** Whether the Id of a closed Workflow may be reused. @default 'ALLOW_DUPLICATE' */
  workflowIdReusePolicy?: WorkflowIdReusePolicy;
  /** What to do if a Workflow with this Id is running. @default 'FAIL' */
  workflowIdConflictPolicy?: WorkflowIdConflictPolicy;
  /** Retry policy of the whole Workflow Execution; by default Workflows are not retried. */
  retry?: RetryPolicy;
  /** A cron schedule (e.g. `'0 * * * *'`) to run the Workflow on. */
  cronSchedule?: string;
  /** Non-indexed information shown when listing or describing the Workflow. */
  memo?: Record<string, unknown>;
  /**
   * Indexed attributes for listing and filtering Workflows.
   *
   * @deprecated Use {@link typedSearchAttributes}.
   */
  searchAttributes?: SearchAttributes;
  /**
   * Indexed attributes for listing and filtering Workflows, with their types. Where a name is
   * also in {@link searchAttributes}, this value wins. Not passed through the payload codec: do
   * not put secrets here.
   */
  typedSearchAttributes?: SearchAttributePair[] | TypedSearchAttributes;
  /** A single-line summary for UIs. @experimental */
  staticSummary?: string;
  /** Longer details for UIs. @experimental */
  staticDetails?: string;
}

/**
 * Timeouts of a Workflow Execution.
 *
 * @example
 * ```ts
 * const timeouts: WorkflowDurationOptions = { workflowRunTimeout: '1 day' };
 * ```
 */
export interface WorkflowDurationOptions {
  /** Maximum time of a single run. @default unlimited */
  workflowRunTimeout?: Duration;
  /** Maximum time of the whole execution, retries and continue-as-new included. @default unlimited */
  workflowExecutionTimeout?: Duration;
  /** Maximum time of one Workflow Task; rarely worth changing. @default 10 seconds */
  workflowTaskTimeout?: Duration;
}

/**
 * {@link BaseWorkflowOptions} and {@link WorkflowDurationOptions} together.
 *
 * @example
 * ```ts
 * const options: CommonWorkflowOptions = { workflowId: 'order-42', workflowRunTimeout: '1h' };
 * ```
 */
export type CommonWorkflowOptions = BaseWorkflowOptions & WorkflowDurationOptions;

/**
 * `T` plus the Workflow's `args`, required when the Workflow has parameters.
 *
 * @example
 * ```ts
 * type StartOptions = WithWorkflowArgs<typeof greet, CommonWorkflowOptions>; // { args: [string], ... }
 * ```
 */
export type WithWorkflowArgs<W extends Workflow, T> = T &
  (Parameters<W> extends [unknown, ...unknown[]]
    ? { /** Arguments passed to the Workflow. */ args: Parameters<W> | Readonly<Parameters<W>> }
    : { /** Arguments passed to the Workflow. */ args?: Parameters<W> | Readonly<Parameters<W>> });

/**
 * The Workflow type name of a Workflow function or name.
 *
 * @throws TypeError for anything but a string or a named function.
 * @example
 * ```ts
 * extractWorkflowType(greet); // 'greet'
 * ```
 */
export function extractWorkflowType<T extends Workflow>(workflowTypeOrFunc: string | T): string {
  if (typeof workflowTypeOrFunc === 'string') return workflowTypeOrFunc;
  if (typeof workflowTypeOrFunc === 'function' && workflowTypeOrFunc.name) return workflowTypeOrFunc.name;
  throw new TypeError(
    `Invalid workflow type: expected either a string or a named function, got '${typeof workflowTypeOrFunc}'`,
  );
}
