import { type TableMut, WriteBatch } from '@memrep/core';
import { type KeyRange, LiveCursor, mergeTables } from './merge.js';
import type { ResolvedOptions, TableFactory } from './options.js';

/** What one memtable holds, as `MemrepLevel#stats()` reports it. */
export interface MemtableStats {
  id: number;
  frozen: boolean;
  count: number;
  dataSize: number;
  memoryUsage: number;
  lastSeq: number;
}

export interface MemtablesStats {
  /** The visible sequence number: every committed write is at or below it. */
  seq: number;
  /** Newest first: the active table, then the frozen ones. */
  tables: MemtableStats[];
  /** Explicit snapshots open now. */
  snapshots: number;
  /** Memtables frozen so far (the active one reached writeBufferSize). */
  rotations: number;
  /** Merges of frozen memtables so far. */
  compactions: number;
}

/**
 * Bytes one entry may take in an arena beyond its key and value: the entry header, the most
 * aux words a backend may keep (63, a tower or links) and alignment. An upper bound, used to
 * decide before a batch whether it surely fits the active table.
 */
const ENTRY_OVERHEAD_BOUND = 16 + 63 * 4 + 8;
/** Per-entry bytes counted on top of dataSize when sizing tables for compaction. */
const ENTRY_SIZE_ESTIMATE = 32;

/**
 * The memtable lifecycle of an LSM engine, with nothing below it: one active table takes the
 * writes; when its `memoryUsage` reaches `writeBufferSize` it is frozen and a new one started;
 * frozen tables are merged by size-tiered compaction so that their number stays small.
 *
 * Invariants:
 * 1. Seqs are global: every entry of a newer table has a higher seq than every entry of an
 *    older one, so for each key the newest table holding a visible entry holds its newest
 *    version, and a tombstone there hides the older tables.
 * 2. A batch is atomic: it takes consecutive seqs in one table through `TableMut.write`, which
 *    applies it all or none, and `visibleSeq` moves past them only once all are written.
 *    Reads default to `visibleSeq` as their snapshot, so no read, iterator or snapshot sees
 *    part of a batch.
 * 5. A range tombstone lives in the table it was written to and hides, in every read, the
 *    entries of that table and of every older one below its seq (seqs are global).
 * 3. `tables` is never changed in place: a rotation or compaction installs a new array, so an
 *    iterator that captured the array goes on reading exactly the tables it started with.
 * 4. A compaction keeps every version a pinned snapshot can see; iterators need nothing kept,
 *    since they hold their own tables (invariant 3).
 */
export class Memtables {
  readonly #factory: TableFactory;
  readonly #options: ResolvedOptions;
  /** Newest first: `[active, ...frozen]`. */
  #tables: readonly TableMut[];
  #visibleSeq = -1;
  /** Pinned snapshot seq -> how many open snapshots hold it. */
  readonly #pins = new Map<number, number>();
  readonly #readOptions = { snapshot: -1 };
  #rotations = 0;
  #compactions = 0;

  constructor(factory: TableFactory, options: ResolvedOptions) {
    this.#factory = factory;
    this.#options = options;
    this.#tables = [this.#createTable(options.writeBufferSize)];
  }

  /** The highest committed seq: the default snapshot of every read. -1 when nothing is. */
  get visibleSeq(): number {
    return this.#visibleSeq;
  }

  /** The current tables, newest first. Never mutated: safe to keep (invariant 3). */
  get tables(): readonly TableMut[] {
    return this.#tables;
  }

  // ---- reads -------------------------------------------------------------------------------

  /** The value of `key` as of `snapshot`; undefined when absent or deleted. */
  get(key: Uint8Array, snapshot: number): Uint8Array | undefined {
    const tables = this.#tables;
    const options = this.#readOptions;
    options.snapshot = snapshot;
    const last = tables.length - 1;
    for (let i = 0; i < last; i++) {
      const entry = tables[i].find(key, options);
      if (entry !== undefined) return entry.value;
    }
    return tables[last].get(key, options);
  }

  has(key: Uint8Array, snapshot: number): boolean {
    const tables = this.#tables;
    const options = this.#readOptions;
    options.snapshot = snapshot;
    const last = tables.length - 1;
    for (let i = 0; i < last; i++) {
      const entry = tables[i].find(key, options);
      if (entry !== undefined) return entry.kind === 'put';
    }
    return tables[last].has(key, options);
  }

  /** A merging cursor over the current tables, pinned to `snapshot`. */
  cursor(snapshot: number, range: KeyRange): LiveCursor {
    return new LiveCursor(this.#tables, snapshot, range);
  }

  // ---- snapshots ---------------------------------------------------------------------------

  /** Pins the visible seq for an explicit snapshot and returns it. */
  pin(): number {
    const seq = this.#visibleSeq;
    this.#pins.set(seq, (this.#pins.get(seq) ?? 0) + 1);
    return seq;
  }

  unpin(seq: number): void {
    const count = this.#pins.get(seq);
    if (count === undefined) return;
    if (count <= 1) this.#pins.delete(seq);
    else this.#pins.set(seq, count - 1);
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Writes `batch` atomically (invariant 2). Throws what the table threw (a key over the
   * table's limit, a batch larger than a whole arena), having written nothing.
   */
  write(batch: WriteBatch): void {
    if (batch.count === 0) return;
    this.#beforeWrite(batch.byteSize + batch.count * ENTRY_OVERHEAD_BOUND);
    const seq = this.#visibleSeq + 1;
    try {
      this.#tables[0].write(batch, seq);
    } catch (error) {
      // The estimate is a bound for tables built on core's entry records; a backend that needs
      // more gets one retry in a fresh table before the batch is refused.
      if (!isArenaFull(error) || this.#tables[0].count === 0) throw error;
      this.#rotate();
      this.#tables[0].write(batch, seq);
    }
    this.#afterWrite(seq + batch.count - 1);
  }

  /** One put (`value` defined) or delete, as a batch of one without building one. */
  writeOne(key: Uint8Array, value: Uint8Array | undefined): void {
    this.#beforeWrite(key.length + (value === undefined ? 0 : value.length) + ENTRY_OVERHEAD_BOUND);
    const seq = this.#visibleSeq + 1;
    try {
      this.#writeOneInto(this.#tables[0], key, value, seq);
    } catch (error) {
      if (!isArenaFull(error) || this.#tables[0].count === 0) throw error;
      this.#rotate();
      this.#writeOneInto(this.#tables[0], key, value, seq);
    }
    this.#afterWrite(seq);
  }

  /** A range tombstone over `[start, end)` in the active table (invariant 5). */
  deleteRange(start: Uint8Array, end: Uint8Array): void {
    const batch = new WriteBatch().deleteRange(start, end);
    this.write(batch);
  }

  #beforeWrite(estimate: number): void {
    const active = this.#tables[0];
    if (active.count > 0 && active.memoryUsage + estimate > this.#options.tableMaxSize) {
      this.#rotate();
    }
  }

  #afterWrite(seq: number): void {
    this.#visibleSeq = seq;
    if (this.#tables[0].memoryUsage >= this.#options.writeBufferSize) this.#rotate();
  }

  #writeOneInto(
    table: TableMut,
    key: Uint8Array,
    value: Uint8Array | undefined,
    seq: number,
  ): void {
    if (value === undefined) table.delete(key, seq);
    else table.put(key, value, seq);
  }

  /**
   * Drops every table when no snapshot is pinned (the fast whole-database clear) and returns
   * true; returns false, changing nothing, when a pinned snapshot still needs the data.
   */
  dropAll(): boolean {
    if (this.#pins.size > 0) return false;
    this.#tables = [this.#createTable(this.#options.writeBufferSize)];
    return true;
  }

  /** Merges every frozen table into one, dropping what no reader can see. */
  compactAll(): void {
    const frozen = this.#tables.length - 1;
    if (frozen >= 2 || (frozen === 1 && this.#tables[1].count > 0)) this.#merge(1, frozen);
  }

  stats(): MemtablesStats {
    let snapshots = 0;
    for (const count of this.#pins.values()) snapshots += count;
    return {
      seq: this.#visibleSeq,
      tables: this.#tables.map((t) => ({
        id: t.id,
        frozen: t.frozen,
        count: t.count,
        dataSize: t.dataSize,
        memoryUsage: t.memoryUsage,
        lastSeq: t.lastSeq,
      })),
      snapshots,
      rotations: this.#rotations,
      compactions: this.#compactions,
    };
  }

  /** A new empty table for about `bytes` of data (a hint some backends size an index by). */
  #createTable(bytes: number): TableMut {
    return this.#factory(this.#options.tableOptionsFor(bytes));
  }

  #rotate(): void {
    const active = this.#tables[0];
    if (active.count === 0) return;
    active.freeze();
    this.#tables = [this.#createTable(this.#options.writeBufferSize), ...this.#tables];
    this.#rotations++;
    if (this.#options.autoCompaction) this.#compact();
  }

  /**
   * Size-tiered compaction, run after each rotation. Going from the newest frozen table to
   * older ones, a run grows while the next table is at most twice the run's size; a run of two
   * or more is merged. Sizes then grow geometrically with age, so about log2(data /
   * writeBufferSize) tables remain and an entry is rewritten about as many times. Past
   * `maxFrozenTables` the cheapest adjacent pair is merged as well.
   */
  #compact(): void {
    for (;;) {
      const frozen = this.#tables.length - 1;
      if (frozen < 2) return;
      let end = 2;
      let size = tableSize(this.#tables[1]);
      while (end <= frozen && size * 2 >= tableSize(this.#tables[end])) {
        size += tableSize(this.#tables[end]);
        end++;
      }
      if (end - 1 >= 2 && size <= this.#options.tableMaxSize / 2) {
        if (!this.#merge(1, end - 1)) return;
        continue;
      }
      if (frozen <= this.#options.maxFrozenTables) return;
      let best = 1;
      let bestSize = Number.POSITIVE_INFINITY;
      for (let i = 1; i < frozen; i++) {
        const pair = tableSize(this.#tables[i]) + tableSize(this.#tables[i + 1]);
        if (pair < bestSize) {
          best = i;
          bestSize = pair;
        }
      }
      if (bestSize > this.#options.tableMaxSize / 2 || !this.#merge(best, 2)) return;
    }
  }

  /**
   * Replaces `count` frozen tables starting at index `start` with their merge. Returns false,
   * changing nothing, when the merge does not fit one arena.
   */
  #merge(start: number, count: number): boolean {
    const run = this.#tables.slice(start, start + count);
    const bottom = start + count === this.#tables.length;
    const pins = [...this.#pins.keys()].sort((a, b) => b - a);
    let bytes = 0;
    for (const table of run) bytes += tableSize(table);
    const out = this.#createTable(bytes);
    let written: number;
    try {
      written = mergeTables(run, out, pins, bottom);
    } catch (error) {
      if (isArenaFull(error)) return false;
      throw error;
    }
    out.freeze();
    const merged = written > 0 ? [out] : [];
    this.#tables = [
      ...this.#tables.slice(0, start),
      ...merged,
      ...this.#tables.slice(start + count),
    ];
    this.#compactions++;
    return true;
  }
}

function tableSize(table: TableMut): number {
  return table.dataSize + table.count * ENTRY_SIZE_ESTIMATE;
}

function isArenaFull(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'MEMREP_ARENA_FULL';
}
