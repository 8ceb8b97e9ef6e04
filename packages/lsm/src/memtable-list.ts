import {
  type Cursor,
  type Entry,
  MemrepError,
  type RangeOptions,
  type RangeTombstone,
  type ReadOptions,
  type Table,
  type TableMut,
  type TableOptions,
  WriteBatch,
} from '@memrep/core';
import { invalidArgument, resolveSnapshot } from '@memrep/core/backend';
import type { MemtableLog } from './log.js';
import { MergedTables } from './merged.js';
import { type ListWalOptions, WalLog } from './wal-log.js';

/** Bytes counted per entry on top of its key and value when sizing the active table. */
export const ENTRY_OVERHEAD = 32;
/** Default `writeBufferSize`: 64 MiB, RocksDB's `write_buffer_size`. */
export const DEFAULT_WRITE_BUFFER_SIZE = 64 * 1024 * 1024;
/** Default `maxImmutable`: frozen tables awaiting flush before writes wait. */
export const DEFAULT_MAX_IMMUTABLE = 2;

/** What a flush callback is told about the table it gets. */
export interface FlushInfo {
  /** The lowest seq a pinned snapshot can still read at, or the list's visible seq if none is pinned. */
  readonly oldestSnapshot: number;
  /** Tables still in the list after this one, newest first (the flushed one excluded). */
  readonly remaining: number;
}

/** What `MemtableList.open` takes: the backend, sizing, the flush callback and the log. */
export interface MemtableListOptions<O extends TableOptions = TableOptions> {
  /** The backend: any memrep backend's `createTable`, or your own factory of `TableMut`s. */
  createTable: (options?: O) => TableMut;
  /** Options for every table (the arena's, the backend's own). */
  tableOptions?: O;
  /**
   * The active table is frozen once it holds this many bytes: its keys and values plus
   * `ENTRY_OVERHEAD` an entry (what it holds, not its arena's block-sized reservation).
   * Default 64 MiB, RocksDB's `write_buffer_size`.
   */
  writeBufferSize?: number;
  /** Writes wait while this many frozen tables await their flush (default 2). Needs `flush`. */
  maxImmutable?: number;
  /**
   * Called with the oldest frozen table, one at a time. When it resolves the table leaves the
   * list and the logs only it needed are released; when it rejects, the table stays, and the
   * error fails later writes (`MemtableList.backgroundError`) until `retryFlush()`.
   * Without it, frozen tables stay in the list.
   */
  flush?: (table: Table, info: FlushInfo) => Promise<void> | void;
  /**
   * A write-ahead log in a directory (`@memrep/wal`), opened and replayed by `open`: a write is
   * acknowledged (and visible) once logged, synced when it asks to be. A string is the
   * directory. Give this or `log`, not both.
   */
  wal?: string | ListWalOptions;
  /** A log of your own: a write is acknowledged (and visible) once it acknowledges it. */
  log?: MemtableLog;
  /**
   * The highest seq already durable outside the list (what earlier flushes wrote out): new
   * seqs start above it, and a logged batch at or below it is not replayed (it was flushed
   * before its log was deleted). Without it, a reopen after every table was flushed and its
   * logs deleted would start seqs again at 0, below the flushed ones. Default -1.
   */
  lastSeq?: number;
}

/** A pinned read point: reads with `{ snapshot: s.seq }` see the list as it was. */
export interface Snapshot {
  /** The visible seq when it was taken: read with `{ snapshot: seq }`. */
  readonly seq: number;
  /** Unpins it; later calls do nothing. */
  release(): void;
}

interface Held {
  readonly table: TableMut;
  /** Lowest log holding any of this table's entries (0 without a log). */
  readonly firstLog: number;
}

/**
 * The memtable lifecycle of an LSM engine: one active table takes the writes, frozen ones wait
 * for their flush, newest first, and reads merge them all.
 *
 * Invariants:
 * 1. Seqs are global and increase with table age: every entry of a newer table has a higher
 *    seq than every entry of an older one, so a point read stops at the newest table that has
 *    a visible entry (or range tombstone) for the key.
 * 2. `visibleSeq` is the default snapshot of every read. It moves past a batch only once the
 *    whole batch is in its table and, with a log, acknowledged by the log; batches become
 *    visible in seq order.
 * 3. A batch is checked and applied by its table all or nothing (`TableMut.write`) before it
 *    is logged, so the log never holds a batch the table refused; a log append that fails
 *    leaves that batch invisible and closes the list to writes (`MEMREP_IO`).
 * 4. `tables` is never changed in place: a rotation or flush installs a new array, so a read
 *    that captured it reads exactly the tables it started with.
 *
 * Thread safety: the list runs on one thread; its tables' readers may be anywhere.
 */
export class MemtableList<O extends TableOptions = TableOptions> {
  readonly #createTable: (options?: O) => TableMut;
  readonly #tableOptions: O | undefined;
  readonly #writeBufferSize: number;
  readonly #maxImmutable: number;
  readonly #flush: MemtableListOptions<O>['flush'];
  #log: MemtableLog | undefined;
  /** Newest first: the active table, then frozen ones. */
  #held: readonly Held[];
  #view: MergedTables;
  #lastSeq = -1;
  #visibleSeq = -1;
  /** `options.lastSeq`: batches up to it are in flushed output, not to be replayed. */
  readonly #flushedSeq: number;
  /** Last seqs of logged batches awaiting their acknowledgement, in seq order. */
  readonly #pending: number[] = [];
  readonly #acked = new Set<number>();
  readonly #pins = new Map<number, number>();
  #flushing: Promise<void> | null = null;
  #flushWaiters: (() => void)[] = [];
  #backgroundError: unknown = undefined;
  #closed = false;
  /** A log failure is final: the log may have lost what followed the last acknowledged batch. */
  #logFailed = false;
  /** While recovering: the log of the batch being replayed (no log rotation happens then). */
  #replaying = 0;
  #rotations = 0;
  #flushes = 0;
  /** The batch of `put`, `delete` and `deleteRange` (see `#single`). */
  readonly #scratch = new WriteBatch();
  /** Inside `#writeNow`'s apply and append (see there). */
  #writing = false;

  private constructor(options: MemtableListOptions<O>) {
    if (options === null || typeof options !== 'object') {
      throw invalidArgument(`options must be an object; got ${String(options)}`);
    }
    if (typeof options.createTable !== 'function') {
      throw invalidArgument(
        "createTable must be a function returning a TableMut (a backend's createTable)",
      );
    }
    this.#createTable = options.createTable;
    this.#tableOptions = options.tableOptions;
    this.#writeBufferSize = positiveInteger(
      options.writeBufferSize,
      'writeBufferSize',
      DEFAULT_WRITE_BUFFER_SIZE,
    );
    this.#maxImmutable = positiveInteger(
      options.maxImmutable,
      'maxImmutable',
      DEFAULT_MAX_IMMUTABLE,
    );
    if (options.flush !== undefined && typeof options.flush !== 'function') {
      throw invalidArgument('flush must be a function (table, info) => Promise<void>');
    }
    this.#flush = options.flush;
    this.#log = options.log;
    const lastSeq = options.lastSeq ?? -1;
    if (!Number.isSafeInteger(lastSeq) || lastSeq < -1) {
      throw invalidArgument(`lastSeq must be an integer >= -1; got ${String(options.lastSeq)}`);
    }
    this.#lastSeq = this.#visibleSeq = this.#flushedSeq = lastSeq;
    this.#held = [{ table: this.#newTable(), firstLog: this.#log?.current ?? 0 }];
    this.#view = new MergedTables(this.#held.map((h) => h.table));
  }

  /**
   * A list over `options.createTable`. With a log, first replays every batch the log holds
   * (in order, rotating as tables fill), so every acknowledged write is readable again.
   * Throws what the log's recovery throws (`MEMREP_CORRUPTION`).
   */
  static async open<O extends TableOptions = TableOptions>(
    options: MemtableListOptions<O>,
  ): Promise<MemtableList<O>> {
    const list = new MemtableList(options);
    if (options.wal !== undefined) {
      if (options.log !== undefined) throw invalidArgument('give wal or log, not both');
      const walOptions = typeof options.wal === 'string' ? { dir: options.wal } : options.wal;
      if (walOptions === null || typeof walOptions !== 'object') {
        throw invalidArgument('wal must be a directory or { dir, ...options }');
      }
      const log = await WalLog.open(walOptions, (batch, n) => list.#replay(batch, n));
      list.#log = log;
      const [active, ...frozen] = list.#held;
      if (active.table.count === 0)
        list.#install([{ table: active.table, firstLog: log.current }, ...frozen]);
      // Logs that gave no table anything (empty, or every record flushed) go now, not at the
      // next flush: else each open of an idle database leaves one more empty log behind.
      await log.release(list.#oldestLogHeld());
    } else if (list.#log?.recover !== undefined) {
      for await (const { logNumber, batch } of list.#log.recover()) list.#replay(batch, logNumber);
    }
    return list;
  }

  // ---- state -------------------------------------------------------------------------------

  /** The highest seq every read sees by default; -1 when nothing is visible. */
  get visibleSeq(): number {
    return this.#visibleSeq;
  }

  /** The highest seq given to a batch, visible or still being logged. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The active table. */
  get active(): TableMut {
    return this.#held[0].table;
  }

  /** Every table, newest first: the active one, then the frozen ones awaiting flush. */
  get tables(): readonly Table[] {
    return this.#view.tables;
  }

  /** The error of the last failed flush or log append; writes fail with it. */
  get backgroundError(): unknown {
    return this.#backgroundError;
  }

  /** Counters of the lifecycle, for monitoring and tests. */
  get stats(): {
    /** Tables held: the active one and the frozen ones. */
    tables: number;
    /** Rotations so far. */
    rotations: number;
    /** Flushes completed so far. */
    flushes: number;
    /** Snapshots pinned now. */
    snapshots: number;
    /** What the active table holds, as rotation measures it. */
    activeBytes: number;
  } {
    let snapshots = 0;
    for (const n of this.#pins.values()) snapshots += n;
    return {
      tables: this.#held.length,
      rotations: this.#rotations,
      flushes: this.#flushes,
      snapshots,
      activeBytes: tableBytes(this.active),
    };
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Applies `batch` atomically with the next seqs and resolves to the first of them once it
   * is visible (with a log: once logged, and synced when `sync`). Waits first while
   * `maxImmutable` frozen tables await their flush.
   *
   * Errors (the list unchanged): what `TableMut.write` throws (a limit, `MEMREP_ARENA_FULL`
   * for a batch larger than a whole table), `MEMREP_CLOSED`, the background error.
   */
  async write(batch: WriteBatch, options?: { sync?: boolean }): Promise<number> {
    if (!(batch instanceof WriteBatch)) throw invalidArgument('batch must be a WriteBatch');
    const sync = options?.sync ?? false;
    if (typeof sync !== 'boolean')
      throw invalidArgument(`sync must be a boolean; got ${String(sync)}`);
    this.#assertWritable();
    while (this.#stalled()) {
      await this.#flushProgress();
      this.#assertWritable();
    }
    return this.#writeNow(batch, sync);
  }

  /** One put, as a batch of one. */
  put(key: Uint8Array, value: Uint8Array, options?: { sync?: boolean }): Promise<number> {
    return this.#writeOne(this.#single().put(key, value), options);
  }

  /** One tombstone, as a batch of one. */
  delete(key: Uint8Array, options?: { sync?: boolean }): Promise<number> {
    return this.#writeOne(this.#single().delete(key), options);
  }

  /** A range tombstone over `[start, end)`, as a batch of one. */
  deleteRange(start: Uint8Array, end: Uint8Array, options?: { sync?: boolean }): Promise<number> {
    return this.#writeOne(this.#single().deleteRange(start, end), options);
  }

  /**
   * The batch for a one-operation write: the list's own, cleared, when the write can go at
   * once (no stall, nothing failed: `#writeNow` is done with the batch before it returns, the
   * table and the log having copied it), else a new one for `write`, which may wait.
   */
  #single(): WriteBatch {
    if (this.#writing || this.#stalled() || this.#closed || this.#backgroundError !== undefined) {
      return new WriteBatch();
    }
    this.#scratch.clear();
    return this.#scratch;
  }

  #writeOne(batch: WriteBatch, options: { sync?: boolean } | undefined): Promise<number> {
    const sync = options?.sync ?? false;
    if (batch === this.#scratch && typeof sync === 'boolean') return this.#writeNow(batch, sync);
    return this.write(batch, options);
  }

  #stalled(): boolean {
    return this.#flush !== undefined && this.#held.length - 1 >= this.#maxImmutable;
  }

  /** Applies and logs `batch` now; the table and the log are done with it when this returns. */
  async #writeNow(batch: WriteBatch, sync: boolean): Promise<number> {
    // A flush callback run by a rotation in #apply may write again: not through the batch
    // this write has yet to log.
    this.#writing = true;
    let seq: number;
    let appended: Promise<void> | undefined;
    try {
      seq = this.#apply(batch);
      if (this.#log !== undefined) {
        this.#pending.push(seq + batch.count - 1);
        // Queued before a rotation it causes, so the batch lands in its own table's log.
        appended = this.#log.append(batch, sync);
      }
    } finally {
      this.#writing = false;
    }
    const last = seq + batch.count - 1;
    if (appended === undefined) {
      this.#publish(last);
      this.#rotateIfFull();
    } else {
      this.#rotateIfFull();
      try {
        await appended;
      } catch (cause) {
        this.#fail(cause);
        throw this.#backgroundError;
      }
      if (this.#pending[0] === last) {
        this.#pending.shift();
        this.#publish(last);
        if (this.#acked.size > 0) this.#drainAcks();
      } else {
        this.#acked.add(last);
        this.#drainAcks();
      }
    }
    return seq;
  }

  /**
   * Freezes the active table (if it holds anything) and starts a new one; with a flush
   * callback, schedules the flush. What rotation at `writeBufferSize` does, on demand.
   */
  rotate(): void {
    this.#assertWritable();
    this.#rotateNow();
  }

  /** Resolves once every frozen table has been flushed (needs `flush`). */
  async flushAll(): Promise<void> {
    while (this.#flush !== undefined && this.#held.length > 1) {
      if (this.#backgroundError !== undefined) throw this.#backgroundError;
      await this.#flushProgress();
    }
  }

  /** Clears a failed flush's error and tries the flush again. */
  retryFlush(): void {
    if (this.#closed || this.#logFailed) return;
    this.#backgroundError = undefined;
    this.#scheduleFlush();
  }

  /** Waits for a running flush, closes the log; later writes throw `MEMREP_CLOSED`. Reads go on working. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#flushing?.catch(() => undefined);
    await this.#log?.close();
    this.#wakeFlushWaiters();
  }

  #apply(batch: WriteBatch): number {
    let active = this.#held[0].table;
    const incoming = batch.byteSize + batch.count * ENTRY_OVERHEAD;
    if (active.count > 0 && tableBytes(active) + incoming > this.#writeBufferSize) {
      this.#rotateNow();
      active = this.#held[0].table;
    }
    const seq = this.#lastSeq + 1;
    try {
      active.write(batch, seq);
    } catch (error) {
      if (!isArenaFull(error) || active.count === 0) throw error;
      this.#rotateNow();
      this.#held[0].table.write(batch, seq);
    }
    this.#lastSeq = seq + batch.count - 1;
    return seq;
  }

  #rotateIfFull(): void {
    if (tableBytes(this.#held[0].table) >= this.#writeBufferSize) this.#rotateNow();
  }

  #publish(last: number): void {
    if (last > this.#visibleSeq) this.#visibleSeq = last;
  }

  #drainAcks(): void {
    const pending = this.#pending;
    let n = 0;
    while (n < pending.length && this.#acked.has(pending[n])) {
      this.#acked.delete(pending[n]);
      this.#publish(pending[n]);
      n++;
    }
    if (n > 0) pending.splice(0, n);
  }

  #assertWritable(): void {
    if (this.#closed) throw new MemrepError('MEMREP_CLOSED', 'the memtable list is closed');
    if (this.#backgroundError !== undefined) throw this.#backgroundError;
  }

  #fail(cause: unknown): void {
    if (this.#backgroundError !== undefined) return;
    this.#logFailed = true;
    const error = new MemrepError(
      'MEMREP_IO',
      `the write-ahead log failed (${(cause as Error)?.message ?? String(cause)}); ` +
        'writes after the last acknowledged one are not visible and the list takes no more',
    );
    (error as Error & { cause?: unknown }).cause = cause;
    this.#backgroundError = error;
    this.#wakeFlushWaiters();
  }

  // ---- rotation and flush ------------------------------------------------------------------

  #rotateNow(): void {
    const active = this.#held[0].table;
    if (active.count === 0) return;
    active.freeze();
    let firstLog = 0;
    if (this.#replaying > 0) firstLog = this.#replaying;
    else if (this.#log !== undefined) firstLog = this.#log.rotate();
    this.#install([{ table: this.#newTable(), firstLog }, ...this.#held]);
    this.#rotations++;
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flush === undefined || this.#flushing !== null || this.#held.length < 2) return;
    if (this.#backgroundError !== undefined || this.#closed) return;
    this.#flushing = this.#flushOldest().finally(() => {
      this.#flushing = null;
      this.#wakeFlushWaiters();
      this.#scheduleFlush();
    });
  }

  async #flushOldest(): Promise<void> {
    const flush = this.#flush;
    if (flush === undefined) return;
    const oldest = this.#held[this.#held.length - 1];
    try {
      await flush(oldest.table, {
        oldestSnapshot: this.#oldestSnapshot(),
        remaining: this.#held.length - 1,
      });
    } catch (error) {
      this.#backgroundError = error;
      return;
    }
    const held = this.#held.filter((h) => h !== oldest);
    this.#install(held);
    this.#flushes++;
    if (this.#log !== undefined) {
      try {
        await this.#log.release(this.#oldestLogHeld());
      } catch (cause) {
        this.#fail(cause);
      }
    }
  }

  #flushProgress(): Promise<void> {
    if (this.#flushing === null) this.#scheduleFlush();
    if (this.#flushing === null) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push(resolve));
  }

  #wakeFlushWaiters(): void {
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    for (const wake of waiters) wake();
  }

  #install(held: readonly Held[]): void {
    this.#held = held;
    this.#view = new MergedTables(held.map((h) => h.table));
  }

  #newTable(): TableMut {
    return this.#createTable(this.#tableOptions);
  }

  /** Applies one logged batch while opening (no log rotation, no waiting for a flush). */
  /** The oldest log a held table still needs (the current one when none needs an older). */
  #oldestLogHeld(): number {
    let keep = (this.#log as MemtableLog).current;
    for (const h of this.#held) if (h.firstLog < keep) keep = h.firstLog;
    return keep;
  }

  #replay(batch: WriteBatch, logNumber: number): void {
    const seq = batch.sequence;
    if (seq + batch.count - 1 <= this.#flushedSeq) return;
    if (this.#held.length === 1 && this.#held[0].table.count === 0) {
      this.#install([{ table: this.#held[0].table, firstLog: logNumber }]);
    }
    if (this.#lastSeq >= 0 && seq <= this.#lastSeq) {
      throw new MemrepError(
        'MEMREP_CORRUPTION',
        `log ${logNumber} replays a batch at seq ${seq}, not above the seq ${this.#lastSeq} before it`,
      );
    }
    this.#lastSeq = seq - 1;
    this.#replaying = logNumber;
    try {
      this.#apply(batch);
      this.#rotateIfFull();
    } finally {
      this.#replaying = 0;
    }
    this.#visibleSeq = this.#lastSeq;
  }

  // ---- snapshots ---------------------------------------------------------------------------

  /** Pins the visible seq: versions it can see are kept by a flush that drops old versions. */
  snapshot(): Snapshot {
    const seq = this.#visibleSeq;
    this.#pins.set(seq, (this.#pins.get(seq) ?? 0) + 1);
    let released = false;
    return {
      seq,
      release: () => {
        if (released) return;
        released = true;
        const n = this.#pins.get(seq) ?? 0;
        if (n <= 1) this.#pins.delete(seq);
        else this.#pins.set(seq, n - 1);
      },
    };
  }

  /** The seq of every pinned snapshot, descending, each once: what a merge of tables must keep. */
  get pinnedSnapshots(): number[] {
    return [...this.#pins.keys()].sort((a, b) => b - a);
  }

  #oldestSnapshot(): number {
    let oldest = this.#visibleSeq;
    for (const seq of this.#pins.keys()) if (seq < oldest) oldest = seq;
    return oldest;
  }

  // ---- reads (merged over every table, newest first) ---------------------------------------

  /** The value of the newest visible version of `key` over every table; undefined if absent or deleted. */
  get(key: Uint8Array, options?: ReadOptions): Uint8Array | undefined {
    return this.#view.get(key, this.#snapshotOf(options));
  }

  /** Whether `key` has a live newest visible version over every table. */
  has(key: Uint8Array, options?: ReadOptions): boolean {
    return this.#view.has(key, this.#snapshotOf(options));
  }

  /** The newest visible entry of `key`, tombstones (point or covering range) included. */
  find(key: Uint8Array, options?: ReadOptions): Entry | undefined {
    return this.#view.find(key, this.#snapshotOf(options));
  }

  /** Live keys and values over every table, in key order or reversed (`RangeOptions`). */
  range(options?: RangeOptions): IterableIterator<[Uint8Array, Uint8Array]> {
    return this.#view.range(options, this.#visibleSeq);
  }

  /** Live keys over every table (`range`'s keys). */
  keys(options?: RangeOptions): IterableIterator<Uint8Array> {
    return this.#view.keys(options, this.#visibleSeq);
  }

  /** Live values over every table (`range`'s values). */
  values(options?: RangeOptions): IterableIterator<Uint8Array> {
    return this.#view.values(options, this.#visibleSeq);
  }

  /** Live keys starting with `prefix` over every table, intersected with any bounds. */
  prefix(prefix: Uint8Array, options?: RangeOptions): IterableIterator<[Uint8Array, Uint8Array]> {
    return this.#view.prefix(prefix, options, this.#visibleSeq);
  }

  /** Same as `range()`. */
  [Symbol.iterator](): IterableIterator<[Uint8Array, Uint8Array]> {
    return this.range();
  }

  /**
   * Every entry of every table in internal order (a merge's or a flush's walk), as of
   * `options.snapshot`, default the visible seq.
   */
  cursor(options?: ReadOptions): Cursor {
    return this.#view.cursor({ snapshot: this.#snapshotOf(options) });
  }

  /** Range tombstones of every table visible at the snapshot, by start then seq descending. */
  rangeTombstones(options?: ReadOptions): RangeTombstone[] {
    return this.#view.rangeTombstones(this.#snapshotOf(options));
  }

  #snapshotOf(options: ReadOptions | undefined): number {
    return resolveSnapshot(options, this.#visibleSeq);
  }
}

function tableBytes(table: Table): number {
  return table.dataSize + table.count * ENTRY_OVERHEAD;
}

function isArenaFull(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'MEMREP_ARENA_FULL';
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidArgument(`${name} must be a positive integer; got ${String(value)}`);
  }
  return value;
}
