/**
 * Mutated encodings: a valid request's bytes with bits flipped, bytes set, cut short,
 * extended, spliced, or with a field of the wrong wire type or an impossible length
 * inserted. What protobuf decoders and the code behind them must survive.
 */

/** One to a few mutations of `bytes` (a new buffer). */
export function mutateBytes(bytes, rng) {
  let out = Buffer.from(bytes);
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) out = mutateOnce(out, rng);
  return out;
}

function mutateOnce(buf, rng) {
  const n = buf.length;
  switch (rng.int(9)) {
    case 0: // flip a bit
      if (n) buf[rng.int(n)] ^= 1 << rng.int(8);
      return buf;
    case 1: // set a byte to an interesting value
      if (n) buf[rng.int(n)] = rng.pick([0, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x08]);
      return buf;
    case 2: // truncate
      return buf.subarray(0, rng.int(n + 1));
    case 3: // extend with random bytes
      return Buffer.concat([buf, rng.bytes(1 + rng.int(32))]);
    case 4: // duplicate a slice (repeated fields, last-one-wins scalars)
      if (!n) return buf;
      return Buffer.concat([buf, buf.subarray(rng.int(n))]);
    case 5: // a field of a known number with the wrong wire type
      return Buffer.concat([buf, wrongWireType(rng)]);
    case 6: // a length-delimited field claiming more bytes than follow
      return Buffer.concat([buf, Buffer.from([(1 + rng.int(30)) << 3 | 2]), varint(rng.pick([0x7fffffff, 0xffffffff, 1 << 28, n + 1]))]);
    case 7: // insert random bytes somewhere
      {
        const at = rng.int(n + 1);
        return Buffer.concat([buf.subarray(0, at), rng.bytes(1 + rng.int(8)), buf.subarray(at)]);
      }
    default: // deprecated groups and reserved wire types
      return Buffer.concat([buf, Buffer.from([((1 + rng.int(20)) << 3) | rng.pick([3, 4, 6, 7])])]);
  }
}

function wrongWireType(rng) {
  const field = 1 + rng.int(30);
  switch (rng.int(4)) {
    case 0:
      return Buffer.concat([Buffer.from([(field << 3) | 0]), varint(rng.int(1 << 30))]); // varint where a message or string is
    case 1:
      return Buffer.concat([Buffer.from([(field << 3) | 1]), rng.bytes(8)]); // fixed64
    case 2:
      return Buffer.concat([Buffer.from([(field << 3) | 5]), rng.bytes(4)]); // fixed32
    default: {
      const body = rng.bytes(rng.int(16));
      return Buffer.concat([Buffer.from([(field << 3) | 2]), varint(body.length), body]); // bytes where a number is
    }
  }
}

export function varint(value) {
  const out = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}
