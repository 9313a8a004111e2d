/** Reading a run's history from the store: as stored bytes (for responses) or decoded. */
import { decodeEvent, type proto } from '../common/proto.js';
import type { Store } from '../persistence/store.js';

type HistoryEvent = proto.temporal.api.history.v1.HistoryEvent;

const READ_BATCH_MAX = 1000;

/** Events `fromEventId..toEventId` (inclusive), in order, as stored (encoded HistoryEvents). */
export async function readHistoryEventBytes(
  store: Store,
  namespaceId: string,
  runId: string,
  fromEventId: number,
  toEventId: number,
): Promise<Uint8Array[]> {
  const events: Uint8Array[] = [];
  let next = fromEventId;
  while (next <= toEventId) {
    const rows = await store.readHistory(namespaceId, runId, next, Math.min(READ_BATCH_MAX, toEventId - next + 1));
    if (rows.length === 0) break;
    for (const row of rows) events.push(row.data);
    next = rows[rows.length - 1]!.eventId + 1;
  }
  return events;
}

/** The same events, decoded. */
export async function readHistoryEvents(
  store: Store,
  namespaceId: string,
  runId: string,
  fromEventId: number,
  toEventId: number,
): Promise<HistoryEvent[]> {
  return (await readHistoryEventBytes(store, namespaceId, runId, fromEventId, toEventId)).map(decodeEvent);
}
