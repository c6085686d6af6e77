// A token bucket: `rate` requests per second on average, up to `capacity` at once after a quiet spell.
// Tokens are added lazily, from the time elapsed since the last use, so an idle bucket costs nothing.
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private rate: number,
    private capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }

  /** Takes a token: 0 when one was there, else the seconds until one will be. */
  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return (1 - this.tokens) / this.rate;
  }

  /** Changes the rate from `now` on; what was earned at the old rate is kept, up to the new capacity. */
  reshape(rate: number, capacity: number, now: number): void {
    this.refill(now);
    this.rate = rate;
    this.capacity = capacity;
    this.tokens = Math.min(this.tokens, capacity);
  }

  private refill(now: number): void {
    // A clock that steps back (a test's, or NTP) earns nothing rather than taking tokens away.
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate);
    this.at = Math.max(this.at, now);
  }
}
