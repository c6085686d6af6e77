// Per client address, failed tokens: after MAX_FAILURES 401s within WINDOW_MS of the first, the address's
// requests with a missing or wrong token get 429 until that window ends. A valid token is never refused
// here: an identity provider behind the same NAT as an attacker must keep provisioning. Per process (each
// instance counts its own 401s), so n instances allow n × MAX_FAILURES per window; the point is to cut a
// token-guessing client's rate and log noise, not to protect 256-bit tokens, which cannot be guessed.
import { RecentMap } from './recent-map.ts';

export const MAX_FAILURES = 20;
const WINDOW_MS = 60_000;
/** Addresses remembered at most; past it the least recently failing are forgotten. */
const MAX_ADDRESSES = 100_000;

interface Window {
  start: number;
  failures: number;
}

export class FailedAuthLimits {
  // An address is forgotten WINDOW_MS after its last failure, when its window has surely ended.
  private readonly windows = new RecentMap<string, Window>(MAX_ADDRESSES, WINDOW_MS);

  /** Seconds until `address` may try tokens again, or 0 when it may now. */
  blockedFor(address: string, now: number): number {
    const w = this.windows.peek(address, now);
    if (!w || w.failures < MAX_FAILURES || now - w.start >= WINDOW_MS) return 0;
    return (w.start + WINDOW_MS - now) / 1000;
  }

  /** Counts a request from `address` answered 401. */
  failed(address: string, now: number): void {
    const w = this.windows.use(address, now, () => ({ start: now, failures: 0 }));
    if (now - w.start >= WINDOW_MS) {
      w.start = now;
      w.failures = 0;
    }
    w.failures += 1;
  }
}
