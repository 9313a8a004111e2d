/**
 * The last events this process committed to each recent run, kept so that the next
 * workflow task's history (on a sticky queue: the events since the last completed task) and
 * history long polls are answered without reading them back from the store. Events never
 * change once committed, so a tail can only be incomplete, never wrong: a tail is used only
 * when it holds the whole range asked for, and it starts over when a commit does not follow
 * on from it (another node of a cluster appended events in between). Bounded in runs and bytes.
 */
import type { HistoryEventRow } from '../persistence/store.js';

const RUNS_MAX = 10_000;
const EVENTS_PER_RUN_MAX = 128;
const BYTES_PER_RUN_MAX = 256 * 1024;
const BYTES_TOTAL_MAX = 64 * 1024 * 1024;

interface Tail {
  firstEventId: number;
  events: Uint8Array[];
  bytes: number;
}

export class HistoryTails {
  private readonly tails = new Map<string, Tail>();
  private bytes = 0;

  /** After a commit: `events` (in order) were appended to the run. */
  appended(namespaceId: string, runId: string, events: readonly HistoryEventRow[]): void {
    if (events.length === 0) return;
    const key = tailKey(namespaceId, runId);
    let tail = this.tails.get(key);
    this.tails.delete(key);
    if (!tail || tail.firstEventId + tail.events.length !== events[0]!.eventId) {
      if (tail) this.bytes -= tail.bytes;
      tail = { firstEventId: events[0]!.eventId, events: [], bytes: 0 };
    }
    for (const e of events) {
      tail.events.push(e.data);
      tail.bytes += e.data.length;
      this.bytes += e.data.length;
    }
    while (tail.events.length > 1 && (tail.events.length > EVENTS_PER_RUN_MAX || tail.bytes > BYTES_PER_RUN_MAX)) {
      const dropped = tail.events.shift()!;
      tail.firstEventId++;
      tail.bytes -= dropped.length;
      this.bytes -= dropped.length;
    }
    this.tails.set(key, tail);
    while (this.tails.size > RUNS_MAX || this.bytes > BYTES_TOTAL_MAX) {
      const [oldestKey, oldest] = this.tails.entries().next().value as [string, Tail];
      this.tails.delete(oldestKey);
      this.bytes -= oldest.bytes;
    }
  }

  /** Events `fromEventId..toEventId` if this tail holds them all, else null. */
  read(namespaceId: string, runId: string, fromEventId: number, toEventId: number): Uint8Array[] | null {
    const tail = this.tails.get(tailKey(namespaceId, runId));
    if (!tail || fromEventId < tail.firstEventId || toEventId >= tail.firstEventId + tail.events.length) return null;
    return tail.events.slice(fromEventId - tail.firstEventId, toEventId - tail.firstEventId + 1);
  }

  /** The run was deleted. */
  drop(namespaceId: string, runId: string): void {
    const key = tailKey(namespaceId, runId);
    const tail = this.tails.get(key);
    if (!tail) return;
    this.tails.delete(key);
    this.bytes -= tail.bytes;
  }
}

function tailKey(namespaceId: string, runId: string): string {
  return `${namespaceId}\u0000${runId}`;
}
