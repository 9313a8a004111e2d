/**
 * One event's attributes, as the expanded row of the full and compact views shows them:
 * payloads through PayloadView (JSON or base64 with their encoding), failures with their
 * type, stack trace and causes, everything else as plain values.
 */
import type { ComponentChildren } from 'preact';
import { PayloadView, Time } from '../../../components/common';
import { prettyJson } from '../../../format';
import { attributesOf, type HistoryEvent } from './events';

/** Attribute names whose values are payloads (Payloads shown as arrays, or a single Payload). */
const PAYLOAD_FIELDS = new Set(['input', 'result', 'details', 'heartbeatDetails', 'lastHeartbeatDetails', 'lastCompletionResult', 'value']);
/** Attribute names whose values are maps of payloads (`{fields: {name: payload}}`). */
const PAYLOAD_MAP_FIELDS = new Set(['memo', 'header', 'searchAttributes', 'upsertedMemo']);
const FAILURE_FIELDS = new Set(['failure', 'lastFailure', 'continuedFailure', 'cause']);
const CAUSES_SHOWN_MAX = 10;

export function EventDetails({ event }: { event: HistoryEvent }) {
  const attrs = attributesOf(event);
  return (
    <dl class="event-details">
      <Row label="eventTime">
        <Time value={event.eventTime} />
      </Row>
      {Object.entries(attrs).map(([name, value]) => (
        <Row key={name} label={name}>
          <AttributeValue name={name} value={value} />
        </Row>
      ))}
    </dl>
  );
}

function Row({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="attr">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function AttributeValue({ name, value }: { name: string; value: unknown }) {
  if (FAILURE_FIELDS.has(name) && isFailure(value)) return <FailureView failure={value} />;
  if (PAYLOAD_FIELDS.has(name)) return <PayloadView value={value} label={name} />;
  if (PAYLOAD_MAP_FIELDS.has(name)) return <PayloadMap value={value} label={name} />;
  const flat = flatObject(value);
  if (flat !== undefined) return <span class="mono">{flat}</span>;
  if (typeof value === 'object' && value !== null) return <pre class="attr-json">{prettyJson(value)}</pre>;
  return <span class="mono">{String(value)}</span>;
}

const FLAT_CHARS_MAX = 120;

/** A small object of plain values (`{name: "greet"}`, a task queue) on one line; undefined for anything else. */
function flatObject(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (!entries.every(([, v]) => v === null || typeof v !== 'object')) return undefined;
  const line = entries.map(([k, v]) => `${k}: ${String(v)}`).join(' · ');
  return line.length <= FLAT_CHARS_MAX ? line : undefined;
}

/** `{fields: {name: payload}}` (memo, header) or `{indexedFields: {…}}` (search attributes). */
function PayloadMap({ value, label }: { value: unknown; label: string }) {
  const holder = (value ?? {}) as { fields?: Record<string, unknown>; indexedFields?: Record<string, unknown> };
  const fields = holder.fields ?? holder.indexedFields ?? {};
  const names = Object.keys(fields);
  if (names.length === 0) return <span class="muted">none</span>;
  return (
    <dl class="payload-map" aria-label={label}>
      {names.map((field) => (
        <Row key={field} label={field}>
          <PayloadView value={fields[field]} />
        </Row>
      ))}
    </dl>
  );
}

interface Failure {
  message?: string;
  source?: string;
  stackTrace?: string;
  cause?: Failure;
  applicationFailureInfo?: { type?: string; nonRetryable?: boolean; details?: unknown };
  [info: string]: unknown;
}

function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && ('message' in value || 'stackTrace' in value || 'cause' in value);
}

/** A failure and its chain of causes (bounded), each with its stack trace. */
export function FailureView({ failure }: { failure: Failure }) {
  const chain: Failure[] = [];
  for (let f: Failure | undefined = failure; f && chain.length < CAUSES_SHOWN_MAX; f = f.cause) chain.push(f);
  return (
    <div class="failure">
      {chain.map((f, i) => (
        <div class="failure-item" key={i}>
          {i > 0 && <div class="muted">caused by</div>}
          <div>
            <strong>{failureType(f)}</strong>
            {f.message ? `: ${f.message}` : ''}
            {f.applicationFailureInfo?.nonRetryable && <span class="muted"> (non-retryable)</span>}
          </div>
          {f.applicationFailureInfo?.details !== undefined && <PayloadView value={f.applicationFailureInfo.details} label="failure details" />}
          {f.stackTrace && <pre class="stack-trace">{f.stackTrace}</pre>}
        </div>
      ))}
    </div>
  );
}

/** `ApplicationFailure (Broken)`, `TimeoutFailure`, … from the failure's `…FailureInfo` field. */
function failureType(failure: Failure): string {
  const infoKey = Object.keys(failure).find((key) => key.endsWith('FailureInfo'));
  const kind = infoKey ? infoKey.charAt(0).toUpperCase() + infoKey.slice(1, -'Info'.length) : 'Failure';
  const appType = failure.applicationFailureInfo?.type;
  return appType ? `${kind} (${appType})` : kind;
}
