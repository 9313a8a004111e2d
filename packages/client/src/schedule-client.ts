/**
 * `ScheduleClient` (`client.schedule`): create Schedules, list them and act on one through a
 * {@link ScheduleHandle}. Each method is one WorkflowService call (update is a describe then an
 * update); the conversions live in schedule-helpers.ts, the public types in schedule-types.ts.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import {
  decodeSearchAttributes,
  decodeTypedSearchAttributes,
  encodeUnifiedSearchAttributes,
  optionalTsToDate,
  optionalTsToMs,
  requiredTsToDate,
  tsToDate,
  type Workflow,
} from '@endure/common';
import proto from '@temporalio/proto';
import { BaseClient, defaultBaseClientOptions, type BaseClientOptions, type LoadedBaseClientOptions } from './base-client.js';
import { isGrpcServiceError, ScheduleAlreadyRunning, ScheduleNotFoundError, ServiceError } from './errors.js';
import { rethrowKnownErrorTypes } from './grpc-errors.js';
import { decodeMapFromPayloads, encodeMapToPayloads } from './payload-codec.js';
import {
  assertRequiredScheduleOptions,
  compileScheduleOptions,
  compileUpdatedScheduleOptions,
  decodeScheduleAction,
  decodeScheduleRecentActions,
  decodeScheduleRunningActions,
  decodeScheduleSpec,
  encodeBackfills,
  encodeScheduleAction,
  encodeSchedulePolicies,
  encodeScheduleSpec,
  encodeScheduleState,
  type KeptActionFields,
} from './schedule-helpers.js';
import {
  decodeScheduleOverlapPolicy,
  encodeScheduleOverlapPolicy,
  ScheduleOverlapPolicy,
  type Backfill,
  type CompiledScheduleOptions,
  type CompiledScheduleUpdateOptions,
  type ScheduleDescription,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSummary,
  type ScheduleUpdateOptions,
} from './schedule-types.js';
import type { WorkflowService } from './types.js';

type DescribeScheduleResponse = proto.temporal.api.workflowservice.v1.IDescribeScheduleResponse;
type UpdateScheduleRequest = proto.temporal.api.workflowservice.v1.IUpdateScheduleRequest;
type SchedulePatch = proto.temporal.api.schedule.v1.ISchedulePatch;
type ScheduleListEntry = proto.temporal.api.schedule.v1.IScheduleListEntry;

/** The notes `pause()` and `unpause()` send without one: the official client's, stray quote included, so both leave the same note. */
const defaultPauseNote = 'Paused via TypeScript SDK"';
const defaultUnpauseNote = 'Unpaused via TypeScript SDK"';
/** What describe reports when the server leaves the catch-up window out (the server's default, one minute). */
const defaultCatchupWindowMs = 60_000;
/** The prefix of the server's message for a spec it rejects; such errors surface as TypeError, as in the official client. */
const invalidSpecPrefix = 'Invalid schedule spec: ';

/**
 * A handle to one Schedule. Getting one makes no call: a missing Schedule shows as
 * {@link ScheduleNotFoundError} from its methods.
 *
 * @example
 * ```ts
 * const handle = client.schedule.getHandle('nightly-billing');
 * await handle.pause('billing system migration');
 * await handle.update((previous) => ({ ...previous, spec: { calendars: [{ hour: 3 }] } }));
 * await handle.unpause();
 * ```
 */
export interface ScheduleHandle {
  /** The Schedule's id. */
  readonly scheduleId: string;
  /** The client the handle calls through. */
  readonly client: ScheduleClient;
  /** The Schedule's definition, state and recent activity. */
  describe(): Promise<ScheduleDescription>;
  /**
   * Replaces the Schedule's definition with what `updateFn` returns from the current one. The
   * update carries the conflict token of the description read, so it fails (FAILED_PRECONDITION,
   * as a {@link ServiceError}) if the Schedule changed in between rather than overwriting that
   * change. The action's headers and priority (which the options cannot express) are kept.
   */
  update<W extends Workflow = Workflow>(
    updateFn: (previous: ScheduleDescription) => ScheduleUpdateOptions<ScheduleOptionsStartWorkflowAction<W>>,
  ): Promise<void>;
  /** Deletes the Schedule; Workflows it started keep running. */
  delete(): Promise<void>;
  /** Takes one Action now. @param overlap policy for this Action; @default ALLOW_ALL */
  trigger(overlap?: ScheduleOverlapPolicy): Promise<void>;
  /** Takes the Actions of past time ranges now, as if that time passed. */
  backfill(options: Backfill | Backfill[]): Promise<void>;
  /** Stops taking Actions. @param note why; @default 'Paused via TypeScript SDK"' */
  pause(note?: string): Promise<void>;
  /** Resumes taking Actions. @param note why; @default 'Unpaused via TypeScript SDK"' */
  unpause(note?: string): Promise<void>;
}

/** Options for {@link ScheduleClient}. */
export type ScheduleClientOptions = BaseClientOptions;

/** {@link ScheduleClientOptions} after defaults are applied. */
export type LoadedScheduleClientOptions = LoadedBaseClientOptions;

/** Options for {@link ScheduleClient.list}. */
export interface ListScheduleOptions {
  /** Schedules per page (per ListSchedules call). @default the server's, 1000 */
  pageSize?: number;
  /** A visibility query on the Schedules' search attributes. @default every Schedule of the namespace */
  query?: string;
}

/**
 * Creates and lists Schedules. Usually reached as `client.schedule`.
 *
 * @example
 * ```ts
 * const handle = await client.schedule.create({
 *   scheduleId: 'nightly-billing',
 *   spec: { cronExpressions: ['0 2 * * *'], timezone: 'Europe/Paris' },
 *   action: { type: 'startWorkflow', workflowType: billingRun, taskQueue: 'billing', args: [{ dryRun: false }] },
 * });
 * for await (const schedule of client.schedule.list()) console.log(schedule.scheduleId, schedule.info.nextActionTimes);
 * ```
 */
export class ScheduleClient extends BaseClient {
  readonly options: LoadedScheduleClientOptions;

  constructor(options?: ScheduleClientOptions) {
    super(options);
    this.options = {
      ...defaultBaseClientOptions(),
      ...Object.fromEntries(
        Object.entries({ identity: options?.identity, namespace: options?.namespace }).filter(([, v]) => v !== undefined),
      ),
      dataConverter: this.dataConverter,
      loadedDataConverter: this.dataConverter,
    };
  }

  /** Raw access to the WorkflowService (which holds the schedule RPCs). The client's namespace is not added to requests made through it. */
  get workflowService(): WorkflowService {
    return this.connection.workflowService;
  }

  /**
   * Creates a Schedule and returns a handle to it.
   *
   * @throws {@link ScheduleAlreadyRunning} if a Schedule with the id exists.
   * @throws TypeError for a missing id, task queue or workflow type, or a spec the server rejects.
   */
  async create<W extends Workflow = Workflow>(
    options: ScheduleOptions<ScheduleOptionsStartWorkflowAction<W>>,
  ): Promise<ScheduleHandle> {
    assertRequiredScheduleOptions(options, 'CREATE');
    const compiled = compileScheduleOptions(options);
    const request = await this.createScheduleRequest(compiled);
    try {
      await this.workflowService.createSchedule(request);
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === status.ALREADY_EXISTS) {
        throw new ScheduleAlreadyRunning('Schedule already exists and is running', compiled.scheduleId);
      }
      this.rethrowGrpcError(err, 'Failed to create schedule', compiled.scheduleId);
    }
    return this.getHandle(compiled.scheduleId);
  }

  /**
   * The Schedules of the namespace, read page by page as they are iterated. Listing is
   * eventually consistent.
   */
  async *list(options?: ListScheduleOptions): AsyncIterable<ScheduleSummary> {
    let nextPageToken: Uint8Array | undefined;
    for (;;) {
      let response: proto.temporal.api.workflowservice.v1.ListSchedulesResponse;
      try {
        response = await this.workflowService.listSchedules({
          nextPageToken,
          namespace: this.options.namespace,
          maximumPageSize: options?.pageSize,
          query: options?.query,
        });
      } catch (err) {
        this.rethrowGrpcError(err, 'Failed to list schedules', undefined);
      }
      for (const entry of response.schedules) yield await this.decodeListEntry(entry);
      if (response.nextPageToken === null || response.nextPageToken.length === 0) break;
      nextPageToken = response.nextPageToken;
    }
  }

  /** A handle to Schedule `scheduleId`; no call is made (see {@link ScheduleHandle}). */
  getHandle(scheduleId: string): ScheduleHandle {
    // Arrow functions rather than a class of their own: they reach the client's protected calls.
    return {
      client: this,
      scheduleId,
      describe: async () => this.describeSchedule(scheduleId, await this.fetchDescription(scheduleId)),
      update: async (updateFn) => {
        const current = await this.describeSchedule(scheduleId, await this.fetchDescription(scheduleId));
        const currentStart = current.raw.schedule?.action?.startWorkflow;
        const kept = { headers: currentStart?.header?.fields ?? {}, priority: currentStart?.priority };
        const updated = updateFn(current) as ScheduleUpdateOptions;
        assertRequiredScheduleOptions(updated, 'UPDATE');
        const compiled = compileUpdatedScheduleOptions(scheduleId, updated);
        const request = await this.updateScheduleRequest(scheduleId, compiled, kept, current.raw.conflictToken);
        await this.call('Failed to update schedule', scheduleId, () => this.workflowService.updateSchedule(request));
      },
      delete: async () => {
        const request = { namespace: this.options.namespace, identity: this.options.identity, scheduleId };
        await this.call('Failed to delete schedule', scheduleId, () => this.workflowService.deleteSchedule(request));
      },
      trigger: async (overlap) => {
        // A trigger is an explicit request for one more run: unless told otherwise it runs beside any running one.
        const overlapPolicy = overlap
          ? encodeScheduleOverlapPolicy(overlap)
          : proto.temporal.api.enums.v1.ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL;
        await this.patch(scheduleId, { triggerImmediately: { overlapPolicy } });
      },
      backfill: async (options) => {
        await this.patch(scheduleId, { backfillRequest: encodeBackfills(Array.isArray(options) ? options : [options]) });
      },
      pause: async (note) => this.patch(scheduleId, { pause: note ?? defaultPauseNote }),
      unpause: async (note) => this.patch(scheduleId, { unpause: note ?? defaultUnpauseNote }),
    };
  }

  /** The CreateSchedule request: the schedule, memo, search attributes and the initial trigger or backfills. */
  protected async createScheduleRequest(
    options: CompiledScheduleOptions,
  ): Promise<proto.temporal.api.workflowservice.v1.ICreateScheduleRequest> {
    const { dataConverter } = this;
    return {
      namespace: this.options.namespace,
      identity: this.options.identity,
      requestId: randomUUID(),
      scheduleId: options.scheduleId,
      schedule: {
        spec: encodeScheduleSpec(options.spec),
        action: await encodeScheduleAction(dataConverter, options.action, { headers: {} }),
        policies: encodeSchedulePolicies(options.policies),
        state: encodeScheduleState(options.state),
      },
      memo: options.memo ? { fields: await encodeMapToPayloads(dataConverter, options.memo) } : undefined,
      searchAttributes:
        options.searchAttributes || options.typedSearchAttributes
          ? { indexedFields: encodeUnifiedSearchAttributes(options.searchAttributes, options.typedSearchAttributes) }
          : undefined,
      initialPatch: {
        triggerImmediately: options.state?.triggerImmediately
          ? { overlapPolicy: proto.temporal.api.enums.v1.ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL }
          : undefined,
        backfillRequest: options.state?.backfill ? encodeBackfills(options.state.backfill) : undefined,
      },
    };
  }

  /**
   * The UpdateSchedule request. Unlike the official TypeScript client (which sends none), it
   * carries the conflict token of the description the update was computed from, as the Go SDK
   * does: a concurrent change fails the update instead of being silently overwritten.
   */
  protected async updateScheduleRequest(
    scheduleId: string,
    options: CompiledScheduleUpdateOptions,
    kept: KeptActionFields,
    conflictToken: Uint8Array | null | undefined,
  ): Promise<UpdateScheduleRequest> {
    return {
      namespace: this.options.namespace,
      scheduleId,
      schedule: {
        spec: encodeScheduleSpec(options.spec),
        action: await encodeScheduleAction(this.dataConverter, options.action, kept),
        policies: encodeSchedulePolicies(options.policies),
        state: encodeScheduleState(options.state),
      },
      conflictToken: conflictToken && conflictToken.length > 0 ? conflictToken : undefined,
      identity: this.options.identity,
      requestId: randomUUID(),
      searchAttributes:
        options.searchAttributes || options.typedSearchAttributes
          ? { indexedFields: encodeUnifiedSearchAttributes(options.searchAttributes, options.typedSearchAttributes) }
          : undefined,
    };
  }

  /** DescribeSchedule as received. */
  protected async fetchDescription(scheduleId: string): Promise<DescribeScheduleResponse> {
    const request = { namespace: this.options.namespace, scheduleId };
    return this.call('Failed to describe schedule', scheduleId, () => this.workflowService.describeSchedule(request));
  }

  /** A DescribeSchedule response decoded into a {@link ScheduleDescription}. */
  protected async describeSchedule(scheduleId: string, raw: DescribeScheduleResponse): Promise<ScheduleDescription> {
    const { schedule, info } = raw;
    if (!schedule?.spec || !schedule.action) throw new Error('Received invalid Schedule description from server');
    return {
      scheduleId,
      spec: decodeScheduleSpec(schedule.spec),
      action: await decodeScheduleAction(this.dataConverter, schedule.action),
      memo: await decodeMapFromPayloads(this.dataConverter, raw.memo?.fields),
      searchAttributes: decodeSearchAttributes(raw.searchAttributes?.indexedFields),
      typedSearchAttributes: decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields),
      policies: {
        // The server fills in UNSPECIFIED; SKIP is its default should one not.
        overlap: decodeScheduleOverlapPolicy(schedule.policies?.overlapPolicy) ?? ScheduleOverlapPolicy.SKIP,
        catchupWindow: optionalTsToMs(schedule.policies?.catchupWindow) ?? defaultCatchupWindowMs,
        pauseOnFailure: schedule.policies?.pauseOnFailure === true,
      },
      state: {
        paused: schedule.state?.paused === true,
        note: schedule.state?.notes ?? undefined,
        remainingActions: schedule.state?.limitedActions ? schedule.state.remainingActions?.toNumber() || 0 : undefined,
      },
      info: {
        recentActions: decodeScheduleRecentActions(info?.recentActions),
        nextActionTimes: info?.futureActionTimes?.map(tsToDate) ?? [],
        createdAt: requiredTsToDate(info?.createTime, 'createTime'),
        lastUpdatedAt: optionalTsToDate(info?.updateTime),
        runningActions: decodeScheduleRunningActions(info?.runningWorkflows),
        numActionsMissedCatchupWindow: info?.missedCatchupWindow?.toNumber() ?? 0,
        numActionsSkippedOverlap: info?.overlapSkipped?.toNumber() ?? 0,
        numActionsTaken: info?.actionCount?.toNumber() ?? 0,
      },
      raw,
    };
  }

  /** One entry of ListSchedules as a {@link ScheduleSummary}. */
  protected async decodeListEntry(entry: ScheduleListEntry): Promise<ScheduleSummary> {
    const { info } = entry;
    return {
      scheduleId: entry.scheduleId ?? '',
      spec: decodeScheduleSpec(info?.spec ?? {}),
      action: info?.workflowType ? { type: 'startWorkflow', workflowType: info.workflowType.name ?? '' } : undefined,
      memo: await decodeMapFromPayloads(this.dataConverter, entry.memo?.fields),
      searchAttributes: decodeSearchAttributes(entry.searchAttributes?.indexedFields),
      typedSearchAttributes: decodeTypedSearchAttributes(entry.searchAttributes?.indexedFields),
      state: { paused: info?.paused === true, note: info?.notes ?? undefined },
      info: {
        recentActions: decodeScheduleRecentActions(info?.recentActions),
        nextActionTimes: info?.futureActionTimes?.map(tsToDate) ?? [],
      },
    };
  }

  /** One PatchSchedule call. */
  protected async patch(scheduleId: string, patch: SchedulePatch): Promise<void> {
    const request = {
      namespace: this.options.namespace,
      scheduleId,
      identity: this.options.identity,
      requestId: randomUUID(),
      patch,
    };
    await this.call('Failed to patch schedule', scheduleId, () => this.workflowService.patchSchedule(request));
  }

  /** Runs one call, its failure translated by {@link rethrowGrpcError}. */
  protected async call<T>(fallbackMessage: string, scheduleId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.rethrowGrpcError(err, fallbackMessage, scheduleId);
    }
  }

  /**
   * The typed error for a failed call: an unknown namespace, NOT_FOUND as
   * {@link ScheduleNotFoundError}, a spec the server rejects as TypeError (its message without
   * the prefix), anything else as {@link ServiceError} with the gRPC error as cause.
   */
  protected rethrowGrpcError(err: unknown, fallbackMessage: string, scheduleId?: string): never {
    if (isGrpcServiceError(err)) {
      rethrowKnownErrorTypes(err);
      if (err.code === status.NOT_FOUND) {
        throw new ScheduleNotFoundError(err.details || 'Schedule not found', scheduleId ?? '');
      }
      if (err.code === status.INVALID_ARGUMENT && err.details.startsWith(invalidSpecPrefix)) {
        throw new TypeError(err.details.slice(invalidSpecPrefix.length));
      }
      throw new ServiceError(fallbackMessage, { cause: err });
    }
    throw new ServiceError('Unexpected error while making gRPC request', {
      cause: err instanceof Error ? err : new Error(String(err)),
    });
  }
}
