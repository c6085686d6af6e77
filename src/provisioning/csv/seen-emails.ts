// The addresses an import has met so far and the row of each, to fail a later row with the same address.
// Held as 96 bits of each address's SHA-1 and a row number in flat typed arrays (16 bytes a row, ~32 MB at
// the largest file of 1,000,000 rows), never as the addresses themselves. Two addresses share 96 bits with
// a probability of about 1 in 10^16 for such a file.
import { createHash } from 'node:crypto';

export class SeenEmails {
  #keys = new Uint32Array(3 * 1024);
  #rows = new Uint32Array(1024);
  #size = 0;

  /** The row that holds `key` already, else undefined after remembering it on `row` (≥ 1). */
  firstRow(key: string, row: number): number | undefined {
    const digest = createHash('sha1').update(key).digest();
    const [a, b, c] = [digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8)];
    const found = this.#find(a, b, c);
    if (this.#rows[found]) return this.#rows[found];
    this.#put(found, a, b, c, row);
    if (++this.#size * 2 > this.#rows.length) this.#grow();
    return undefined;
  }

  /** The slot holding the key, or the empty slot where it belongs (linear probing). */
  #find(a: number, b: number, c: number): number {
    const mask = this.#rows.length - 1;
    for (let i = a & mask; ; i = (i + 1) & mask) {
      if (!this.#rows[i] || (this.#keys[3 * i] === a && this.#keys[3 * i + 1] === b && this.#keys[3 * i + 2] === c)) return i;
    }
  }

  #put(slot: number, a: number, b: number, c: number, row: number): void {
    this.#keys.set([a, b, c], 3 * slot);
    this.#rows[slot] = row;
  }

  #grow(): void {
    const [keys, rows] = [this.#keys, this.#rows];
    this.#keys = new Uint32Array(keys.length * 2);
    this.#rows = new Uint32Array(rows.length * 2);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i]) this.#put(this.#find(keys[3 * i]!, keys[3 * i + 1]!, keys[3 * i + 2]!), keys[3 * i]!, keys[3 * i + 1]!, keys[3 * i + 2]!, rows[i]!);
    }
  }
}
