/**
 * Handlers for an operator's actions on pending activities: PauseActivity,
 * UnpauseActivity, ResetActivity, UpdateActivityOptions (the engine side is
 * history/activity-operations.ts).
 */
import { randomInt } from 'node:crypto';
import { invalidArgument } from '../common/errors.js';
import { proto } from '../common/proto.js';
import { durationMs } from '../common/time.js';
import * as ops from '../history/activity-operations.js';
import type { ActivitySelector } from '../history/activity-operations.js';
import type { ExecutionStore } from '../history/engine.js';
import { optionalId, type RequestTargets } from './validation.js';

import ws = proto.temporal.api.workflowservice.v1;

export interface ActivityOperationDeps extends RequestTargets {
  executions: ExecutionStore;
  idMax: number;
}

export function activityOperationHandlers(deps: ActivityOperationDeps) {
  const { executions, idMax, namespace, executionRef } = deps;

  /** The activities a request names: by id, by type, or (where the request has the flag) all of them. */
  const selector = (
    req: { id?: string | null; type?: string | null },
    all: boolean | null | undefined,
    message: string,
  ): ActivitySelector => {
    if (all) return { all: true };
    if (req.id) return { id: optionalId(req.id, 'id', idMax) };
    if (req.type) return { type: optionalId(req.type, 'type', idMax) };
    throw invalidArgument(`activity is not set: ${message} needs id, type or its match-all flag`);
  };

  return {
    PauseActivity: async (req: ws.IPauseActivityRequest) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.execution, 'execution');
      const selected = selector(req, false, 'PauseActivityRequest');
      await ops.pauseActivities(executions, ref, selected, {
        identity: req.identity ?? '',
        reason: req.reason ?? '',
        requestId: optionalId(req.requestId, 'request_id', idMax),
      });
      return {};
    },

    UnpauseActivity: async (req: ws.IUnpauseActivityRequest) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.execution, 'execution');
      const selected = selector(req, req.unpauseAll, 'UnpauseActivityRequest');
      await ops.unpauseActivities(executions, ref, selected, {
        resetAttempts: !!req.resetAttempts,
        resetHeartbeat: !!req.resetHeartbeat,
        jitterMs: jitter(req.jitter),
      });
      return {};
    },

    ResetActivity: async (req: ws.IResetActivityRequest) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.execution, 'execution');
      const selected = selector(req, req.matchAll, 'ResetActivityRequest');
      await ops.resetActivities(executions, ref, selected, {
        resetHeartbeat: !!req.resetHeartbeat,
        keepPaused: !!req.keepPaused,
        jitterMs: jitter(req.jitter),
        restoreOriginalOptions: !!req.restoreOriginalOptions,
      });
      return {};
    },

    UpdateActivityOptions: async (req: ws.IUpdateActivityOptionsRequest) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.execution, 'execution');
      const selected = selector(req, req.matchAll, 'UpdateActivityOptionsRequest');
      const paths = (req.updateMask?.paths ?? []).map(camelPath);
      if (req.restoreOriginal) {
        if (paths.length > 0) throw invalidArgument('update_mask and restore_original cannot both be set');
        return { activityOptions: await ops.updateActivityOptions(executions, ref, selected, { restoreOriginal: true }) };
      }
      if (!req.activityOptions) throw invalidArgument('activity_options is not set');
      if (paths.length === 0) throw invalidArgument('update_mask is not set');
      const unknown = paths.find((p) => !ops.ACTIVITY_OPTIONS_PATHS.has(p));
      if (unknown !== undefined) throw invalidArgument(`update_mask.paths: ${unknown} is not an activity option that can be updated`);
      const options = await ops.updateActivityOptions(executions, ref, selected, { options: req.activityOptions, paths });
      return { activityOptions: options };
    },
  };
}

/** A draw of Temporal's activity jitter: a random delay below `jitter`, drawn for each activity. */
function jitter(jitter: proto.google.protobuf.IDuration | null | undefined): () => number {
  const ms = durationMs(jitter);
  if (ms < 0) throw invalidArgument('jitter cannot be negative');
  return () => (ms > 0 ? randomInt(ms) : 0);
}

/** `retry_policy.initial_interval` → `retryPolicy.initialInterval`: field masks come in either spelling. */
function camelPath(path: string): string {
  return path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
