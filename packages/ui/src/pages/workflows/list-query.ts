/**
 * The workflows list's filters and how they become one visibility query. The URL holds the
 * filters (`?query=…&status=Running&type=…&range=24h&pageSize=50`), so a list can be shared,
 * reloaded and walked back through with the browser's back button.
 */

/** The statuses a workflow can have, as the list query language names them. */
export const STATUSES = ['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut'] as const;

export const TIME_RANGES = [
  { id: 'any', label: 'Any time', ms: 0 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;
export type TimeRange = (typeof TIME_RANGES)[number]['id'];

/** The page sizes offered; a URL may name any size up to PAGE_SIZE_MAX. */
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 1000;

export interface ListFilters {
  /** What the user typed in the query bar (may be empty). */
  query: string;
  /** One of STATUSES, or '' for any. */
  status: string;
  /** A workflow type name, or '' for any. */
  type: string;
  range: TimeRange;
  pageSize: number;
}

/** The filters in a URL's query string; anything unknown falls back to "no filter". */
export function filtersFromUrl(params: Record<string, string | undefined>): ListFilters {
  const range = TIME_RANGES.find((r) => r.id === params.range)?.id ?? 'any';
  const status = STATUSES.find((s) => s === params.status) ?? '';
  const pageSize = Number(params.pageSize);
  return {
    query: params.query ?? '',
    status,
    type: params.type ?? '',
    range,
    pageSize: Number.isInteger(pageSize) && pageSize > 0 && pageSize <= PAGE_SIZE_MAX ? pageSize : PAGE_SIZE_DEFAULT,
  };
}

/** The URL query string for `filters`, leaving defaults out so links stay short. */
export function filtersToUrl(filters: ListFilters): string {
  const params = new URLSearchParams();
  if (filters.query.trim()) params.set('query', filters.query.trim());
  if (filters.status) params.set('status', filters.status);
  if (filters.type.trim()) params.set('type', filters.type.trim());
  if (filters.range !== 'any') params.set('range', filters.range);
  if (filters.pageSize !== PAGE_SIZE_DEFAULT) params.set('pageSize', String(filters.pageSize));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A string literal of the list query language. */
export function literal(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Splits `ORDER BY …` off a query, so filters can be joined before it. Quotes are tracked so
 * a literal containing the words is left alone.
 */
export function splitOrderBy(query: string): { where: string; orderBy: string } {
  let quote = '';
  for (let i = 0; i < query.length; i++) {
    const ch = query[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
    } else if (/\s/.test(ch) || i === 0) {
      const match = /^\s*order\s+by\s/i.exec(query.slice(i));
      if (match) return { where: query.slice(0, i).trim(), orderBy: query.slice(i).trim() };
    }
  }
  return { where: query.trim(), orderBy: '' };
}

export interface ComposeOptions {
  /** The time-range filter's lower bound (fixed when the filters are applied, see `rangeStart`). */
  startAfter?: string;
  /** Leave the status filter out (counts by status are taken over every status). */
  withoutStatus?: boolean;
  /** Leave ORDER BY out (counts take none). */
  withoutOrder?: boolean;
  /** More conditions to AND in. */
  extra?: string[];
}

/** The one visibility query the filters stand for: the typed query AND each quick filter. */
export function composeQuery(filters: ListFilters, options: ComposeOptions = {}): string {
  const { where, orderBy } = splitOrderBy(filters.query);
  const parts: string[] = [];
  if (where) parts.push(`(${where})`);
  if (filters.status && !options.withoutStatus) parts.push(`ExecutionStatus = ${literal(filters.status)}`);
  if (filters.type.trim()) parts.push(`WorkflowType = ${literal(filters.type.trim())}`);
  if (options.startAfter) parts.push(`StartTime > ${literal(options.startAfter)}`);
  parts.push(...(options.extra ?? []));
  // A lone typed query needs no parentheses; keep it as typed so its error positions match.
  const joined = parts.length === 1 && where ? where : parts.join(' AND ');
  return [joined, options.withoutOrder ? '' : orderBy].filter(Boolean).join(' ');
}

/** The three queries the list page sends, all from the same filters. */
export function listQueries(filters: ListFilters, startAfter: string | undefined): { listQuery: string; countQuery: string; runningQuery: string } {
  // Batches act on the running workflows among those listed (only they can be cancelled or terminated).
  const runningOnly = filters.status === 'Running' ? [] : ["ExecutionStatus = 'Running'"];
  return {
    listQuery: composeQuery(filters, { startAfter }),
    // Counts by status are taken over every status, so each chip shows what a click on it lists.
    countQuery: composeQuery(filters, { startAfter, withoutStatus: true, withoutOrder: true }),
    runningQuery: composeQuery(filters, { startAfter, withoutOrder: true, extra: runningOnly }),
  };
}

/** The RFC 3339 lower bound of a time range counted back from `nowMs`, or undefined for any time. */
export function rangeStart(range: TimeRange, nowMs: number): string | undefined {
  const ms = TIME_RANGES.find((r) => r.id === range)?.ms ?? 0;
  return ms ? new Date(nowMs - ms).toISOString() : undefined;
}
