/**
 * Fields a response carries beyond its message type, already encoded: the frontend appends
 * them to the encoded message (protobuf reads a field wherever it appears, and a decoder that
 * does not know the field number skips it). Endure's extensions for its own SDK travel this
 * way inside Temporal's response types, unseen by every other client.
 */
const APPENDED_FIELDS = Symbol('endure.appendedFields');

/** `message`, to be sent with `fields` (encoded protobuf fields) after its own. */
export function withAppendedFields<T extends object>(message: T, fields: Uint8Array): T {
  Object.defineProperty(message, APPENDED_FIELDS, { value: fields, enumerable: false });
  return message;
}

/** `encoded` (the bytes of `message`) followed by the fields appended to `message`, if any. */
export function appendFields(encoded: Uint8Array, message: object): Uint8Array {
  const fields = (message as { [APPENDED_FIELDS]?: Uint8Array })[APPENDED_FIELDS];
  if (!fields) return encoded;
  const out = new Uint8Array(encoded.length + fields.length);
  out.set(encoded);
  out.set(fields, encoded.length);
  return out;
}
