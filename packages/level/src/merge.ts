import {
  type Cursor,
  compareBytes,
  type RangeTombstone,
  type Table,
  type TableMut,
} from '@memrep/core';
import { FragmentedRangeTombstones } from '@memrep/core/backend';

/**
 * A key range in one normal form. `lower`/`upper` undefined mean unbounded; abstract-level's
 * rule that `gte` wins over `gt` and `lte` over `lt` is applied before this.
 */
export interface KeyRange {
  lower: Uint8Array | undefined;
  lowerExclusive: boolean;
  upper: Uint8Array | undefined;
  upperExclusive: boolean;
  reverse: boolean;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = n - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `key` lies inside both bounds of `range`. */
export function inRange(range: KeyRange, key: Uint8Array): boolean {
  if (range.lower !== undefined) {
    const c = compareBytes(key, range.lower);
    if (c < 0 || (c === 0 && range.lowerExclusive)) return false;
  }
  if (range.upper !== undefined) {
    const c = compareBytes(key, range.upper);
    if (c > 0 || (c === 0 && range.upperExclusive)) return false;
  }
  return true;
}

function emptyRange(range: KeyRange): boolean {
  if (range.lower === undefined || range.upper === undefined) return false;
  const c = compareBytes(range.lower, range.upper);
  return c > 0 || (c === 0 && (range.lowerExclusive || range.upperExclusive));
}

const EMPTY = new Uint8Array(0);

/**
 * The merging iterator of an LSM read: the live keys of several memtables as of one snapshot,
 * in key order or reversed. Tables come newest first and seqs are global, so for each key the
 * newest table that holds a visible entry holds its newest version, and a tombstone there
 * hides every older table.
 *
 * Invariants:
 * 1. `heads[i]` is the key under `cursors[i]`, or null once that cursor has left the tables.
 * 2. Between calls every cursor is on the first entry, in walk direction, of a key not yet
 *    yielded: the merge never looks back.
 * 3. The tables and the snapshot are fixed at construction; later writes to the active table
 *    are above the snapshot and its cursor skips them.
 * 4. A key's newest visible version is hidden when a range tombstone of any table, visible at
 *    the snapshot, covers it with a higher seq (seqs are global, so that is a newer table's or
 *    the same table's).
 */
export class LiveCursor {
  /** The key and value of the entry `next()` last moved to. */
  key: Uint8Array = EMPTY;
  value: Uint8Array | undefined = undefined;
  readonly #range: KeyRange;
  #cursors: Cursor[];
  readonly #heads: (Uint8Array | null)[];
  #positioned = false;
  #done: boolean;
  readonly #snapshot: number;
  /** Every table's range tombstones visible at the snapshot, or null when there are none. */
  readonly #coverage: FragmentedRangeTombstones | null;

  constructor(tables: readonly Table[], snapshot: number, range: KeyRange) {
    this.#range = range;
    this.#snapshot = snapshot;
    const options = { snapshot };
    this.#coverage = coverageOf(tables, options);
    this.#cursors = tables.map((table) => table.cursor(options));
    this.#heads = this.#cursors.map(() => null);
    this.#done = emptyRange(range);
  }

  /**
   * Moves to the next live key; false at the end of the range. The value is read only when
   * `withValue` is true (it is undefined otherwise).
   */
  next(withValue: boolean): boolean {
    if (this.#done) return false;
    if (!this.#positioned) this.#start();
    const found = this.#range.reverse ? this.#prevLive(withValue) : this.#nextLive(withValue);
    if (!found) this.#done = true;
    return found;
  }

  /**
   * Repositions at the first key >= target (<= target when reversed). A target outside the
   * range ends the walk, as in memory-level.
   */
  seek(target: Uint8Array): void {
    if (!inRange(this.#range, target) || this.#cursors.length === 0) {
      this.#done = true;
      return;
    }
    const cursors = this.#cursors;
    const reverse = this.#range.reverse;
    for (let i = 0; i < cursors.length; i++) {
      const c = cursors[i];
      if (reverse) c.seekForPrev(target);
      else c.seek(target);
      this.#heads[i] = c.valid ? c.key : null;
    }
    this.#positioned = true;
    this.#done = false;
  }

  /** Lets go of the tables (an iterator holds them until it closes). */
  release(): void {
    this.#cursors = [];
    this.#heads.length = 0;
    this.#done = true;
  }

  #start(): void {
    this.#positioned = true;
    const { lower, upper, reverse } = this.#range;
    const cursors = this.#cursors;
    const heads = this.#heads;
    for (let i = 0; i < cursors.length; i++) {
      const c = cursors[i];
      if (!reverse) {
        if (lower === undefined) c.first();
        else c.seek(lower);
        heads[i] = c.valid ? c.key : null;
        const head = heads[i];
        if (head !== null && this.#range.lowerExclusive && equalBytes(head, lower!)) {
          this.#skipForward(i, head);
        }
      } else {
        if (upper === undefined) c.last();
        else c.seekForPrev(upper);
        heads[i] = c.valid ? c.key : null;
        const head = heads[i];
        if (head !== null && this.#range.upperExclusive && equalBytes(head, upper!)) {
          this.#skipBackward(i, head);
        }
      }
    }
  }

  #nextLive(withValue: boolean): boolean {
    const cursors = this.#cursors;
    const heads = this.#heads;
    const n = cursors.length;
    const { upper, upperExclusive } = this.#range;
    for (;;) {
      let w = -1;
      let min: Uint8Array | null = null;
      for (let i = 0; i < n; i++) {
        const head = heads[i];
        if (head !== null && (min === null || compareBytes(head, min) < 0)) {
          min = head;
          w = i;
        }
      }
      if (min === null) return false;
      if (upper !== undefined) {
        const c = compareBytes(min, upper);
        if (c > 0 || (c === 0 && upperExclusive)) return false;
      }
      // The winner is on the key's first entry in internal order: its newest visible version.
      const cursor = cursors[w];
      const live = cursor.kind === 'put' && !this.#covered(min, cursor.seq);
      const value = live && withValue ? cursor.value : undefined;
      this.#skipForward(w, min);
      // Tables before the winner have larger heads; only later ones can hold this key too.
      for (let i = w + 1; i < n; i++) {
        const head = heads[i];
        if (head !== null && equalBytes(head, min)) this.#skipForward(i, min);
      }
      if (live) {
        this.key = min;
        this.value = value;
        return true;
      }
    }
  }

  #prevLive(withValue: boolean): boolean {
    const cursors = this.#cursors;
    const heads = this.#heads;
    const n = cursors.length;
    const { lower, lowerExclusive } = this.#range;
    for (;;) {
      let w = -1;
      let max: Uint8Array | null = null;
      for (let i = 0; i < n; i++) {
        const head = heads[i];
        if (head !== null && (max === null || compareBytes(head, max) > 0)) {
          max = head;
          w = i;
        }
      }
      if (max === null) return false;
      if (lower !== undefined) {
        const c = compareBytes(max, lower);
        if (c < 0 || (c === 0 && lowerExclusive)) return false;
      }
      // Walking backwards a key's versions come oldest first: the visible one is the last.
      const cursor = cursors[w];
      let live = false;
      let value: Uint8Array | undefined;
      let head: Uint8Array | null = null;
      for (;;) {
        live = cursor.kind === 'put' && !this.#covered(max, cursor.seq);
        if (live && withValue) value = cursor.value;
        cursor.prev();
        if (!cursor.valid) break;
        head = cursor.key;
        if (!equalBytes(head, max)) break;
        head = null;
      }
      heads[w] = head;
      for (let i = w + 1; i < n; i++) {
        const h = heads[i];
        if (h !== null && equalBytes(h, max)) this.#skipBackward(i, max);
      }
      if (live) {
        this.key = max;
        this.value = withValue ? value : undefined;
        return true;
      }
    }
  }

  /** Whether a range tombstone hides the version of `key` at `seq` (invariant 4). */
  #covered(key: Uint8Array, seq: number): boolean {
    const coverage = this.#coverage;
    return coverage !== null && coverage.coveringSeq(key, 0, key.length, this.#snapshot) > seq;
  }

  /** Moves cursor `i` past every entry of `key`, going forward. */
  #skipForward(i: number, key: Uint8Array): void {
    const c = this.#cursors[i];
    let head: Uint8Array | null = null;
    for (;;) {
      c.next();
      if (!c.valid) break;
      head = c.key;
      if (!equalBytes(head, key)) break;
      head = null;
    }
    this.#heads[i] = head;
  }

  /** Moves cursor `i` past every entry of `key`, going backward. */
  #skipBackward(i: number, key: Uint8Array): void {
    const c = this.#cursors[i];
    let head: Uint8Array | null = null;
    for (;;) {
      c.prev();
      if (!c.valid) break;
      head = c.key;
      if (!equalBytes(head, key)) break;
      head = null;
    }
    this.#heads[i] = head;
  }
}

/** Marks a version that stands for a range tombstone covering the key (never written). */
const COVERED = new Uint8Array(0);

/**
 * Inserts, into a key's versions (seq descending), a tombstone-like version at the seq of each
 * range tombstone covering `key`, so that the kept-version rule treats it as a point tombstone.
 */
function addCoveringVersions(
  coverage: FragmentedRangeTombstones,
  key: Uint8Array,
  seqs: number[],
  values: (Uint8Array | undefined)[],
): void {
  let below = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const t = coverage.coveringSeq(key, 0, key.length, below);
    if (t < 0) return;
    let at = 0;
    while (at < seqs.length && seqs[at] > t) at++;
    seqs.splice(at, 0, t);
    values.splice(at, 0, COVERED);
    below = t - 1;
  }
}

/** The range tombstones of all `tables` visible at the snapshot, fragmented; null if none. */
function coverageOf(
  tables: readonly Table[],
  options: { snapshot: number },
): FragmentedRangeTombstones | null {
  let all: RangeTombstone[] | null = null;
  for (const table of tables) {
    for (const t of table.rangeTombstones(options)) (all ??= []).push(t);
  }
  return all === null ? null : new FragmentedRangeTombstones(all);
}

/**
 * Merges a run of frozen tables (newest first, adjacent in the database's list) into `out`,
 * keeping of each key only the versions a reader can still see: the newest one, and for each
 * pinned snapshot the newest version at or below it. When the run reaches the bottom (no
 * older table holds data), tombstones left with nothing older to hide are dropped too.
 *
 * A range tombstone counts, for each key it covers, as a tombstone version at its seq: versions
 * it hides from every reader are dropped like versions a point tombstone hides. The range
 * tombstones themselves are carried over, unless the run is the bottom and no snapshot is
 * pinned (nothing is left for them to hide then).
 *
 * REQUIRES: `pins` sorted descending; the run's tables take no more writes.
 * Returns the number of entries written to `out`.
 */
export function mergeTables(
  run: readonly Table[],
  out: TableMut,
  pins: readonly number[],
  bottom: boolean,
): number {
  const cursors = run.map((table) => table.cursor());
  const heads: (Uint8Array | null)[] = cursors.map((c) => {
    c.first();
    return c.valid ? c.key : null;
  });
  const n = cursors.length;
  const seqs: number[] = [];
  const values: (Uint8Array | undefined)[] = [];
  const kept: number[] = [];
  let written = 0;
  const coverage = coverageOf(run, { snapshot: Number.MAX_SAFE_INTEGER });
  if (coverage !== null && !(bottom && pins.length === 0)) {
    for (const t of coverage.tombstones) {
      out.deleteRange(t.start, t.end, t.seq);
      written++;
    }
  }
  for (;;) {
    let min: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const head = heads[i];
      if (head !== null && (min === null || compareBytes(head, min) < 0)) min = head;
    }
    if (min === null) return written;
    // Newer tables hold higher seqs, and a table lists a key's versions seq descending: walking
    // the run newest table first collects the versions newest first.
    seqs.length = 0;
    values.length = 0;
    for (let i = 0; i < n; i++) {
      const head = heads[i];
      if (head === null || !equalBytes(head, min)) continue;
      const c = cursors[i];
      let next: Uint8Array | null = null;
      for (;;) {
        seqs.push(c.seq);
        values.push(c.kind === 'put' ? c.value : undefined);
        c.next();
        if (!c.valid) break;
        next = c.key;
        if (!equalBytes(next, min)) break;
        next = null;
      }
      heads[i] = next;
    }
    if (coverage !== null) addCoveringVersions(coverage, min, seqs, values);
    // A version is needed by the newest reader (the first one) or by a pinned snapshot that
    // lies at or above it and below the next newer version.
    kept.length = 0;
    let p = 0;
    let newer = Number.POSITIVE_INFINITY;
    for (let j = 0; j < seqs.length; j++) {
      const seq = seqs[j];
      while (p < pins.length && pins[p] >= newer) p++;
      if (j === 0 || (p < pins.length && pins[p] >= seq)) kept.push(j);
      newer = seq;
    }
    if (bottom) {
      while (kept.length > 0) {
        const last = values[kept[kept.length - 1]];
        if (last !== undefined && last !== COVERED) break;
        kept.pop();
      }
    }
    for (let j = 0; j < kept.length; j++) {
      const v = kept[j];
      const value = values[v];
      if (value === COVERED) continue;
      if (value === undefined) out.delete(min, seqs[v]);
      else out.put(min, value, seqs[v]);
      written++;
    }
  }
}
