// A map that keeps memory bounded whatever clients do: it forgets entries unused for `idleMs`, and past
// `max` entries the least recently used one. Map order is insertion order, so re-inserting an entry on use
// keeps the least recently used first: forgetting idle entries stops at the first fresh one.
export class RecentMap<K, V> {
  private readonly entries = new Map<K, { value: V; usedAt: number }>();

  constructor(
    private readonly max: number,
    private readonly idleMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value for `key` without marking it used; undefined when missing or idle too long. */
  peek(key: K, now: number): V | undefined {
    const entry = this.entries.get(key);
    return entry && now - entry.usedAt < this.idleMs ? entry.value : undefined;
  }

  /** The value for `key` (made by `make` when missing or forgotten), marked used at `now`. */
  use(key: K, now: number, make: () => V): V {
    this.forgetIdle(now);
    const value = this.peek(key, now) ?? make();
    this.entries.delete(key);
    this.entries.set(key, { value, usedAt: now });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
    return value;
  }

  *values(): IterableIterator<[K, V]> {
    for (const [key, entry] of this.entries) yield [key, entry.value];
  }

  private forgetIdle(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.usedAt < this.idleMs) return;
      this.entries.delete(key);
    }
  }
}
