/**
 * What the fuzz run counts and what it keeps: outcomes per category and status, and
 * findings (a hang, an unexpected INTERNAL, an HTTP 500, a crash) with the input that caused
 * them, written to bench/fuzz/findings/ so that each can be replayed and made a regression
 * test. A few inputs are kept per distinct signature, not one per occurrence.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEPT_PER_SIGNATURE = 3;

/** INTERNAL answers that are the gRPC protocol's own verdicts on a broken frame, not exceptions. */
export const UNDERSTOOD_INTERNAL = [/^truncated gRPC message frame$/, /^a unary call carries exactly one gRPC message$/, /^request could not be decompressed/];

export class Findings {
  constructor(dir) {
    this.dir = dir;
    this.bySignature = new Map();
    this.counts = {};
    this.outcomes = {};
    this.sent = {};
  }

  /** One input of `category` answered with `outcome` (a status name, an HTTP status, 'reset', …). */
  count(category, outcome) {
    this.sent[category] = (this.sent[category] ?? 0) + 1;
    const byOutcome = (this.outcomes[category] ??= {});
    byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
  }

  /** A finding of `kind` ('hang', 'internal', 'http-500', 'crash', …) with the input that caused it. */
  record(kind, signature, input) {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    const key = `${kind} ${normalize(signature)}`;
    const seen = this.bySignature.get(key) ?? 0;
    this.bySignature.set(key, seen + 1);
    if (seen >= KEPT_PER_SIGNATURE) return;
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${kind}-${this.bySignature.size}-${seen + 1}.json`);
    writeFileSync(file, `${JSON.stringify({ kind, signature, ...serialize(input) }, null, 2)}\n`);
  }

  summary() {
    return {
      sent: this.sent,
      total: Object.values(this.sent).reduce((a, b) => a + b, 0),
      outcomes: this.outcomes,
      findings: this.counts,
      signatures: Object.fromEntries(this.bySignature),
    };
  }
}

/** Digits and quoted values vary between occurrences of one bug. */
function normalize(signature) {
  return signature.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N').slice(0, 300);
}

function serialize(input) {
  const out = {};
  for (const [k, v] of Object.entries(input)) {
    if (Buffer.isBuffer(v) || v instanceof Uint8Array) out[`${k}Base64`] = Buffer.from(v).toString('base64');
    else if (typeof v === 'string' && v.length > 100_000) out[k] = `${v.slice(0, 1000)}… (${v.length} chars)`;
    else out[k] = v;
  }
  return out;
}
