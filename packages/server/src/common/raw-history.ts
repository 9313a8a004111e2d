/**
 * History events leave the server as the bytes they were stored as. Events are
 * stored protobuf-encoded; decoding them only to encode them again into a poll
 * or history response cost the server time on every workflow task. A response
 * carries its events as raw bytes under RAW_HISTORY, and the frontend appends
 * them to the encoded message as its `history` field (protobuf parses a field
 * wherever it appears in the message).
 */
export const RAW_HISTORY = Symbol('endure.rawHistory');

/** Field number of `events` in temporal.api.history.v1.History. */
const HISTORY_EVENTS_FIELD = 1;
const WIRE_TYPE_LEN = 2;

/** `message` with `events` (encoded HistoryEvents) as its history. `message` must not set `history` itself. */
export function withRawHistory<T extends object>(message: T, events: Uint8Array[]): T {
  Object.defineProperty(message, RAW_HISTORY, { value: events, enumerable: false });
  return message;
}

export function rawHistoryOf(message: object): Uint8Array[] | undefined {
  return (message as { [RAW_HISTORY]?: Uint8Array[] })[RAW_HISTORY];
}

/** The encoded field `fieldNumber` holding a History message with these events. */
export function encodeHistoryField(fieldNumber: number, events: Uint8Array[]): Uint8Array {
  let historyLength = 0;
  for (const e of events) historyLength += 1 + varintSize(e.length) + e.length;
  const tag = (fieldNumber << 3) | WIRE_TYPE_LEN;
  const out = new Uint8Array(varintSize(tag) + varintSize(historyLength) + historyLength);
  let pos = writeVarint(out, 0, tag);
  pos = writeVarint(out, pos, historyLength);
  const eventTag = (HISTORY_EVENTS_FIELD << 3) | WIRE_TYPE_LEN;
  for (const e of events) {
    pos = writeVarint(out, pos, eventTag);
    pos = writeVarint(out, pos, e.length);
    out.set(e, pos);
    pos += e.length;
  }
  return out;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeVarint(out: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    out[pos++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[pos++] = value;
  return pos;
}
