/**
 * Heartbeat throttling for one activity attempt, with the official worker's semantics:
 * the first heartbeat goes to the server at once; later ones within the throttle interval
 * only replace the pending details, sent when the interval is over. At most one heartbeat
 * request per activity is in flight, so the server sees details in the order recorded.
 */
import type { Payload } from '@endure/common';

/** Sends one heartbeat; never rejects (errors are the sender's to handle). */
export type HeartbeatSend = (details: Payload[]) => Promise<void>;

export interface HeartbeatIntervals {
  heartbeatTimeoutMs: number | undefined;
  maxHeartbeatThrottleIntervalMs: number;
  defaultHeartbeatThrottleIntervalMs: number;
}

/** 80% of the heartbeat timeout, or the default without one, capped by the maximum. */
export function heartbeatThrottleIntervalMs(intervals: HeartbeatIntervals): number {
  const { heartbeatTimeoutMs } = intervals;
  // A zero timeout means "unset" (the server reports unset timeouts as 0).
  const base = heartbeatTimeoutMs ? heartbeatTimeoutMs * 0.8 : intervals.defaultHeartbeatThrottleIntervalMs;
  return Math.min(base, intervals.maxHeartbeatThrottleIntervalMs);
}

export class HeartbeatThrottle {
  private inFlight: Promise<void> | undefined;
  private pending: Payload[] | undefined;
  private throttleTimer: NodeJS.Timeout | undefined;
  /** True from a send until the throttle interval after it ends with nothing pending. */
  private throttling = false;
  private lastSentAtMs = 0;
  private closed = false;

  constructor(
    private readonly send: HeartbeatSend,
    private readonly intervalMs: number,
  ) {}

  record(details: Payload[]): void {
    if (this.closed) return;
    if (this.throttling) {
      this.pending = details;
      return;
    }
    this.throttling = true;
    this.sendNow(details);
  }

  /**
   * Stops throttling. Resolves once no heartbeat request is in flight; with `flush`, the
   * pending details (if any) are sent first.
   */
  async close(flush: boolean): Promise<void> {
    this.closed = true;
    clearTimeout(this.throttleTimer);
    this.throttleTimer = undefined;
    await this.inFlight;
    const pending = this.pending;
    this.pending = undefined;
    if (flush && pending !== undefined) await this.send(pending);
  }

  private sendNow(details: Payload[]): void {
    this.lastSentAtMs = Date.now();
    const request = this.send(details).finally(() => {
      this.inFlight = undefined;
      if (!this.closed) this.scheduleNext();
    });
    this.inFlight = request;
  }

  private scheduleNext(): void {
    const waitMs = Math.max(0, this.intervalMs - (Date.now() - this.lastSentAtMs));
    this.throttleTimer = setTimeout(() => {
      this.throttleTimer = undefined;
      const pending = this.pending;
      this.pending = undefined;
      if (pending === undefined) {
        this.throttling = false;
      } else {
        this.sendNow(pending);
      }
    }, waitMs);
  }
}
