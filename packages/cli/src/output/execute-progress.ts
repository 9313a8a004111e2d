/**
 * What `workflow execute` shows while and after a run: the history followed as it grows
 * (one table row per event, or one section of flattened fields per event with `--detailed`),
 * then the "Results:" card, or in JSON temporal's result object. Following a run goes on
 * through continue-as-new to the run that really closes.
 */
import { defaultPayloadConverter } from '@endure/common';
import { lookupProtoType, type Connection } from '@endure/client';
import { formatDuration, toEpochMs } from './format.js';
import type { Printer } from './printer.js';

type HistoryEvent = NonNullable<NonNullable<Awaited<ReturnType<Connection['workflowService']['getWorkflowExecutionHistory']>>['history']>['events']>[number];
type Failure = NonNullable<NonNullable<HistoryEvent['workflowExecutionFailedEventAttributes']>['failure']>;
type Payloads = NonNullable<NonNullable<HistoryEvent['workflowExecutionCompletedEventAttributes']>['result']>;

const HISTORY_EVENT = 'temporal.api.history.v1.HistoryEvent';
const EVENT_TYPES = lookupProtoType(HISTORY_EVENT).lookupEnum('temporal.api.enums.v1.EventType').values;
const EventType = {
  COMPLETED: EVENT_TYPES['EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED']!,
  FAILED: EVENT_TYPES['EVENT_TYPE_WORKFLOW_EXECUTION_FAILED']!,
  TIMED_OUT: EVENT_TYPES['EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT']!,
  CANCELED: EVENT_TYPES['EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED']!,
  TERMINATED: EVENT_TYPES['EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED']!,
  CONTINUED_AS_NEW: EVENT_TYPES['EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW']!,
};

/** `WorkflowExecutionStarted` for EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, as temporal names event types. */
export function eventTypeName(event: HistoryEvent): string {
  const name = Object.keys(EVENT_TYPES).find((key) => EVENT_TYPES[key] === event.eventType) ?? String(event.eventType);
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** An event type in temporal's colours: failures red, timeouts yellow, cancellations magenta, completions green, starts blue. */
function coloredEventType(printer: Printer, event: HistoryEvent): string {
  const name = eventTypeName(event);
  if (name.endsWith('Failed')) return printer.style('red', name);
  if (name.endsWith('TimedOut')) return printer.style('yellow', name);
  if (/^(Timer|WorkflowExecution|ChildWorkflowExecution)Canceled$/.test(name)) return printer.style('magenta', name);
  if (/^(WorkflowExecution|ChildWorkflowExecution)Completed$/.test(name)) return printer.style('green', name);
  if (/^(WorkflowExecution|ChildWorkflowExecution)Started$/.test(name)) return printer.style('blue', name);
  return name;
}

/** Whether `event` ends its run (continue-as-new included). */
function isCloseEvent(event: HistoryEvent): boolean {
  return Object.values(EventType).includes(event.eventType as number);
}

export interface FollowOptions {
  workflowId: string;
  runId: string;
  namespace: string;
  /** Called for each event in order, across continued runs. */
  onEvent?: (event: HistoryEvent) => void;
  /** Called before each long poll and after it returns (e.g. to show and clear a spinner). */
  onWait?: (waiting: boolean) => void;
}

/** Long-polls the history until the run (or the last run it continued as) closes; returns its close event. */
export async function followToClose(connection: Connection, options: FollowOptions): Promise<HistoryEvent> {
  let runId = options.runId;
  for (;;) {
    const close = await followRun(connection, options, runId);
    const next = close.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (close.eventType !== EventType.CONTINUED_AS_NEW || !next) return close;
    runId = next;
  }
}

async function followRun(connection: Connection, options: FollowOptions, runId: string): Promise<HistoryEvent> {
  let nextPageToken: Uint8Array | undefined;
  let close: HistoryEvent | undefined;
  do {
    options.onWait?.(true);
    const response = await connection.workflowService.getWorkflowExecutionHistory({
      namespace: options.namespace,
      execution: { workflowId: options.workflowId, runId },
      waitNewEvent: true,
      nextPageToken,
    });
    options.onWait?.(false);
    for (const event of response.history?.events ?? []) {
      options.onEvent?.(event);
      if (isCloseEvent(event)) close = event;
    }
    nextPageToken = response.nextPageToken?.length ? response.nextPageToken : undefined;
  } while (nextPageToken !== undefined && close === undefined);
  if (close === undefined) throw new Error(`the history of run ${runId} ended without a close event`);
  return close;
}

/** Widths of temporal's progress table: ID, Time, Type (rows may run past them). */
const ID_WIDTH = 3;
const TIME_WIDTH = 20;
const TYPE_WIDTH = 26;

/** A header cell as temporal's table writer centres it (the smaller half of the gap on the left). */
function centred(text: string, width: number): string {
  const gap = Math.max(0, width - text.length);
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + text + ' '.repeat(gap - left);
}

/** The header of the progress table: each column after two spaces, titles centred, in magenta. */
export function printProgressHeader(printer: Printer): void {
  const cells = [centred('ID', ID_WIDTH), centred('Time', TIME_WIDTH), centred('Type', TYPE_WIDTH).trimEnd()];
  printer.line(cells.map((cell) => `  ${printer.style('magenta', cell)}`).join(''));
}

/** One row of the progress table (times in UTC whatever `--time-format`, as temporal shows them). */
export function printProgressRow(printer: Printer, event: HistoryEvent): void {
  const id = String(event.eventId ?? '').padEnd(ID_WIDTH);
  printer.line(`  ${id}  ${rfc3339(event).padEnd(TIME_WIDTH)}  ${coloredEventType(printer, event)}`);
}

/** One event as a section: a heading, then every field (attributes lifted to the top) on its own sorted line. */
export function printEventSection(printer: Printer, event: HistoryEvent, first: boolean): void {
  if (!first) printer.line();
  printer.line(`--------------- [${String(event.eventId)}] ${eventTypeName(event)} ---------------`);
  const json = printer.protoJson(HISTORY_EVENT, event) as Record<string, unknown>;
  delete json['eventId'];
  delete json['eventType'];
  for (const key of Object.keys(json)) {
    if (!key.endsWith('Attributes')) continue;
    Object.assign(json, json[key] as Record<string, unknown>);
    delete json[key];
  }
  const fields: [string, string][] = [];
  flatten(json, '', fields);
  fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [field, value] of fields) printer.line(`${field}: ${value}`);
}

function flatten(value: unknown, path: string, into: [string, string][]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => flatten(item, `${path}[${i}]`, into));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) flatten(item, path === '' ? key : `${path}.${key}`, into);
  } else {
    into.push([path, String(value)]);
  }
}

function rfc3339(event: HistoryEvent): string {
  const ms = toEpochMs(event.eventTime ?? undefined);
  return ms === undefined ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** temporal's status word for a close event. */
export function closeStatus(event: HistoryEvent): string {
  switch (event.eventType) {
    case EventType.COMPLETED:
      return 'COMPLETED';
    case EventType.FAILED:
      return 'FAILED';
    case EventType.TIMED_OUT:
      return 'TIMEOUT';
    case EventType.CANCELED:
      return 'CANCELED';
    case EventType.TERMINATED:
      return 'TERMINATED';
    default:
      return '<unknown>';
  }
}

export function isCompleted(event: HistoryEvent): boolean {
  return event.eventType === EventType.COMPLETED;
}

/** Payloads as temporal shows them: one payload as its JSON value, several as an array; undefined when none. */
export function payloadsValue(payloads: Payloads | null | undefined, printer: Printer): unknown {
  const list = payloads?.payloads ?? [];
  if (list.length === 0) return undefined;
  const values = list.map((payload) => {
    try {
      return defaultPayloadConverter.fromPayload(payload);
    } catch {
      // Not JSON (binary, encrypted): shown as the payload message itself.
      return printer.protoJson('temporal.api.common.v1.Payload', payload);
    }
  });
  return values.length === 1 ? values[0] : values;
}

/** The failure chain as temporal prints it under "Failure": message, stack trace, then each cause indented further. */
export function failureText(failure: Failure | null | undefined, indent = '    '): string {
  let text = '';
  let prefix = indent;
  for (let f = failure; f; f = f.cause) {
    text += `\n${prefix}Message: ${f.message ?? ''}`;
    if (f.stackTrace) text += `\n${prefix}StackTrace:\n${prefix}    ${f.stackTrace.split('\n').join(`\n${prefix}    `)}`;
    if (f.cause) {
      text += `\n${prefix}Cause:`;
      prefix += '    ';
    }
  }
  return text;
}

/** The "Results:" card after a run; a failure's chain follows its label on lines of its own, as temporal prints it. */
export function printResults(printer: Printer, close: HistoryEvent, durationMs: number): void {
  printer.line(printer.style('magenta', 'Results:'));
  const status = closeStatus(close);
  const entries: [string, string | undefined][] = [['RunTime', durationMs > 0 ? formatDuration(Math.floor(durationMs / 10) * 10) : undefined]];
  const failure = close.workflowExecutionFailedEventAttributes?.failure;
  if (isCompleted(close)) {
    const result = close.workflowExecutionCompletedEventAttributes?.result;
    const value = payloadsValue(result, printer);
    const encoding = result?.payloads?.[0]?.metadata?.['encoding'];
    entries.push(
      ['Status', printer.style('green', status)],
      ['Result', value === undefined ? undefined : JSON.stringify(value)],
      ['ResultEncoding', encoding ? Buffer.from(encoding).toString() : undefined],
    );
  } else {
    entries.push(['Status', printer.style('red', status)]);
  }
  if (!failure) {
    printer.card(entries, '  ');
    return;
  }
  const width = Math.max(...[...entries, ['Failure']].map(([label]) => label.length));
  printer.card(entries.map(([label, value]) => [label.padEnd(width), value]), '  ');
  printer.line(`  ${printer.style('bold', 'Failure')}${failureText(failure)}`);
}

/** temporal's JSON result of `workflow execute`. */
export interface ExecuteJson {
  workflowId: string;
  runId: string;
  type: string;
  namespace: string;
  taskQueue: string;
  durationMillis: number;
  status: string;
  closeEvent: unknown;
  result?: unknown;
  history?: unknown;
}

export function executeJson(
  printer: Printer,
  start: Omit<ExecuteJson, 'status' | 'closeEvent' | 'result' | 'history' | 'durationMillis'>,
  close: HistoryEvent,
  durationMs: number,
): ExecuteJson {
  const json: ExecuteJson = { ...start, durationMillis: Math.floor(durationMs), status: closeStatus(close), closeEvent: printer.protoJson(HISTORY_EVENT, close) };
  if (isCompleted(close)) {
    const value = payloadsValue(close.workflowExecutionCompletedEventAttributes?.result, printer);
    if (value !== undefined) json.result = value;
  }
  return json;
}
