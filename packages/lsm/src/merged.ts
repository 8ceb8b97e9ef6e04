import type { Cursor, Entry, RangeOptions, RangeTombstone, ReadOptions, Table } from '@memrep/core';
import {
  assertBytes,
  FragmentedRangeTombstones,
  MAX_SEQ,
  MergingCursor,
  normalizeRange,
  type RangeBounds,
  type RangeTombstoneCoverage,
  type RawCursor,
  resolveSnapshot,
  SnapshotCursor,
  TableBase,
  unsupported,
  VisibleIterator,
  type VisibleMode,
  YIELD_ENTRIES,
  YIELD_KEYS,
  YIELD_VALUES,
} from '@memrep/core/backend';

/**
 * Reads over several tables whose seqs increase with recency (newest first), as one table:
 * what a `MemtableList` reads through, and what an engine holding its own sorted runs in
 * memrep tables reads through with its runs appended after the memtables.
 *
 * Point reads ask each table's `find` newest first and stop at the first answer (a covered key
 * answers with its range tombstone). Ordered reads run core's one visibility layer
 * (`VisibleIterator`) over core's k-way merge of the tables' raw cursors (`MergingCursor`), with
 * a range-tombstone coverage that answers the highest covering seq over every table, so a newer
 * table's range delete hides an older table's entries.
 *
 * Invariants:
 * 1. REQUIRES: every entry and range tombstone of `tables[i]` has a higher seq than every one
 *    of `tables[j]` for i < j.
 * 2. `tables` is fixed at construction; an iterator or cursor reads the tables it was made
 *    over, at the snapshot it was made with.
 * 3. Ordered reads need memrep tables (`TableBase`: every backend of this repo and any built on
 *    `@memrep/core/backend`); over another `Table` they throw `MEMREP_UNSUPPORTED`.
 */
export class MergedTables {
  /** The tables read, newest first. */
  readonly tables: readonly Table[];
  readonly #options = { snapshot: -1 };

  constructor(tables: readonly Table[]) {
    this.tables = tables;
  }

  /** The highest `lastSeq` of the tables: the default snapshot of their reads. */
  get lastSeq(): number {
    let last = -1;
    for (const t of this.tables) if (t.lastSeq > last) last = t.lastSeq;
    return last;
  }

  /** The newest visible entry for `key` as of `snapshot`, tombstones included. */
  find(key: Uint8Array, snapshot: number): Entry | undefined {
    const tables = this.tables;
    const options = this.#options;
    options.snapshot = snapshot;
    for (let i = 0; i < tables.length; i++) {
      const entry = tables[i].find(key, options);
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  /** The value of the newest visible version of `key` as of `snapshot`; undefined if absent or deleted. */
  get(key: Uint8Array, snapshot: number): Uint8Array | undefined {
    const tables = this.tables;
    const options = this.#options;
    options.snapshot = snapshot;
    const last = tables.length - 1;
    for (let i = 0; i < last; i++) {
      const entry = tables[i].find(key, options);
      if (entry !== undefined) return entry.value;
    }
    return last >= 0 ? tables[last].get(key, options) : undefined;
  }

  /** Whether `key` is live as of `snapshot`. */
  has(key: Uint8Array, snapshot: number): boolean {
    const tables = this.tables;
    const options = this.#options;
    options.snapshot = snapshot;
    const last = tables.length - 1;
    for (let i = 0; i < last; i++) {
      const entry = tables[i].find(key, options);
      if (entry !== undefined) return entry.kind === 'put';
    }
    return last >= 0 ? tables[last].has(key, options) : false;
  }

  /** Live keys and values in key order (or reversed), as of `options.snapshot ?? snapshot`. */
  range(
    options: RangeOptions | undefined,
    snapshot: number,
  ): IterableIterator<[Uint8Array, Uint8Array]> {
    return this.#iterate(normalizeRange(options, snapshot), YIELD_ENTRIES);
  }

  /** Live keys (`range`'s keys). */
  keys(options: RangeOptions | undefined, snapshot: number): IterableIterator<Uint8Array> {
    return this.#iterate(normalizeRange(options, snapshot), YIELD_KEYS);
  }

  /** Live values (`range`'s values). */
  values(options: RangeOptions | undefined, snapshot: number): IterableIterator<Uint8Array> {
    return this.#iterate(normalizeRange(options, snapshot), YIELD_VALUES);
  }

  /** Live keys starting with `prefix`, intersected with any bounds. */
  prefix(
    prefix: Uint8Array,
    options: RangeOptions | undefined,
    snapshot: number,
  ): IterableIterator<[Uint8Array, Uint8Array]> {
    assertBytes(prefix, 'prefix');
    return this.#iterate(normalizeRange(options, snapshot, prefix), YIELD_ENTRIES, prefix);
  }

  /**
   * Every entry of every table (all versions and point tombstones) in internal order, as a
   * flush or a merge of the tables needs it; with a snapshot, entries above it are skipped.
   */
  cursor(options?: ReadOptions): Cursor {
    const snapshot = resolveSnapshot(options, MAX_SEQ);
    const raws = this.#memrep().map((t) => t.rawCursor());
    return new SnapshotCursor(this.#merge(raws), snapshot);
  }

  /**
   * The range tombstones of every table visible at `snapshot`, by start ascending then seq
   * descending (what a flush of all of them writes).
   */
  rangeTombstones(snapshot: number): RangeTombstone[] {
    const all: RangeTombstone[] = [];
    for (const t of this.tables) for (const r of t.rangeTombstones({ snapshot })) all.push(r);
    return new FragmentedRangeTombstones(all).tombstones.slice();
  }

  /** The coverage over every table's range tombstones, or null when none holds any. */
  coverage(): RangeTombstoneCoverage | null {
    let parts: RangeTombstoneCoverage[] | null = null;
    for (const t of this.#memrep()) {
      const c = t.rangeTombstoneCoverage();
      if (c !== null) (parts ??= []).push(c);
    }
    if (parts === null) return null;
    return parts.length === 1 ? parts[0] : new HighestCoverage(parts);
  }

  #iterate<T>(bounds: RangeBounds, mode: VisibleMode, prefix?: Uint8Array): IterableIterator<T> {
    if (bounds.empty) return new VisibleIterator<T>(null, bounds, mode, null);
    const tables = this.#memrep();
    const raws = tables.map((t) => t.rawCursor(bounds, prefix));
    return new VisibleIterator<T>(this.#merge(raws), bounds, mode, this.coverage());
  }

  #merge(raws: RawCursor[]): RawCursor {
    if (raws.length === 1) return raws[0];
    return MergingCursor.of(raws, (this.tables[0] as TableBase).arena);
  }

  #memrep(): TableBase[] {
    const tables = this.tables;
    for (const t of tables) {
      if (!(t instanceof TableBase)) {
        throw unsupported(
          'ordered reads over several tables need memrep tables (built on @memrep/core/backend)',
        );
      }
    }
    return tables as TableBase[];
  }
}

/** A coverage over several tables: the highest covering seq of any of them. */
class HighestCoverage implements RangeTombstoneCoverage {
  readonly #parts: readonly RangeTombstoneCoverage[];

  constructor(parts: readonly RangeTombstoneCoverage[]) {
    this.#parts = parts;
  }

  coveringSeq(bytes: Uint8Array, offset: number, length: number, snapshot: number): number {
    let highest = -1;
    const parts = this.#parts;
    for (let i = 0; i < parts.length; i++) {
      const s = parts[i].coveringSeq(bytes, offset, length, snapshot);
      if (s > highest) highest = s;
    }
    return highest;
  }
}
