// Temporary stand-in (intervals only) until the spec engine lands from its branch.
import { proto } from '../../common/proto.js';
import { durationMs, timestampMs } from '../../common/time.js';
import { invalidArgument } from '../../common/errors.js';

export interface ScheduleTime {
  nominalMs: number;
  actualMs: number;
}

export class CompiledSpec {
  private constructor(
    readonly canonical: proto.temporal.api.schedule.v1.IScheduleSpec,
    private readonly intervals: { every: number; phase: number }[],
    private readonly startMs: number,
    private readonly endMs: number,
  ) {}

  static compile(spec: proto.temporal.api.schedule.v1.IScheduleSpec, _seed: string, fieldPrefix = 'schedule.spec'): CompiledSpec {
    const intervals = (spec.interval ?? []).map((i, n) => {
      const every = durationMs(i.interval);
      if (every <= 0) throw invalidArgument(`${fieldPrefix}.interval[${n}].interval: must be positive`);
      return { every, phase: durationMs(i.phase) };
    });
    return new CompiledSpec(spec, intervals, timestampMs(spec.startTime), spec.endTime ? timestampMs(spec.endTime) : Infinity);
  }

  next(afterMs: number): ScheduleTime | null {
    let best: number | null = null;
    const after = Math.max(afterMs, this.startMs - 1);
    for (const { every, phase } of this.intervals) {
      const t = Math.floor((after - phase) / every) * every + phase + every;
      if (best === null || t < best) best = t;
    }
    if (best === null || best > this.endMs) return null;
    return { nominalMs: best, actualMs: best };
  }

  matchingTimes(startMs: number, endMs: number, limit = 1000): number[] {
    const out: number[] = [];
    for (let t = this.next(startMs); t && t.actualMs <= endMs && out.length < limit; t = this.next(t.actualMs)) out.push(t.actualMs);
    return out;
  }
}
