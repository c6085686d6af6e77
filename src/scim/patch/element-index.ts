// The elements of one multi-valued attribute, indexed by sub-attribute value, so each PATCH operation on
// it costs what it touches, not a scan and copy of the whole list (5,000 "add emails" operations held the
// event loop for 3.9 s; 1,000 emails[value eq "…"] operations on 1,000 emails took 2.4 s). The index owns
// the attribute's array while a request runs: a change to the list or its elements goes through it, or
// drops it (attribute-ops.ts subOfEach, which changes every element).
import { isObject } from '../coerce.ts';
import { foldString, foldsCase } from '../fold.ts';
import { findAttr } from '../schemas/index.ts';
import type { AttributeDef } from '../schemas/types.ts';

type Obj = Record<string, unknown>;

/** A sub-attribute (or, for a simple multi-valued attribute, the attribute itself) and a value. */
export type Pair = [AttributeDef, unknown];

/** The index key of a scalar value: folded when the sub-attribute compares case-insensitively, as the
 *  filter evaluator and RFC 7644 §3.5.2.1's "already present" compare. */
function keyOf(def: AttributeDef, value: unknown): string | undefined {
  if (typeof value === 'string') return `s${foldsCase(def) ? foldString(value) : value}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value}${value}`;
  return undefined;
}

/** What the operations of one PATCH request share: an index per attribute array (an operation that swaps
 *  the array for a new one, a replace or a remove of the whole attribute, leaves its index behind and the
 *  next builds anew), and how many elements unindexed value filters examined (SCIM_LIMITS.patchFilterScans). */
export class PatchWork {
  readonly indexes = new WeakMap<unknown[], ElementIndex>();
  scanned = 0;
}

export class ElementIndex {
  /** sub-attribute name → value key → the elements holding it. */
  private readonly buckets = new Map<string, Map<string, Set<unknown>>>();
  /** RFC 7643 §2.4: at most one; tracked so a new primary demotes the old one without a scan. */
  private readonly primaries = new Set<Obj>();

  constructor(
    private readonly def: AttributeDef,
    readonly items: unknown[],
  ) {
    for (const item of items) this.enter(item);
  }

  /** The index for the attribute's current array, built on first use. */
  static of(work: PatchWork, def: AttributeDef, items: unknown[]): ElementIndex {
    let index = work.indexes.get(items);
    if (index === undefined) work.indexes.set(items, (index = new ElementIndex(def, items)));
    return index;
  }

  /** [sub-attribute, value] pairs of an element, or undefined when one of its keys is not a sub-attribute. */
  private pairsOf(element: unknown): Pair[] | undefined {
    if (this.def.type !== 'complex') return [[this.def, element]];
    if (!isObject(element)) return undefined;
    const pairs: Pair[] = [];
    for (const [key, value] of Object.entries(element)) {
      const sub = findAttr(this.def.subAttributes, key);
      if (sub === undefined) return undefined;
      pairs.push([sub, value]);
    }
    return pairs;
  }

  private bucket(sub: AttributeDef, value: unknown, create: boolean): Set<unknown> | undefined {
    const key = keyOf(sub, value);
    if (key === undefined) return undefined;
    let byValue = this.buckets.get(sub.name);
    if (byValue === undefined) {
      if (!create) return undefined;
      this.buckets.set(sub.name, (byValue = new Map()));
    }
    let set = byValue.get(key);
    if (set === undefined && create) byValue.set(key, (set = new Set()));
    return set;
  }

  private enter(item: unknown): void {
    for (const [sub, value] of this.pairsOf(item) ?? []) this.bucket(sub, value, true)?.add(item);
    if (isObject(item) && item.primary === true) this.primaries.add(item);
  }

  private leave(item: unknown): void {
    for (const [sub, value] of this.pairsOf(item) ?? []) this.bucket(sub, value, false)?.delete(item);
    if (isObject(item)) this.primaries.delete(item);
  }

  /**
   * The elements holding every pair's value (a superset check for filters the caller then applies), found
   * through the smallest bucket; undefined when there are no pairs, i.e. every element is a candidate.
   */
  candidates(pairs: readonly Pair[]): unknown[] | undefined {
    if (pairs.length === 0) return undefined;
    let smallest: Set<unknown> | undefined;
    for (const [sub, value] of pairs) {
      const set = this.bucket(sub, value, false);
      if (set === undefined || set.size === 0) return [];
      if (smallest === undefined || set.size < smallest.size) smallest = set;
    }
    const valueIn = (element: unknown, sub: AttributeDef) => (this.def.type === 'complex' ? (element as Obj)[sub.name] : element);
    const found = [...smallest!].filter((e) => pairs.every(([sub, value]) => keyOf(sub, valueIn(e, sub)) === keyOf(sub, value)));
    if (found.length < 2) return found;
    // In list order, as a scan would see them (the first primary among them wins, RFC 7643 §2.4).
    const wanted = new Set(found);
    return this.items.filter((e) => wanted.has(e));
  }

  /** RFC 7644 §3.5.2.1: the elements holding every sub-attribute value `probe` sets (caseExact respected). */
  containing(probe: unknown): unknown[] {
    const pairs = this.pairsOf(probe);
    if (pairs === undefined) return [];
    return this.candidates(pairs) ?? [...this.items];
  }

  /** Appends an element; a primary one makes every other element non-primary (RFC 7644 §3.5.2). */
  add(item: unknown): void {
    this.items.push(item);
    this.enter(item);
    this.keepOnePrimary(item);
  }

  remove(element: unknown): void {
    this.leave(element);
    this.drop(element);
  }

  private drop(element: unknown): void {
    const at = this.items.indexOf(element);
    if (at >= 0) this.items.splice(at, 1);
  }

  /** Changes an element in place; one left without sub-attributes is removed (RFC 7643 §2.5: unassigned). */
  update(element: Obj, change: (e: Obj) => void): void {
    this.leave(element);
    change(element);
    if (Object.keys(element).length === 0) this.drop(element);
    else this.enter(element);
  }

  /** Sets (or, for undefined, unassigns) one sub-attribute of an element: only that bucket changes. */
  setSub(element: Obj, sub: AttributeDef, value: unknown): void {
    this.bucket(sub, element[sub.name], false)?.delete(element);
    if (value === undefined) {
      delete element[sub.name];
    } else {
      element[sub.name] = value;
      this.bucket(sub, value, true)?.add(element);
    }
    if (element.primary === true) this.primaries.add(element);
    else this.primaries.delete(element);
    if (Object.keys(element).length === 0) this.remove(element);
  }

  /** RFC 7643 §2.4: when `winner` is primary, every other element stops being primary. */
  keepOnePrimary(winner: unknown): void {
    if (!isObject(winner) || winner.primary !== true) return;
    const primary = findAttr(this.def.subAttributes, 'primary')!;
    for (const other of [...this.primaries]) if (other !== winner) this.setSub(other, primary, false);
  }
}
