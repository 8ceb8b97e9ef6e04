import type { WriteBatch } from './write-batch.js';

/** A snapshot is a sequence number: a read as of S sees, per key, its newest entry with seq <= S. */
export interface ReadOptions {
  /** Defaults to "everything written so far" (the table's `lastSeq` when the read starts). */
  snapshot?: number;
}

/**
 * Bounds of a range read. Giving both `gt` and `gte`, or both `lt` and `lte`, is a
 * `TypeError` (`MEMREP_INVALID_ARGUMENT`). An empty or inverted range yields nothing.
 */
export interface RangeOptions extends ReadOptions {
  gt?: Uint8Array;
  gte?: Uint8Array;
  lt?: Uint8Array;
  lte?: Uint8Array;
  reverse?: boolean;
  /**
   * At most this many results: an integer or ±Infinity; absent, < 0 or Infinity: no limit.
   * Anything else (`1.5`, `NaN`, a string) is a `TypeError` (`MEMREP_INVALID_ARGUMENT`).
   */
  limit?: number;
}

export type EntryKind = 'put' | 'delete';

/** One version of a key. `value` is undefined for a tombstone (`kind: 'delete'`). */
export interface Entry {
  key: Uint8Array;
  seq: number;
  kind: EntryKind;
  value: Uint8Array | undefined;
}

/**
 * The flush and merge iterator: every entry, all versions and tombstones, in internal order
 * (key ascending, then seq descending). Starts unpositioned.
 *
 * Invariants:
 * 1. With a snapshot, entries whose seq is above it are skipped in every direction.
 * 2. Positions survive later writes: a cursor is never broken by a concurrent write.
 * 3. It walks every point entry, those a range tombstone covers included (a flush writes both;
 *    `Table.rangeTombstones()` gives the range tombstones).
 * 4. `keyLength`, `valueLength`, `copyKey`, `copyValue` and `compareKey` allocate nothing: a
 *    flush moves bytes without a view per entry.
 *
 * Reading `key`, `seq`, `kind` or `value` while `valid` is false throws
 * `MEMREP_INVALID_CURSOR`. `next`/`prev` on an invalid cursor leave it invalid.
 */
export interface Cursor {
  readonly valid: boolean;
  readonly key: Uint8Array;
  readonly seq: number;
  readonly kind: EntryKind;
  readonly value: Uint8Array | undefined;
  first(): void;
  last(): void;
  /** First entry whose key >= key. */
  seek(key: Uint8Array): void;
  /** Last entry whose key <= key. */
  seekForPrev(key: Uint8Array): void;
  next(): void;
  prev(): void;
  /** Length of the current key in bytes. */
  readonly keyLength: number;
  /** Length of the current value in bytes; 0 for a tombstone. */
  readonly valueLength: number;
  /**
   * Copies the current key into `target` at `offset` (default 0); returns the bytes written.
   * Allocates nothing. A target without room for it is a `RangeError`
   * (`MEMREP_INVALID_ARGUMENT`), thrown with nothing written.
   */
  copyKey(target: Uint8Array, offset?: number): number;
  /** Copies the current value like `copyKey` (nothing, and 0, for a tombstone). */
  copyValue(target: Uint8Array, offset?: number): number;
  /** Negative, zero or positive as the current key sorts before, with or after `key`. */
  compareKey(key: Uint8Array): number;
}

/** A range tombstone: it hides every entry in `[start, end)` whose seq is below `seq`. */
export interface RangeTombstone {
  /** First key covered (inclusive). */
  start: Uint8Array;
  /** First key past the range (exclusive); bytewise after `start`. */
  end: Uint8Array;
  /** Seq the range delete was written at; it hides entries of lower seq only. */
  seq: number;
}

/**
 * The read side of a memtable.
 *
 * Invariants:
 * 1. Keys order bytewise, unsigned; a key sorts before its extensions; the empty key sorts first.
 * 2. Keys and values handed out are zero-copy views into the table's memory, valid and
 *    unchanged for the table's whole life (later writes and arena growth included).
 * 3. An iterator pins its snapshot when created; later writes never show up in it.
 * 4. A range tombstone `[start, end)` at seq s hides, at snapshots >= s, every entry in it
 *    whose seq is below s, in every read but the cursor.
 *
 * REQUIRES: callers never write into a key or value a read hands out (nor a range tombstone's
 * bounds). They are the table's own memory, not copies: a write through one changes the
 * table under every reader, in this thread and in attached ones, and breaks its order.
 */
export interface Table {
  readonly id: number;
  /** Entries held, versions and tombstones included. */
  readonly count: number;
  /** Sum of key and value lengths of the entries held. */
  readonly dataSize: number;
  /** Bytes this table holds: the arena's reserved bytes plus any index, not just what is used. */
  readonly memoryUsage: number;
  /** Highest seq written; -1 when empty. */
  readonly lastSeq: number;
  readonly frozen: boolean;
  /** What this table can do (see `Capabilities`). */
  readonly capabilities: Capabilities;
  /**
   * A structured-clonable handle to post to a worker thread, where the backend's static
   * `attach(handle)` returns a read-only table over the same memory. Throws
   * `MEMREP_UNSUPPORTED` unless `capabilities.share` (and, with `shareRequiresFrozen`, until
   * the table is frozen).
   */
  share(): unknown;
  /** The value of the newest visible entry; undefined if absent or deleted. */
  get(key: Uint8Array, options?: ReadOptions): Uint8Array | undefined;
  has(key: Uint8Array, options?: ReadOptions): boolean;
  /** The newest visible entry, tombstone included. */
  find(key: Uint8Array, options?: ReadOptions): Entry | undefined;
  /**
   * Live keys only (newest visible version, tombstones hidden), in key order or reversed.
   * Every `next()` returns a new result object holding a new pair of new views (results may
   * be kept, `[it.next(), it.next()]`); the same holds for `keys`, `values` and `prefix`.
   */
  range(options?: RangeOptions): IterableIterator<[key: Uint8Array, value: Uint8Array]>;
  keys(options?: RangeOptions): IterableIterator<Uint8Array>;
  values(options?: RangeOptions): IterableIterator<Uint8Array>;
  /** Live keys that start with `prefix`, intersected with any bounds given. */
  prefix(prefix: Uint8Array, options?: RangeOptions): IterableIterator<[Uint8Array, Uint8Array]>;
  /** Same as `range()`. */
  [Symbol.iterator](): IterableIterator<[Uint8Array, Uint8Array]>;
  cursor(options?: ReadOptions): Cursor;
  /**
   * The range tombstones visible at the snapshot (seq <= snapshot), ordered by start
   * ascending then seq descending, as written (not fragmented): what a flush writes.
   */
  rangeTombstones(options?: ReadOptions): IterableIterator<RangeTombstone>;
}

/**
 * The write side.
 *
 * REQUIRES: one writer at a time (any number of readers), unless the table declares
 * `capabilities.concurrentWrites` and each writing thread holds its own table object from
 * `share({ writable: true })` and `attach`.
 * Errors, each thrown before any change:
 * - `MEMREP_INVALID_ARGUMENT` (TypeError): key or value not a Uint8Array, seq not an integer
 *   in [0, 2^53) (or, for a batch, one whose operations' seqs would pass 2^53 - 1).
 * - `MEMREP_LIMIT_EXCEEDED` (RangeError): key, value or range bound longer than the table's
 *   limit; or no seq given and the table's seqs exhausted (`lastSeq` is 2^53 - 1).
 * - `MEMREP_DUPLICATE_SEQ`: this (key, seq) is already held.
 * - `MEMREP_FROZEN`: the table was frozen.
 * - `MEMREP_ARENA_FULL`: the entry would pass the arena's `maxSize`.
 * - `MEMREP_READ_ONLY`: the table is an attached read-only view.
 */
export interface TableMut extends Table {
  /** Writes a new version; without `seq`, uses `lastSeq + 1`. Returns the seq used. */
  put(key: Uint8Array, value: Uint8Array, seq?: number): number;
  /** Writes a tombstone. Returns the seq used. */
  delete(key: Uint8Array, seq?: number): number;
  /**
   * Writes a range tombstone over `[start, end)`; returns the seq used. Also thrown before any
   * change: `MEMREP_INVALID_ARGUMENT` unless both are bytes and `start` sorts before `end`.
   */
  deleteRange(start: Uint8Array, end: Uint8Array, seq?: number): number;
  /**
   * Applies the batch's operations with consecutive seqs from `seq` (default `lastSeq + 1`),
   * all or none; sets `batch.sequence` to the first seq and returns it.
   *
   * Invariants:
   * 1. Every error above is thrown before anything is inserted (the arena's room is checked
   *    for the whole batch first), leaving the table exactly as before.
   * 2. `lastSeq`, `count` and `dataSize` move once, after every operation is in: a read at the
   *    default snapshot, in this thread or an attached one, sees all of the batch or none.
   *    (Operations given seqs at or below `lastSeq` are visible to such reads as they land,
   *    as any write with an old seq is.)
   */
  write(batch: WriteBatch, seq?: number): number;
  /** Read-only from now on; reads go on working. */
  freeze(): void;
}

/**
 * What a backend can do, declared so that the conformance suite tests what it says and a
 * capability that is absent fails with `MEMREP_UNSUPPORTED` instead of being silently wrong.
 * A backend may add its own.
 */
export interface Capabilities {
  /** `share()` and a static `attach(handle)` giving worker threads a read-only table. */
  readonly share: boolean;
  /** Sharing is available only once the table is frozen. */
  readonly shareRequiresFrozen: boolean;
  /** `share({ writable: true })`: writers in several threads at once (the skip list has it). */
  readonly concurrentWrites: boolean;
}

/** Options every backend takes: the arena's, then the table's. */
export interface ArenaOptions {
  /**
   * Growth step of the arena in bytes (default 4 MiB; a multiple of 8, at least 64). With
   * shared memory, a multiple of 64 KiB (a WebAssembly page) for both `blockSize` and
   * `maxSize` gives the fastest region, a shared `WebAssembly.Memory` (the defaults are); any
   * other size gives a growable SharedArrayBuffer, whose views cost about a third more.
   */
  blockSize?: number;
  /** Upper bound of the arena in bytes (default 1 GiB, at most 2 GiB - 8). */
  maxSize?: number;
  /**
   * Use shared memory when available (default true): a shared `WebAssembly.Memory`, or a
   * growable SharedArrayBuffer (see `blockSize`); what `share()` needs. False, or where
   * SharedArrayBuffer is unavailable: a resizable ArrayBuffer, which cannot be shared.
   */
  shared?: boolean;
}

export interface TableOptions extends ArenaOptions {
  /** A number for the caller's bookkeeping (default: a process-wide counter). */
  id?: number;
  /** Longest key accepted, in bytes (default 64 MiB - 1, the most the entry header holds). */
  maxKeySize?: number;
  /** Longest value accepted, in bytes (default 1 GiB). */
  maxValueSize?: number;
}
