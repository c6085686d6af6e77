// The elements of one multi-valued attribute, indexed by sub-attribute value, so a PATCH of N "add emails"
// operations costs N lookups instead of N scans of a growing list (5,000 such operations held the event
// loop for 3.9 s). RFC 7644 §3.5.2.1: a value already present is not added again; "present" means an
// element holding every sub-attribute the new value sets, with the same value (caseExact respected).
import { isObject } from '../coerce.ts';
import { foldString, foldsCase } from '../fold.ts';
import { findAttr } from '../schemas/index.ts';
import type { AttributeDef } from '../schemas/types.ts';

type Obj = Record<string, unknown>;

/** The index key of a scalar value: folded when the sub-attribute compares case-insensitively. */
function keyOf(def: AttributeDef, value: unknown): string | undefined {
  if (typeof value === 'string') return `s${foldsCase(def) ? foldString(value) : value}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value}${value}`;
  return undefined;
}

/** [sub-attribute, value] pairs of an element; a simple multi-valued attribute's element is its own value. */
function pairsOf(def: AttributeDef, element: unknown): Array<[AttributeDef, unknown]> | undefined {
  if (def.type !== 'complex') return [[def, element]];
  if (!isObject(element)) return undefined;
  const pairs: Array<[AttributeDef, unknown]> = [];
  for (const [key, value] of Object.entries(element)) {
    const sub = findAttr(def.subAttributes, key);
    if (sub === undefined) return undefined; // a key no element can match on
    pairs.push([sub, value]);
  }
  return pairs;
}

/** One PATCH request's indexes, by the array they index: an operation that replaces an attribute's array
 *  (remove, replace, a filtered path) leaves its index behind, and the next add builds a new one. */
export type ElementIndexes = WeakMap<unknown[], ElementIndex>;

export class ElementIndex {
  /** sub-attribute name → value key → the elements holding it. */
  private readonly buckets = new Map<string, Map<string, Set<unknown>>>();
  /** RFC 7643 §2.4: at most one; tracked so a new primary demotes the old one without a scan. */
  private readonly primaries = new Set<Obj>();

  /** `items` is the attribute's array; `add` appends to it, so the index and the array stay one. */
  constructor(
    private readonly def: AttributeDef,
    readonly items: unknown[],
  ) {
    for (const item of items) this.enter(item);
  }

  private bucket(sub: AttributeDef, value: unknown, create: boolean): Set<unknown> | undefined {
    const key = keyOf(sub, value);
    if (key === undefined) return undefined;
    let byValue = this.buckets.get(sub.name);
    if (byValue === undefined && create) this.buckets.set(sub.name, (byValue = new Map()));
    let set = byValue?.get(key);
    if (set === undefined && create && byValue !== undefined) byValue.set(key, (set = new Set()));
    return set;
  }

  private enter(item: unknown): void {
    for (const [sub, value] of pairsOf(this.def, item) ?? []) this.bucket(sub, value, true)?.add(item);
    if (isObject(item) && item.primary === true) this.primaries.add(item);
  }

  /** Whether some element holds every sub-attribute value `probe` sets: the smallest bucket of the
   *  probe's values is the only place such an element can be. */
  has(probe: unknown): boolean {
    const pairs = pairsOf(this.def, probe);
    if (pairs === undefined) return false;
    if (pairs.length === 0) return this.items.length > 0;
    let smallest: Set<unknown> | undefined;
    for (const [sub, value] of pairs) {
      const set = this.bucket(sub, value, false);
      if (set === undefined) return false;
      if (smallest === undefined || set.size < smallest.size) smallest = set;
    }
    const valueIn = (element: unknown, sub: AttributeDef) => (this.def.type === 'complex' ? (element as Obj)[sub.name] : element);
    for (const element of smallest!) {
      if (pairs.every(([sub, value]) => keyOf(sub, valueIn(element, sub)) === keyOf(sub, value))) return true;
    }
    return false;
  }

  /** Appends an element; a primary one makes every other element non-primary (RFC 7644 §3.5.2). */
  add(item: unknown): void {
    if (isObject(item) && item.primary === true) {
      const primary = findAttr(this.def.subAttributes, 'primary')!;
      for (const other of this.primaries) {
        this.bucket(primary, true, false)?.delete(other);
        other.primary = false;
        this.bucket(primary, false, true)?.add(other);
      }
      this.primaries.clear();
    }
    this.items.push(item);
    this.enter(item);
  }
}
