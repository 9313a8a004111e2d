/**
 * A token bucket: `ratePerSecond` tokens a second flow in, up to `burst` are kept. A call
 * takes one token or, when none is left, learns how long until one is there (the retry
 * delay the client is told). Time comes from the caller, so tests need no sleeps.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  /** Take a token: 0 when one was there, else the milliseconds until one will be. */
  take(nowMs: number): number {
    this.refill(nowMs);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    if (this.ratePerSecond <= 0) return Number.POSITIVE_INFINITY;
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** The bucket is full: it holds nothing a fresh bucket would not, so it may be dropped. */
  isFull(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= this.burst;
  }

  private refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
  }
}
