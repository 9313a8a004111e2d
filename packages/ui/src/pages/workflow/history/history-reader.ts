/**
 * Reads a run's history page by page and, while the run is open, reads on from where it
 * stopped: the page that held the last event is asked for again and only events with higher
 * ids are appended. Page tokens stay opaque (the server may encode anything in them).
 */
import { apiGet, enc, type QueryParams } from '../../../api';
import { eventIdOf, type HistoryEvent } from './events';

interface HistoryPageResponse {
  history?: { events?: HistoryEvent[] };
  nextPageToken?: string;
}

export interface RunRef {
  namespace: string;
  workflowId: string;
  runId: string;
}

export const HISTORY_PAGE_SIZE = 1000;
/** A bound on the pages one read follows, so a server handing out tokens forever cannot loop us. */
const PAGES_PER_READ_MAX = 1000;

export class HistoryReader {
  /** Every event read so far, in id order; replaced (never mutated) when events arrive. */
  events: readonly HistoryEvent[] = [];
  /** The token of the page that holds the last event ('' = the first page). */
  private resumeToken = '';
  /** The read in progress: reads run one after another, each from where the last stopped. */
  private reading: Promise<unknown> = Promise.resolve();

  constructor(readonly run: RunRef) {}

  /**
   * Reads every page from where the last read stopped; `onPage` sees the events after each
   * page that brought new ones. Resolves true when anything new arrived. A call made while
   * another read runs waits for it (both tabs of one run may read at once).
   */
  read(signal: AbortSignal, onPage: (events: readonly HistoryEvent[]) => void): Promise<boolean> {
    const next = this.reading.then(() => this.readPages(signal, onPage));
    this.reading = next.catch(() => undefined);
    return next;
  }

  private async readPages(signal: AbortSignal, onPage: (events: readonly HistoryEvent[]) => void): Promise<boolean> {
    let token = this.resumeToken;
    let grew = false;
    for (let pages = 0; pages < PAGES_PER_READ_MAX; pages++) {
      const page = await this.fetchPage(token, signal);
      const fresh = this.newerThanLast(page.history?.events ?? []);
      if (fresh.length > 0) {
        this.events = this.events.concat(fresh);
        grew = true;
        onPage(this.events);
      }
      const next = page.nextPageToken ?? '';
      if (!next) break;
      // A full page with a successor is never asked for again: the next read starts after it.
      this.resumeToken = next;
      token = next;
    }
    return grew;
  }

  private fetchPage(token: string, signal: AbortSignal): Promise<HistoryPageResponse> {
    return fetchHistoryPage(this.run, token, signal);
  }

  private newerThanLast(events: HistoryEvent[]): HistoryEvent[] {
    const last = this.events.at(-1);
    if (!last) return events;
    const lastId = eventIdOf(last);
    return events.filter((event) => eventIdOf(event) > lastId);
  }
}

function fetchHistoryPage(run: RunRef, token: string, signal: AbortSignal, params: QueryParams = {}): Promise<HistoryPageResponse> {
  return apiGet<HistoryPageResponse>(
    `/namespaces/${enc(run.namespace)}/workflows/${enc(run.workflowId)}/history`,
    { 'execution.runId': run.runId, maximumPageSize: HISTORY_PAGE_SIZE, waitNewEvent: false, nextPageToken: token, ...params },
    signal,
  );
}

/**
 * Every event of the run read afresh with payloads in their canonical form
 * (`{metadata, data}`, base64), as `endure workflow show -o json` prints them for replayers.
 */
export async function readCanonicalHistory(run: RunRef, signal: AbortSignal): Promise<unknown[]> {
  const events: unknown[] = [];
  let token = '';
  for (let pages = 0; pages < PAGES_PER_READ_MAX; pages++) {
    const page = await fetchHistoryPage(run, token, signal, { noPayloadShorthand: true });
    events.push(...(page.history?.events ?? []));
    token = page.nextPageToken ?? '';
    if (!token) break;
  }
  return events;
}
