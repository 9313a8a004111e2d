/**
 * A clock that runs at real speed from an offset that only grows: time-skipping
 * tests jump it forward, and in between it flows like the system clock (so an
 * activity that takes 200 ms of real time also takes 200 ms of server time).
 */
import type { AdvanceableClock } from './clock.js';

export class TimeSkippingClock implements AdvanceableClock {
  private offsetMs = 0;
  private readonly listeners = new Set<() => void>();

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  advanceTo(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`cannot advance the clock to ${ms}`);
    const byMs = ms - this.nowMs();
    if (byMs <= 0) return;
    this.offsetMs += byMs;
    for (const listener of [...this.listeners]) listener();
  }

  advanceBy(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance the clock by ${ms} ms`);
    this.advanceTo(this.nowMs() + ms);
  }

  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
