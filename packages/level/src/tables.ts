import type { Table, TableMut, WriteBatch } from '@memrep/core';
import { type ListWalOptions, MemtableList, MergedTables, type Snapshot } from '@memrep/lsm';
import { mergeTables } from './compaction.js';
import { type CursorMode, type KeyRange, LevelCursor } from './cursor.js';
import type { ResolvedOptions, TableFactory } from './options.js';

/** What one memtable or sorted run holds, as `MemrepLevel#stats()` reports it. */
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
  /** Newest first: the active memtable, frozen ones awaiting their flush, then the sorted runs. */
  tables: MemtableStats[];
  /** Explicit snapshots open now. */
  snapshots: number;
  /** Memtables frozen so far (the active one reached writeBufferSize). */
  rotations: number;
  /** Merges of sorted runs so far. */
  compactions: number;
}

/** What the checkpointer is called with after the runs changed. */
export type OnRuns = (
  runs: readonly TableMut[],
  ranges: ReadonlyMap<Table, readonly [number, number]>,
) => Promise<void> | void;

/** Per-entry bytes counted on top of dataSize when sizing runs for compaction (lsm's measure). */
const ENTRY_SIZE_ESTIMATE = 32;

/**
 * The database's tables: `@memrep/lsm`'s `MemtableList` (the active memtable and frozen ones,
 * the log, snapshots) and, below it, sorted runs the list's flush callback builds from frozen
 * memtables. Reads are lsm's `MergedTables` over the memtables then the runs.
 *
 * Invariants:
 * 1. Runs are newest first and every entry of a run is older than every entry of the list's
 *    tables and of newer runs (a flush takes the oldest frozen memtable), so the merged view
 *    keeps lsm's order of tables by seq.
 * 2. `runs` is never changed in place, and a view is built over arrays that never change: an
 *    iterator reads exactly the tables it started on.
 * 3. A merge keeps every version a pinned snapshot can see (`mergeTables` with every pin).
 */
export class LevelTables {
  readonly list: MemtableList;
  readonly #factory: TableFactory;
  readonly #options: ResolvedOptions;
  #runs: readonly TableMut[] = [];
  /** The table handed to the flush callback and already in the runs, until the list drops it. */
  #flushing: Table | null = null;
  #viewOf: readonly Table[] | null = null;
  #viewRuns: readonly TableMut[] | null = null;
  #view: MergedTables = new MergedTables([]);
  #compactions = 0;
  /** The seqs `[from, to]` of the writes each run holds (a merge may have dropped some). */
  readonly ranges = new Map<Table, readonly [number, number]>();
  /** The highest seq the runs cover. */
  #covered: number;
  /** Keep a merge that came out empty, as a run: a checkpoint of it records what it covers. */
  readonly #keepEmpty: boolean;
  /** Called with the new runs after a flush or compaction changed them (the checkpointer). */
  #onRuns: OnRuns | null = null;

  private constructor(
    list: MemtableList,
    factory: TableFactory,
    options: ResolvedOptions,
    covered: number,
    keepEmpty: boolean,
  ) {
    this.list = list;
    this.#factory = factory;
    this.#options = options;
    this.#covered = covered;
    this.#keepEmpty = keepEmpty;
  }

  static async open(
    factory: TableFactory,
    options: ResolvedOptions,
    extra: {
      wal?: ListWalOptions;
      /** Runs recovered from checkpoints, newest first, each with the seqs it covers. */
      runs?: readonly { table: TableMut; from: number; to: number }[];
      /** Called after a flush or compaction changed the runs (the checkpointer); a flush waits for it. */
      onRuns?: OnRuns;
    } = {},
  ): Promise<LevelTables> {
    let tables: LevelTables | null = null;
    // Recovery may rotate (and so flush) before the list is returned: such a flush waits for
    // the tables to exist.
    let ready: () => void = () => {};
    const created = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const runs = extra.runs ?? [];
    const covered = runs.length > 0 ? runs[0].to : -1;
    const list = await MemtableList.open({
      createTable: () => factory(options.tableOptionsFor(options.writeBufferSize)),
      writeBufferSize: options.writeBufferSize,
      maxImmutable: 2,
      flush: async (table) => {
        await created;
        return (tables as LevelTables).#flush(table);
      },
      wal: extra.wal,
      lastSeq: covered,
    });
    tables = new LevelTables(list, factory, options, covered, extra.wal !== undefined);
    tables.#runs = runs.map((r) => r.table);
    for (const r of runs) tables.ranges.set(r.table, [r.from, r.to]);
    tables.#onRuns = extra.onRuns ?? null;
    ready();
    return tables;
  }

  get visibleSeq(): number {
    return this.list.visibleSeq;
  }

  get runs(): readonly TableMut[] {
    return this.#runs;
  }

  /** The merged view of every table now, newest first (invariant 2). */
  view(): MergedTables {
    const tables = this.list.tables;
    if (tables !== this.#viewOf || this.#runs !== this.#viewRuns) {
      const flushing = this.#flushing;
      const memtables = flushing === null ? tables : tables.filter((t) => t !== flushing);
      this.#viewOf = tables;
      this.#viewRuns = this.#runs;
      this.#view = new MergedTables([...memtables, ...this.#runs]);
    }
    return this.#view;
  }

  get(key: Uint8Array, snapshot: number): Uint8Array | undefined {
    return this.view().get(key, snapshot);
  }

  has(key: Uint8Array, snapshot: number): boolean {
    return this.view().has(key, snapshot);
  }

  cursor(snapshot: number, range: KeyRange, mode: CursorMode = 'entries'): LevelCursor {
    return new LevelCursor(this.view(), snapshot, range, mode);
  }

  write(batch: WriteBatch, sync: boolean): Promise<number> {
    return this.list.write(batch, { sync });
  }

  snapshot(): Snapshot {
    return this.list.snapshot();
  }

  /**
   * Freezes the active memtable and flushes every frozen one into the runs; with `all`, merges
   * every run into one as well (dropping what no reader needs).
   */
  async compact(all: boolean): Promise<void> {
    if (this.list.active.count > 0) this.list.rotate();
    await this.list.flushAll();
    if (!all) return;
    const runs = this.#runs;
    if (runs.length >= 2 || (runs.length === 1 && runs[0].count > 0)) {
      this.#merge(0, runs.length, this.#pins());
      await this.#onRuns?.(this.#runs, this.ranges);
    }
  }

  /** Drops every run (after a whole clear that no snapshot can see past). */
  async dropRuns(): Promise<void> {
    this.ranges.clear();
    if (this.#keepEmpty && this.#runs.length > 0) {
      const empty = this.#factory(this.#options.tableOptionsFor(0));
      empty.freeze();
      this.ranges.set(empty, [0, this.#covered]);
      this.#runs = [empty];
    } else this.#runs = [];
    await this.#onRuns?.(this.#runs, this.ranges);
  }

  stats(): MemtablesStats {
    return {
      seq: this.list.visibleSeq,
      tables: this.view().tables.map((t) => ({
        id: t.id,
        frozen: t.frozen,
        count: t.count,
        dataSize: t.dataSize,
        memoryUsage: t.memoryUsage,
        lastSeq: t.lastSeq,
      })),
      snapshots: this.list.stats.snapshots,
      rotations: this.list.stats.rotations,
      compactions: this.#compactions,
    };
  }

  /**
   * With a checkpointer (a durable database), first writes out what the memtables hold as
   * checkpoints, so that the next open loads sorted runs instead of replaying the log; then
   * closes the list. A failed checkpoint leaves every write in the log, which the next open
   * replays: close goes on with the log's close, as it would have without the checkpoint.
   */
  async close(): Promise<void> {
    if (this.#onRuns !== null && this.list.backgroundError === undefined) {
      try {
        await this.compact(false);
      } catch {
        // Nothing is lost: the tables not checkpointed keep their logs.
      }
    }
    await this.list.close();
  }

  #pins(): number[] {
    return this.list.pinnedSnapshots;
  }

  async #flush(table: Table): Promise<void> {
    const before = this.#runs;
    const covered = this.#covered;
    this.#flushing = table;
    this.ranges.set(table, [covered + 1, table.lastSeq]);
    this.#covered = table.lastSeq;
    this.#runs = [table as TableMut, ...this.#runs];
    if (this.#options.autoCompaction) this.#compact(this.#pins());
    try {
      await this.#onRuns?.(this.#runs, this.ranges);
    } catch (error) {
      // The table stays in the list (and its log on disk); the runs go back to what they were.
      this.#runs = before;
      this.#covered = covered;
      this.#flushing = null;
      throw error;
    }
  }

  /**
   * Size-tiered compaction of the runs, after each flush. From the newest run to older ones, a
   * group grows while the next run is at most twice the group's size; a group of two or more is
   * merged. Sizes then grow geometrically with age, so about log2(data / writeBufferSize) runs
   * remain and an entry is rewritten about as many times. Past `maxFrozenTables` the cheapest
   * adjacent pair is merged as well.
   */
  #compact(pins: readonly number[]): void {
    for (;;) {
      const runs = this.#runs;
      if (runs.length < 2) return;
      let end = 1;
      let size = runSize(runs[0]);
      while (end < runs.length && size * 2 >= runSize(runs[end])) {
        size += runSize(runs[end]);
        end++;
      }
      if (end >= 2 && size <= this.#options.tableMaxSize / 2) {
        if (!this.#merge(0, end, pins)) return;
        continue;
      }
      if (runs.length <= this.#options.maxFrozenTables) return;
      let best = 0;
      let bestSize = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < runs.length; i++) {
        const pair = runSize(runs[i]) + runSize(runs[i + 1]);
        if (pair < bestSize) {
          best = i;
          bestSize = pair;
        }
      }
      if (bestSize > this.#options.tableMaxSize / 2 || !this.#merge(best, 2, pins)) return;
    }
  }

  /**
   * Replaces `count` runs from index `start` with their merge. Returns false, changing
   * nothing, when the merge does not fit one arena.
   */
  #merge(start: number, count: number, pins: readonly number[]): boolean {
    const runs = this.#runs;
    const group = runs.slice(start, start + count);
    const bottom = start + count === runs.length;
    let bytes = 0;
    for (const run of group) bytes += runSize(run);
    const out = this.#factory(this.#options.tableOptionsFor(bytes));
    let written: number;
    try {
      written = mergeTables(group, out, pins, bottom);
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === 'MEMREP_ARENA_FULL') return false;
      throw error;
    }
    out.freeze();
    const from = this.ranges.get(group[group.length - 1])?.[0] ?? 0;
    this.ranges.set(out, [from, this.ranges.get(group[0])?.[1] ?? this.#covered]);
    for (const t of group) this.ranges.delete(t);
    const kept = written > 0 || this.#keepEmpty ? [out] : [];
    this.#runs = [...runs.slice(0, start), ...kept, ...runs.slice(start + count)];
    this.#compactions++;
    return true;
  }
}

function runSize(table: Table): number {
  return table.dataSize + table.count * ENTRY_SIZE_ESTIMATE;
}
