/** Small pieces every page uses: status badges, errors, not-found pages, payloads, times. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api';
import { formatRelative, formatTime, prettyJson, statusName } from '../format';
import { useSettings } from '../settings';

/** A workflow status (`WORKFLOW_EXECUTION_STATUS_FAILED`) as a coloured badge. */
export function StatusBadge({ status }: { status: string | undefined }) {
  const name = statusName(status) || 'Unknown';
  return <span class={`badge status-${name.toLowerCase()}`}>{name}</span>;
}

/** A timestamp in the viewer's time zone, with the relative time as its tooltip. */
export function Time({ value }: { value: string | undefined | null }) {
  const { timeZone } = useSettings();
  if (!value) return <span class="muted">—</span>;
  return (
    <time dateTime={value} title={formatRelative(value)}>
      {formatTime(value, timeZone)}
    </time>
  );
}

/** An error from the API (or anything thrown) as a visible message; role=alert for tests and screen readers. */
export function ErrorBox({ error, children }: { error: unknown; children?: ComponentChildren }) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? GRPC_STATUS_NAMES[error.code] : undefined;
  return (
    <div class="error" role="alert">
      {code && <strong>{code}: </strong>}
      {message}
      {children}
    </div>
  );
}

export function NotFound({ what, children }: { what: string; children?: ComponentChildren }) {
  return (
    <section class="not-found">
      <h1>Not found</h1>
      <p>This {what} does not exist.</p>
      {children}
    </section>
  );
}

export function Loading() {
  return (
    <p class="muted" aria-busy="true">
      Loading…
    </p>
  );
}

/** A canonical (non-shorthand) payload: `{ metadata: {encoding: <base64>}, data: <base64> }`. */
interface CanonicalPayload {
  metadata?: Record<string, string>;
  data?: string;
}

function isCanonicalPayload(value: unknown): value is CanonicalPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    'metadata' in value &&
    typeof (value as CanonicalPayload).metadata === 'object'
  );
}

function decodeBase64(text: string | undefined): string {
  if (!text) return '';
  try {
    return atob(text);
  } catch {
    return text;
  }
}

/**
 * The payloads of a Payloads message: a plain array when every payload has a shorthand, else
 * the canonical `{ payloads: [...] }`; a single payload is a list of one.
 */
function payloadItems(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 1 && Array.isArray((value as { payloads?: unknown }).payloads)) {
    return (value as { payloads: unknown[] }).payloads;
  }
  return [value];
}

/**
 * A payload value as the API sends it: JSON payloads arrive as their value and are shown as
 * JSON; any other payload (binary, encrypted by a codec) arrives canonical and is shown as its
 * encoding and base64 data, never decoded by guesswork.
 */
export function PayloadView({ value, label }: { value: unknown; label?: string }) {
  if (value === undefined || value === null) return <span class="muted">{value === null ? 'null' : '—'}</span>;
  const items = payloadItems(value);
  return (
    <div class="payloads" aria-label={label}>
      {items.map((item, i) =>
        isCanonicalPayload(item) ? (
          <div class="payload binary" key={i}>
            <div class="muted">encoding: {decodeBase64(item.metadata?.encoding) || 'unknown'} (shown as base64)</div>
            <pre>{item.data ?? ''}</pre>
          </div>
        ) : (
          <pre class="payload json" key={i}>
            {prettyJson(item)}
          </pre>
        ),
      )}
    </div>
  );
}

/** A titled box of label/value rows. */
export function Card({ title, children }: { title?: string; children: ComponentChildren }) {
  return (
    <section class="card">
      {title && <h2>{title}</h2>}
      {children}
    </section>
  );
}

export function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export const GRPC_STATUS_NAMES: Record<number, string> = {
  0: 'OK',
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};
