/** Helpers for the spec tests: specs written as plain objects, times as ISO strings. */
import Long from 'long';
import { CompiledSpec } from './compiled-spec.js';
import type { IScheduleSpec } from './fields.js';

export const SEED = 'default/nightly';

export function ms(iso: string): number {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new Error(`bad test time ${iso}`);
  return value;
}

export function iso(value: number): string {
  return new Date(value).toISOString();
}

export function seconds(count: number): { seconds: Long; nanos: number } {
  return { seconds: Long.fromNumber(count), nanos: 0 };
}

export function at(isoTime: string): { seconds: Long; nanos: number } {
  const value = ms(isoTime);
  return { seconds: Long.fromNumber(Math.floor(value / 1000)), nanos: (value % 1000) * 1e6 };
}

/** The next `count` nominal times after `fromIso`, each searched after the previous actual time. */
export function nominals(spec: IScheduleSpec | CompiledSpec, fromIso: string, count: number): string[] {
  return walk(spec, fromIso, count).map((t) => iso(t.nominalMs));
}

export function walk(
  spec: IScheduleSpec | CompiledSpec,
  fromIso: string,
  count: number,
): { nominalMs: number; actualMs: number }[] {
  const compiled = spec instanceof CompiledSpec ? spec : CompiledSpec.compile(spec, SEED);
  const out: { nominalMs: number; actualMs: number }[] = [];
  let after = ms(fromIso);
  for (let i = 0; i < count; i++) {
    const next = compiled.next(after);
    if (next === null) break;
    out.push(next);
    after = next.actualMs;
  }
  return out;
}
