/**
 * Reading the value out of a payload that is still in canonical form although it holds JSON:
 * search attributes carry a `type` beside their `json/plain` encoding, so the server cannot
 * show them in shorthand. Other encodings are left alone (no guessing).
 */

const JSON_ENCODING = 'json/plain';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** UTF-8 text from base64. */
function base64Text(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The JSON value a payload holds: a shorthand value as is, a canonical `json/plain` payload decoded; others unchanged. */
export function decodeJsonPayload(value: unknown): unknown {
  if (!isObject(value) || !isObject(value.metadata) || typeof value.metadata.encoding !== 'string') return value;
  try {
    if (base64Text(value.metadata.encoding) !== JSON_ENCODING) return value;
    return JSON.parse(base64Text(typeof value.data === 'string' ? value.data : '')) as unknown;
  } catch {
    return value; // not what its encoding claims: shown canonical, as base64
  }
}
