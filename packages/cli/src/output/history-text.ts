/**
 * How history events and run outcomes look in text output, as `temporal` prints them in
 * `workflow show` and `workflow execute`:
 *
 * - the progress table: `printEventTableHeader` once, then `printEventRow` per event (fixed
 *   column widths, so rows can be printed as they arrive);
 * - `--detailed` sections: `printEventDetails`, every field of the event flattened to
 *   `path.to.field: value` lines;
 * - the "Results:" card of a close event: `printResults` (status, result or failure);
 * - `outcomeOf` / `workflowEndedError`: the status name of a close event for JSON output,
 *   and the error that makes a command exit 1 when the run did not complete.
 */
import proto from '@temporalio/proto';
import { CliError } from '../exit-codes.js';
import { centring, enumShortName, formatDuration } from './format.js';
import type { Printer } from './printer.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type Payloads = proto.temporal.api.common.v1.IPayloads;
type Failure = proto.temporal.api.failure.v1.IFailure;

const { EventType } = proto.temporal.api.enums.v1;
const EVENT_TYPE_PREFIX = 'EVENT_TYPE_';

/** Column widths of the progress table; wider values push the row out, as in `temporal`. */
const ID_WIDTH = 3;
const TIME_WIDTH = 20;
const TYPE_WIDTH = 26;
/** Each column starts with this, the table's left margin included. */
const COLUMN_GAP = '  ';
/** Causes followed when printing a failure chain; a loop in a malformed failure stops here. */
const FAILURE_CAUSES_MAX = 20;

/** `WorkflowExecutionStarted` for `EVENT_TYPE_WORKFLOW_EXECUTION_STARTED`. */
export function eventTypeName(type: number | null | undefined): string {
  return enumShortName(EventType, EVENT_TYPE_PREFIX, type);
}

/** The header of the progress table (`ID  Time  Type`, centred over fixed widths). */
export function printEventTableHeader(printer: Printer): void {
  const cells = [padCenter('ID', ID_WIDTH), padCenter('Time', TIME_WIDTH), padCenter('Type', TYPE_WIDTH)];
  printer.line(trimEnd(cells.map((cell) => COLUMN_GAP + printer.style('magenta', cell)).join('')));
}

/** One event as a row of the progress table: its id, its time (UTC, RFC 3339) and its coloured type. */
export function printEventRow(printer: Printer, event: HistoryEvent): void {
  const id = String(event.eventId ?? '').padEnd(ID_WIDTH);
  const time = rfc3339(event.eventTime).padEnd(TIME_WIDTH);
  const typeName = eventTypeName(event.eventType);
  const type = printer.style(eventTypeStyle(event.eventType), typeName) + ' '.repeat(Math.max(0, TYPE_WIDTH - typeName.length));
  printer.line(trimEnd(`${COLUMN_GAP}${id}${COLUMN_GAP}${time}${COLUMN_GAP}${type}`));
}

/**
 * One event as a `--detailed` section: a `--- [id] Type ---` heading, then every field of the
 * event (attributes lifted to the top) as sorted `path: value` lines. Sections after the
 * first are preceded by a blank line.
 */
export function printEventDetails(printer: Printer, event: HistoryEvent, first: boolean): void {
  if (!first) printer.line();
  printer.line(`--------------- [${String(event.eventId ?? '')}] ${eventTypeName(event.eventType)} ---------------`);
  const json = printer.protoJson('temporal.api.history.v1.HistoryEvent', event) as Record<string, unknown>;
  delete json['eventId'];
  delete json['eventType'];
  for (const [key, value] of Object.entries(json)) {
    if (key.endsWith('Attributes') && isObject(value)) {
      delete json[key];
      Object.assign(json, value);
    }
  }
  const fields: [string, string][] = [];
  flatten(json, '', fields);
  fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, value] of fields) printer.line(`${path}: ${value}`);
}

/** What a close event says about the run, in the words of `temporal`'s JSON results. */
export type Outcome = 'COMPLETED' | 'FAILED' | 'TIMEOUT' | 'CANCELED' | 'TERMINATED' | 'CONTINUED_AS_NEW';

export function outcomeOf(event: HistoryEvent): Outcome | undefined {
  switch (event.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return 'COMPLETED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      return 'FAILED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
      return 'TIMEOUT';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      return 'CANCELED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      return 'TERMINATED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return 'CONTINUED_AS_NEW';
    default:
      return undefined;
  }
}

/**
 * The "Results:" card of a close event: `RunTime` (when `runTimeMs` is given, cut to
 * hundredths of a second), `Status`, and the `Result` and its `ResultEncoding`, or the
 * `Failure` chain (or termination `Reason`).
 */
export function printResults(printer: Printer, closeEvent: HistoryEvent, runTimeMs?: number): void {
  const outcome = outcomeOf(closeEvent);
  printer.line(printer.style('magenta', 'Results:'));
  const entries: [string, string | undefined][] = [];
  if (runTimeMs !== undefined && runTimeMs > 0) entries.push(['RunTime', formatDuration(Math.floor(runTimeMs / 10) * 10)]);
  entries.push(['Status', outcome === undefined ? '' : printer.style(outcome === 'COMPLETED' ? 'green' : 'red', outcome)]);
  const completed = closeEvent.workflowExecutionCompletedEventAttributes;
  if (completed) {
    entries.push(['Result', JSON.stringify(friendlyPayloadsJson(printer, completed.result))]);
    const encoding = completed.result?.payloads?.[0]?.metadata?.['encoding'];
    if (encoding) entries.push(['ResultEncoding', Buffer.from(encoding).toString()]);
  }
  const failed = closeEvent.workflowExecutionFailedEventAttributes;
  if (failed) entries.push(['Failure', failureText(failed.failure)]);
  const terminated = closeEvent.workflowExecutionTerminatedEventAttributes;
  if (terminated) entries.push(['Reason', terminated.reason ?? '']);
  printer.card(entries, COLUMN_GAP);
}

/**
 * A failure and its causes as `temporal` prints them: starting on a new line, `Message:`, an
 * indented `StackTrace:`, and each `Cause:` indented one step further (`printer.card` writes
 * such a value under its label).
 */
export function failureText(failure: Failure | null | undefined, indent = '    '): string {
  let text = '';
  let prefix = indent;
  let current = failure;
  for (let depth = 0; current && depth < FAILURE_CAUSES_MAX; depth++) {
    text += `\n${prefix}Message: ${current.message ?? ''}`;
    if (current.stackTrace) text += `\n${prefix}StackTrace:\n${prefix}    ${current.stackTrace.split('\n').join(`\n${prefix}    `)}`;
    current = current.cause;
    if (current) {
      text += `\n${prefix}Cause:`;
      prefix += '    ';
    }
  }
  return text;
}

/**
 * A result as `temporal` shows it: the JSON of its one payload (a plain value in shorthand),
 * or of the whole Payloads message when there are several, or `null` when there is none.
 */
export function friendlyPayloadsJson(printer: Printer, payloads: Payloads | null | undefined): unknown {
  if (!payloads) return null;
  const list = payloads.payloads ?? [];
  if (list.length === 1) return printer.protoJson('temporal.api.common.v1.Payload', list[0]!);
  return printer.protoJson('temporal.api.common.v1.Payloads', payloads);
}

/** The error a command waiting for a run ends with when the run did not complete (exit 1). */
export function workflowEndedError(closeEvent: HistoryEvent): CliError | undefined {
  const outcome = outcomeOf(closeEvent);
  const words: Partial<Record<Outcome, string>> = {
    FAILED: 'workflow failed',
    TIMEOUT: 'workflow timed out',
    CANCELED: 'workflow was canceled',
    TERMINATED: 'workflow was terminated',
  };
  const message = outcome === undefined ? 'workflow ended without a result' : words[outcome];
  return message === undefined ? undefined : new CliError(message);
}

type EventStyle = 'red' | 'yellow' | 'magenta' | 'green' | 'blue' | 'reset';

/** Colours as `temporal`'s: failures red, timeouts yellow, cancellations magenta, completions green, starts blue. */
function eventTypeStyle(type: number | null | undefined): EventStyle {
  switch (type) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
    case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
    case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
    case EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
    case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
    case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
      return 'red';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
    case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
    case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
      return 'yellow';
    case EventType.EVENT_TYPE_TIMER_CANCELED:
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
      return 'magenta';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
      return 'green';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
      return 'blue';
    default:
      return 'reset';
  }
}

/** A Timestamp as RFC 3339 in UTC to the second (`2024-05-01T10:00:00Z`). */
function rfc3339(ts: proto.google.protobuf.ITimestamp | null | undefined): string {
  if (!ts) return '';
  const seconds = Number(ts.seconds ?? 0);
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `text` centred in `width` columns. */
function padCenter(text: string, width: number): string {
  const [left, right] = centring(text, width);
  return ' '.repeat(left) + text + ' '.repeat(right);
}

function trimEnd(text: string): string {
  return text.replace(/ +$/, '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{a: {b: [1]}}` → `a.b[0]: 1`. */
function flatten(value: unknown, path: string, into: [string, string][]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => flatten(item, `${path}[${i}]`, into));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) flatten(item, path === '' ? key : `${path}.${key}`, into);
  } else if (value === null || value === undefined) {
    into.push([path, '<nil>']);
  } else {
    into.push([path, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
}
