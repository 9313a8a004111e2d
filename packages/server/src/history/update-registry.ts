/**
 * Where admitted updates wait for a worker (history/updates.ts), one interface, two homes:
 *
 * - one process (`MemoryUpdateRegistry`): in memory, as Temporal keeps them. Nothing is
 *   written until the worker accepts, a rejection leaves no trace, and admitted updates are
 *   lost with the process (the client repeats its request).
 * - several nodes on one database (`RunStateUpdateRegistry`): in the run's mutable state
 *   (`admittedUpdates`), committed with the admission. The node that starts the run's next
 *   workflow task reads that state under the version check that fences every write, so the
 *   task carries the update whichever node admitted it, and the worker's answer is checked
 *   against it on whichever node the worker completes. A rejection stays in the state for a
 *   while: the caller's node is woken by the run's change message and reads it there.
 */
import { temporal, type IFailure, type proto } from '../common/proto.js';
import type { AdmittedUpdateRecord, ExecutionState, WorkflowTaskState } from './mutable-state.js';
import type { ExecutionStore } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';

type IRequest = proto.temporal.api.update.v1.IRequest;

/** How long a rejection stays in the run's state for callers on other nodes to read. */
export const REJECTED_UPDATE_KEPT_MS = 60_000;
/** At most this many rejections are kept per run (the oldest go first). */
export const REJECTED_UPDATES_KEPT_MAX = 100;

/** An update admitted and not yet accepted. */
export interface AdmittedUpdate {
  updateId: string;
  /** '' while an update-with-start waits for its run (memory only): it goes with that run's first task. */
  runId: string;
  request: IRequest;
  /** The workflow task that carried it last. */
  sentIn: { scheduledEventId: number; attempt: number } | null;
  /** Set when it was rejected: the caller's outcome. */
  rejection: IFailure | null;
}

export interface UpdateRegistry {
  /** The admission of `updateId` for `s`'s workflow (its run may be another, or '' for an unbound update-with-start). */
  get(s: ExecutionState, updateId: string): AdmittedUpdate | undefined;
  /** Updates waiting for `s`'s worker, not rejected (an unbound update-with-start goes with a run's first task). */
  pendingFor(s: ExecutionState): AdmittedUpdate[];
  /** Admit `update` to the run of `tx` (memory: at once; `discard` takes it back when the change fails). */
  add(tx: ExecutionTx, update: AdmittedUpdate): void;
  /** Forget an admission that will never reach a worker (its change failed, or its run closed). */
  discard(s: ExecutionState, updateId: string): void;
  /** The workflow task `wt` of `tx`'s run carries `update`. */
  markSent(tx: ExecutionTx, update: AdmittedUpdate, wt: WorkflowTaskState): void;
  /**
   * The worker accepted the update (`rejection` null) or rejected it. Answers what to do once
   * the change is committed (memory), or null when the change itself holds it (run state).
   */
  settle(tx: ExecutionTx, updateId: string, rejection: IFailure | null): (() => void) | null;
  /** Wake this process's callers waiting on `workflowId`'s updates. */
  notify(namespaceId: string, workflowId: string): void;
  /** Resolves at the next `notify` for this workflow id, or when `signal` aborts. */
  nextChange(namespaceId: string, workflowId: string, signal: AbortSignal): Promise<void>;
}

/** Callers of this process waiting on a change to a workflow's updates. */
class ChangeListeners {
  private readonly listeners = new Map<string, Set<() => void>>();

  notify(namespaceId: string, workflowId: string): void {
    for (const listener of [...(this.listeners.get(key(namespaceId, workflowId)) ?? [])]) listener();
  }

  nextChange(namespaceId: string, workflowId: string, signal: AbortSignal): Promise<void> {
    const k = key(namespaceId, workflowId);
    return new Promise((resolve) => {
      let set = this.listeners.get(k);
      if (!set) this.listeners.set(k, (set = new Set()));
      const done = () => {
        set.delete(done);
        if (set.size === 0) this.listeners.delete(k);
        signal.removeEventListener('abort', done);
        resolve();
      };
      if (signal.aborted) return done();
      set.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** Admitted updates per workflow id, in this process's memory. */
export class MemoryUpdateRegistry extends ChangeListeners implements UpdateRegistry {
  private readonly byWorkflow = new Map<string, Map<string, AdmittedUpdate>>();

  get(s: Pick<ExecutionState, 'namespaceId' | 'workflowId'>, updateId: string): AdmittedUpdate | undefined {
    return this.byWorkflow.get(key(s.namespaceId, s.workflowId))?.get(updateId);
  }

  pendingFor(s: ExecutionState): AdmittedUpdate[] {
    const updates = this.byWorkflow.get(key(s.namespaceId, s.workflowId));
    if (!updates) return [];
    const firstTask = s.lastCompletedWorkflowTaskStartedEventId === 0;
    return [...updates.values()].filter((u) => !u.rejection && (u.runId === s.runId || (u.runId === '' && firstTask)));
  }

  add(tx: ExecutionTx, update: AdmittedUpdate): void {
    this.addTo(tx.state, update);
  }

  /** Admit to a workflow id before its run exists (update-with-start). */
  addTo(s: Pick<ExecutionState, 'namespaceId' | 'workflowId'>, update: AdmittedUpdate): void {
    const k = key(s.namespaceId, s.workflowId);
    let updates = this.byWorkflow.get(k);
    if (!updates) this.byWorkflow.set(k, (updates = new Map<string, AdmittedUpdate>()));
    updates.set(update.updateId, update);
  }

  discard(s: Pick<ExecutionState, 'namespaceId' | 'workflowId'>, updateId: string): void {
    const k = key(s.namespaceId, s.workflowId);
    const updates = this.byWorkflow.get(k);
    updates?.delete(updateId);
    if (updates?.size === 0) this.byWorkflow.delete(k);
  }

  markSent(tx: ExecutionTx, update: AdmittedUpdate, wt: WorkflowTaskState): void {
    update.runId = tx.state.runId;
    update.sentIn = { scheduledEventId: wt.scheduledEventId, attempt: wt.attempt };
  }

  settle(tx: ExecutionTx, updateId: string, rejection: IFailure | null): () => void {
    const workflow = { namespaceId: tx.state.namespaceId, workflowId: tx.state.workflowId };
    return () => {
      const admitted = this.get(workflow, updateId);
      if (!admitted) return;
      // Waiting callers hold the entry and read the rejection; a later request with this id starts over.
      if (rejection) admitted.rejection = rejection;
      this.discard(workflow, updateId);
    };
  }
}

/** Admitted updates in the run's state (`admittedUpdates`): seen by every node that reads the run. */
export class RunStateUpdateRegistry extends ChangeListeners implements UpdateRegistry {

  get(s: ExecutionState, updateId: string): AdmittedUpdate | undefined {
    const record = s.admittedUpdates?.[updateId];
    return record && toAdmitted(s.runId, updateId, record);
  }

  pendingFor(s: ExecutionState): AdmittedUpdate[] {
    return Object.entries(s.admittedUpdates ?? {})
      .filter(([, record]) => record.rejection === null)
      .map(([updateId, record]) => toAdmitted(s.runId, updateId, record));
  }

  add(tx: ExecutionTx, update: AdmittedUpdate): void {
    const updates = (tx.state.admittedUpdates ??= {});
    updates[update.updateId] = {
      request: encode(temporal.api.update.v1.Request.encode(update.request).finish()),
      sentIn: null,
      rejection: null,
      rejectedMs: 0,
    };
    forgetOldRejections(tx);
    tx.markDirty();
  }

  /** The change that added it is discarded with its state; a closed run keeps what it had. */
  discard(): void {}

  markSent(tx: ExecutionTx, update: AdmittedUpdate, wt: WorkflowTaskState): void {
    const record = tx.state.admittedUpdates?.[update.updateId];
    if (!record) return;
    record.sentIn = { scheduledEventId: wt.scheduledEventId, attempt: wt.attempt };
    tx.markDirty();
  }

  settle(tx: ExecutionTx, updateId: string, rejection: IFailure | null): null {
    const updates = tx.state.admittedUpdates;
    if (!updates?.[updateId]) return null;
    if (rejection) {
      const failure = encode(temporal.api.failure.v1.Failure.encode(rejection).finish());
      updates[updateId] = { request: '', sentIn: null, rejection: failure, rejectedMs: tx.nowMs };
    } else {
      delete updates[updateId];
    }
    forgetOldRejections(tx);
    tx.markDirty();
    return null;
  }
}

function toAdmitted(runId: string, updateId: string, record: AdmittedUpdateRecord): AdmittedUpdate {
  return {
    updateId,
    runId,
    request: record.request ? temporal.api.update.v1.Request.decode(decode(record.request)) : {},
    sentIn: record.sentIn,
    rejection: record.rejection ? temporal.api.failure.v1.Failure.decode(decode(record.rejection)) : null,
  };
}

/** Rejections older than REJECTED_UPDATE_KEPT_MS, or past REJECTED_UPDATES_KEPT_MAX, leave the state. */
function forgetOldRejections(tx: ExecutionTx): void {
  const updates = tx.state.admittedUpdates;
  if (!updates) return;
  const rejected = Object.entries(updates)
    .filter(([, r]) => r.rejection !== null)
    .sort(([, a], [, b]) => b.rejectedMs - a.rejectedMs);
  for (const [i, [updateId, record]] of rejected.entries()) {
    if (i >= REJECTED_UPDATES_KEPT_MAX || record.rejectedMs < tx.nowMs - REJECTED_UPDATE_KEPT_MS) delete updates[updateId];
  }
  if (Object.keys(updates).length === 0) delete tx.state.admittedUpdates;
}

const encode = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const decode = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

const registries = new WeakMap<ExecutionStore, UpdateRegistry>();

/** The registry of one engine (one per server): in memory unless `keepUpdatesInRunState` chose otherwise. */
export function updateRegistry(es: ExecutionStore): UpdateRegistry {
  let registry = registries.get(es);
  if (!registry) registries.set(es, (registry = new MemoryUpdateRegistry()));
  return registry;
}

/** Several nodes share the database: admitted updates go into the run's state (called once, before serving). */
export function keepUpdatesInRunState(es: ExecutionStore): void {
  registries.set(es, new RunStateUpdateRegistry());
}

function key(namespaceId: string, workflowId: string): string {
  return `${namespaceId}\u0000${workflowId}`;
}
