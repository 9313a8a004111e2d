/**
 * Raw bytes on a fresh TCP connection: the HTTP/2 connection preface, SETTINGS, a HEADERS
 * frame (HPACK literals) and DATA frames of a gRPC call, built by hand and then mutated
 * (frame types, flags, lengths and stream ids changed, frames dropped or repeated, invalid
 * settings, CONTINUATION without HEADERS, HTTP/1.1 sent to the HTTP/2 port). The server must
 * drop such connections without harm; the connection is read briefly, then closed.
 */
import net from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const READ_MS = 100;

function h2frame(type, flags, streamId, payload) {
  const out = Buffer.alloc(9 + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out[3] = type;
  out[4] = flags;
  out.writeUInt32BE(streamId >>> 0, 5);
  payload.copy(out, 9);
  return out;
}

/** HPACK "literal header field without indexing, new name" for each pair (short strings only). */
function hpack(headers) {
  const parts = [];
  for (const [name, value] of headers) {
    const n = Buffer.from(name);
    const v = Buffer.from(value);
    parts.push(Buffer.from([0x00, Math.min(n.length, 127)]), n.subarray(0, 127), Buffer.from([Math.min(v.length, 127)]), v.subarray(0, 127));
  }
  return Buffer.concat(parts);
}

/** The frames of one well-formed call, as a list so that mutations can act per frame. */
function callFrames(path, grpcBody) {
  const headers = hpack([[':method', 'POST'], [':scheme', 'http'], [':path', path], [':authority', 'localhost'], ['content-type', 'application/grpc'], ['te', 'trailers']]);
  return [
    h2frame(0x4, 0, 0, Buffer.alloc(0)), // SETTINGS
    h2frame(0x1, 0x4, 1, headers), // HEADERS, END_HEADERS
    h2frame(0x0, 0x1, 1, grpcBody), // DATA, END_STREAM
  ];
}

function mutateFrames(frames, rng) {
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const i = rng.int(frames.length);
    if (!frames.length) break;
    const f = Buffer.from(frames[i]);
    // A frame already cut short has no header left to change.
    if (f.length < 9) continue;
    switch (rng.int(10)) {
      case 0:
        f[3] = rng.int(16); // frame type, unknown ones included
        break;
      case 1:
        f[4] = rng.int(256); // flags (PADDED, PRIORITY with no room for them)
        break;
      case 2:
        f.writeUIntBE(rng.pick([0, 1, f.length, 16385, 0xffffff]), 0, 3); // length field lies
        break;
      case 3:
        f.writeUInt32BE(rng.pick([0, 2, 3, 0x7fffffff, 0xffffffff]), 5); // stream id: 0, even, huge, reserved bit
        break;
      case 4:
        frames.splice(i, 1); // drop a frame
        continue;
      case 5:
        frames.splice(i, 0, f); // repeat one
        continue;
      case 6: // invalid settings: ENABLE_PUSH=2, INITIAL_WINDOW_SIZE past 2^31-1, MAX_FRAME_SIZE too small
        frames.splice(i, 0, h2frame(0x4, 0, 0, Buffer.from(rng.pick([[0, 2, 0, 0, 0, 2], [0, 4, 0x80, 0, 0, 0], [0, 5, 0, 0, 0, 1], [0, 3, 0, 0, 0, 0]]))));
        continue;
      case 7: // CONTINUATION without HEADERS, WINDOW_UPDATE of 0, PRIORITY on itself, RST on an idle stream, GOAWAY, PING of the wrong size
        frames.splice(i, 0, rng.pick([
          h2frame(0x9, 0x4, 1, Buffer.from([0, 1, 0x61, 1, 0x62])),
          h2frame(0x8, 0, 1, Buffer.alloc(4)),
          h2frame(0x2, 0, 1, Buffer.from([0, 0, 0, 1, 16])),
          h2frame(0x3, 0, 7, Buffer.from([0, 0, 0, 8])),
          h2frame(0x7, 0, 0, Buffer.alloc(8)),
          h2frame(0x6, 0, 0, Buffer.alloc(3)),
        ]));
        continue;
      case 8:
        if (f.length > 9) f[9 + rng.int(f.length - 9)] ^= 1 << rng.int(8); // corrupt the payload (HPACK, gRPC framing)
        break;
      default:
        frames[i] = f.subarray(0, rng.int(f.length + 1)); // cut short
        continue;
    }
    frames[i] = f;
  }
  return frames;
}

/** One raw connection; resolves when the server closed it or after a short read. `onPayload` gets the bytes before they are sent. */
export function rawConnection(port, rng, path, grpcBody, onPayload = () => {}) {
  let payload;
  if (rng.chance(0.05)) payload = Buffer.from(rng.pick(['GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\n', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', '\r\n\r\n']));
  else {
    const preface = rng.chance(0.05) ? Buffer.from(PREFACE.toString().replace('2.0', '3.0')) : PREFACE;
    payload = Buffer.concat([preface, ...mutateFrames(callFrames(path, grpcBody), rng)]);
  }
  onPayload(payload);
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), READ_MS);
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.on('end', () => {
      closedByServer = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedByServer, payload });
    });
    socket.on('connect', () => socket.write(payload));
  });
}
