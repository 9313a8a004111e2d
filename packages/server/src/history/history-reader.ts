/** Reading a run's history from the store, as the stored bytes responses carry (common/raw-history.ts). */
import type { Store } from '../persistence/store.js';

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
