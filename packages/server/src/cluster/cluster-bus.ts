/**
 * What the nodes of a cluster tell each other. Every message is a hint sent after the
 * commit it describes: the database holds the truth, a node that acts on a message checks
 * it there (the execution version, a claimed row), and a node that may have missed
 * messages (its listening connection dropped) resynchronises from the database. One
 * process alone uses `LocalBus`, which sends nothing.
 */
import type { TaskQueueTask } from '../persistence/store.js';

export type ClusterMessage =
  /** Tasks waiting for a poller that the sending node had none for. */
  | { t: 'tasks'; tasks: TaskQueueTask[] }
  /** Tasks recorded as started: drop them from local queues. */
  | { t: 'taken'; ids: number[] }
  /** A timer was committed that is due at `at` (ms). */
  | { t: 'timer'; at: number }
  /** A run's state changed: cached copies are stale, its watchers look again. */
  | { t: 'run'; ns: string; wf: string; run: string }
  /** A node joined: the others announce their changes again if they had stopped (alone). */
  | { t: 'hello' }
  /** A namespace was created, changed or deleted. */
  | { t: 'namespaces' }
  /** A query row waits in `query_tasks` for a poller of `queue`. */
  | { t: 'query'; id: string; ns: string; queue: string; wf: string; run: string }
  /** A query row was answered (or claimed and failed): its caller reads the answer. */
  | { t: 'query-answered'; id: string };

export interface ClusterBus {
  /** This node's id, as in every message it sends. */
  readonly nodeId: string;
  /** Send to every other node (batched; at most once; never to this node). */
  publish(message: ClusterMessage): void;
  /** `handler` gets each message from another node. */
  subscribe(handler: (message: ClusterMessage) => void): void;
  /** `handler` runs when messages may have been lost (the connection came back). */
  onResync(handler: () => void): void;
  close(): Promise<void>;
}

/** One node alone: nothing to tell anyone. */
export class LocalBus implements ClusterBus {
  constructor(readonly nodeId: string) {}
  publish(): void {}
  subscribe(): void {}
  onResync(): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
}
