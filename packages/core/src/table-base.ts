import type { Arena, ArenaHandle } from './arena.js';
import {
  compareKeyToEntry,
  entryIsTombstone,
  entryKey,
  entrySeq,
  entryValue,
  sameEntryKey,
} from './entry.js';
import { invalidArgument, MemrepError } from './errors.js';
import type { RawCursor } from './raw-cursor.js';
import type {
  Capabilities,
  Cursor,
  Entry,
  EntryKind,
  RangeOptions,
  ReadOptions,
  TableMut,
  TableOptions,
} from './types.js';
import {
  assertBytes,
  assertKey,
  assertSeq,
  assertValue,
  normalizeRange,
  type RangeBounds,
  resolveLimits,
  resolveSnapshot,
  type TableLimits,
} from './validate.js';

/** Seq above every real one: `seek(key, MAX_SEQ)` lands on the key's newest entry. */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER + 1;

/** Table state kept in the arena, so that attached readers in other threads see it. */
const META_SIZE = 32;
const META_COUNT = 0;
const META_DATA_SIZE = 1;
const META_LAST_SEQ = 2;
const META_FROZEN_WORD = 6;

let nextTableId = 1;

/** Part of every backend's share handle. */
export interface TableHandle {
  readonly arena: ArenaHandle;
  readonly meta: number;
  readonly id: number;
  readonly limits: TableLimits;
}

export function duplicateSeqError(key: Uint8Array, seq: number): MemrepError {
  return new MemrepError(
    'MEMREP_DUPLICATE_SEQ',
    `an entry for this key (${key.length} bytes) with seq ${seq} is already held; ` +
      'a (key, seq) pair is written once',
  );
}

export function unsupported(what: string): MemrepError {
  return new MemrepError('MEMREP_UNSUPPORTED', what);
}

/**
 * The `TableMut` contract, written once over a backend's three primitives: `insertEntry`,
 * `findEntry` and `openRawCursor`. Argument checks, seq assignment, freeze, read-only views,
 * size accounting, snapshots, bounds, tombstone hiding and iterator pinning all live here, so
 * every backend behaves the same and a backend's own code is only its index.
 */
export abstract class TableBase implements TableMut {
  readonly id: number;
  readonly arena: Arena;
  /** Offset of this table's state words in the arena. */
  protected readonly meta: number;
  protected readonly limits: TableLimits;
  readonly #readOnly: boolean;
  /**
   * The last iterator and cursor this table made, kept reachable so that V8 keeps their
   * shapes. An iterator's hidden class (and its raw cursor's) hangs off a transition tree that
   * holds it weakly: once no instance is left, a full GC frees it and deoptimizes every
   * function optimized for it ("weak objects"), and the next scan runs unoptimized code until
   * V8 optimizes it again. Measured: a pass of prefix scans over 100k entries ran 2-3x slower
   * after each `gc()` without these. They hold the bounds of the last read and what its raw
   * cursor holds, which may be a sorted index the table has since dropped (hash-skiplist's,
   * 4 bytes an entry): at most one such, not in `memoryUsage`, freed by the next read or
   * with the table.
   */
  readonly #last: { iterator: unknown; cursor: unknown } = { iterator: null, cursor: null };

  protected constructor(arena: Arena, options: TableOptions | undefined, attached?: TableHandle) {
    this.arena = arena;
    if (attached !== undefined) {
      this.id = attached.id;
      this.meta = attached.meta;
      this.limits = attached.limits;
      this.#readOnly = true;
      return;
    }
    this.limits = resolveLimits(options);
    const id = options?.id ?? nextTableId++;
    if (!Number.isInteger(id)) throw invalidArgument(`id must be an integer; got ${String(id)}`);
    this.id = id;
    this.#readOnly = false;
    this.meta = arena.allocate(META_SIZE);
    arena.f64[(this.meta >> 3) + META_LAST_SEQ] = -1;
  }

  // ---- what a backend supplies -------------------------------------------------------------

  /**
   * Links a new entry. `fresh` is true when `seq` is above every seq held, so the pair cannot
   * be a duplicate. REQUIRES: throws `MEMREP_DUPLICATE_SEQ` or `MEMREP_ARENA_FULL` before any
   * change; on success the entry is visible to every later read.
   */
  protected abstract insertEntry(
    key: Uint8Array,
    value: Uint8Array | undefined,
    seq: number,
    fresh: boolean,
  ): void;

  /** Offset of the newest entry for `key` with seq <= snapshot, or 0. */
  protected abstract findEntry(key: Uint8Array, snapshot: number): number;

  protected abstract openRawCursor(): RawCursor;

  /** Called once, on the first `freeze()`, after the table stops taking writes. */
  protected onFreeze(): void {}

  /**
   * The raw cursor a `range`/`keys`/`values`/`prefix` read walks: `bounds` are its normalized
   * bounds and `prefix` the argument of `prefix()`, if any. A backend may return a cursor over
   * a narrower index when every key the read can yield lies in it (a hash backend's one
   * bucket). Default: `openRawCursor()`.
   */
  protected openRangeCursor(_bounds: RangeBounds, _prefix: Uint8Array | undefined): RawCursor {
    return this.openRawCursor();
  }

  /** Memory held outside the arena (a JavaScript-side index), in bytes. */
  protected indexMemory(): number {
    return 0;
  }

  /** What this backend can do; the conformance suite tests what it says. */
  abstract get supports(): Capabilities;

  // ---- state -------------------------------------------------------------------------------

  get count(): number {
    return this.arena.f64[(this.meta >> 3) + META_COUNT];
  }

  get dataSize(): number {
    return this.arena.f64[(this.meta >> 3) + META_DATA_SIZE];
  }

  get lastSeq(): number {
    return this.arena.f64[(this.meta >> 3) + META_LAST_SEQ];
  }

  get frozen(): boolean {
    return Atomics.load(this.arena.i32, (this.meta >> 2) + META_FROZEN_WORD) === 1;
  }

  get memoryUsage(): number {
    return this.arena.memoryUsage + this.indexMemory();
  }

  /** Whether this is an attached read-only view. */
  get readOnly(): boolean {
    return this.#readOnly;
  }

  protected tableHandle(): TableHandle {
    return { arena: this.arena.share(), meta: this.meta, id: this.id, limits: this.limits };
  }

  // ---- writes ------------------------------------------------------------------------------

  put(key: Uint8Array, value: Uint8Array, seq?: number): number {
    this.#assertWritable();
    assertKey(key, this.limits);
    assertValue(value, this.limits);
    return this.#write(key, value, seq);
  }

  delete(key: Uint8Array, seq?: number): number {
    this.#assertWritable();
    assertKey(key, this.limits);
    return this.#write(key, undefined, seq);
  }

  freeze(): void {
    if (this.#readOnly) throw this.#readOnlyError('freeze');
    if (this.frozen) return;
    Atomics.store(this.arena.i32, (this.meta >> 2) + META_FROZEN_WORD, 1);
    this.onFreeze();
  }

  #write(key: Uint8Array, value: Uint8Array | undefined, seq: number | undefined): number {
    const m = this.meta >> 3;
    const lastSeq = this.arena.f64[m + META_LAST_SEQ];
    let s: number;
    if (seq === undefined) {
      s = lastSeq + 1;
      assertSeq(s);
    } else {
      assertSeq(seq);
      s = seq;
    }
    this.insertEntry(key, value, s, s > lastSeq);
    const f64 = this.arena.f64;
    f64[m + META_COUNT] += 1;
    f64[m + META_DATA_SIZE] += key.length + (value === undefined ? 0 : value.length);
    if (s > lastSeq) f64[m + META_LAST_SEQ] = s;
    return s;
  }

  #assertWritable(): void {
    if (this.#readOnly) throw this.#readOnlyError('write');
    if (Atomics.load(this.arena.i32, (this.meta >> 2) + META_FROZEN_WORD) === 1) {
      throw new MemrepError('MEMREP_FROZEN', 'the table is frozen: it takes no more writes');
    }
  }

  #readOnlyError(what: string): MemrepError {
    return new MemrepError(
      'MEMREP_READ_ONLY',
      `cannot ${what}: this table is a read-only view attached from another thread`,
    );
  }

  // ---- point reads -------------------------------------------------------------------------

  get(key: Uint8Array, options?: ReadOptions): Uint8Array | undefined {
    assertBytes(key, 'key');
    const off = this.findEntry(key, resolveSnapshot(options, this.lastSeq));
    if (off === 0) return undefined;
    return entryValue(this.arena, off);
  }

  has(key: Uint8Array, options?: ReadOptions): boolean {
    assertBytes(key, 'key');
    const off = this.findEntry(key, resolveSnapshot(options, this.lastSeq));
    return off !== 0 && !entryIsTombstone(this.arena.i32, off);
  }

  find(key: Uint8Array, options?: ReadOptions): Entry | undefined {
    assertBytes(key, 'key');
    const off = this.findEntry(key, resolveSnapshot(options, this.lastSeq));
    if (off === 0) return undefined;
    return readEntry(this.arena, off);
  }

  // ---- ordered reads -----------------------------------------------------------------------

  range(options?: RangeOptions): IterableIterator<[Uint8Array, Uint8Array]> {
    return this.#iterate<[Uint8Array, Uint8Array]>(normalizeRange(options, this.lastSeq), ENTRIES);
  }

  keys(options?: RangeOptions): IterableIterator<Uint8Array> {
    return this.#iterate<Uint8Array>(normalizeRange(options, this.lastSeq), KEYS);
  }

  values(options?: RangeOptions): IterableIterator<Uint8Array> {
    return this.#iterate<Uint8Array>(normalizeRange(options, this.lastSeq), VALUES);
  }

  prefix(prefix: Uint8Array, options?: RangeOptions): IterableIterator<[Uint8Array, Uint8Array]> {
    assertBytes(prefix, 'prefix');
    return this.#iterate<[Uint8Array, Uint8Array]>(
      normalizeRange(options, this.lastSeq, prefix),
      ENTRIES,
      prefix,
    );
  }

  [Symbol.iterator](): IterableIterator<[Uint8Array, Uint8Array]> {
    return this.range();
  }

  /**
   * Without a snapshot the cursor sees every entry, later writes included (a flush walks a
   * frozen table); with one, it skips entries whose seq is above it.
   */
  cursor(options?: ReadOptions): Cursor {
    const snapshot = resolveSnapshot(options, MAX_SEQ);
    const cursor = new SnapshotCursor(this.arena, this.openRawCursor(), snapshot);
    this.#last.cursor = cursor;
    return cursor;
  }

  #iterate<T>(bounds: RangeBounds, mode: IterMode, prefix?: Uint8Array): IterableIterator<T> {
    const iterator = new RangeIterator<T>(
      this.arena,
      bounds.empty ? null : this.openRangeCursor(bounds, prefix),
      bounds,
      mode,
    );
    this.#last.iterator = iterator;
    return iterator;
  }
}

function readEntry(arena: Arena, off: number): Entry {
  const tombstone = entryIsTombstone(arena.i32, off);
  return {
    key: entryKey(arena, off),
    seq: entrySeq(arena.f64, off),
    kind: tombstone ? 'delete' : 'put',
    value: tombstone ? undefined : entryValue(arena, off),
  };
}

/** Compares the key of the entry at `off` with a caller's key (entry first). */
function compareEntryTo(arena: Arena, off: number, key: Uint8Array): number {
  return -compareKeyToEntry(key, arena, off);
}

type IterMode = 0 | 1 | 2;
const ENTRIES: IterMode = 0;
const KEYS: IterMode = 1;
const VALUES: IterMode = 2;

/**
 * Live keys in a range: for each key the newest entry at or below the snapshot, tombstones
 * hidden. The snapshot is pinned at creation; positions are arena offsets that later writes
 * never move, so concurrent writes neither show up nor break the walk.
 */
class RangeIterator<T> implements IterableIterator<T> {
  readonly #arena: Arena;
  readonly #raw: RawCursor | null;
  readonly #bounds: RangeBounds;
  readonly #mode: IterMode;
  #remaining: number;
  #started = false;

  constructor(arena: Arena, raw: RawCursor | null, bounds: RangeBounds, mode: IterMode) {
    this.#arena = arena;
    this.#raw = raw;
    this.#bounds = bounds;
    this.#mode = mode;
    this.#remaining = bounds.limit;
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this;
  }

  next(): IteratorResult<T> {
    const raw = this.#raw;
    if (raw === null || this.#remaining <= 0) return { done: true, value: undefined };
    const off = this.#bounds.reverse ? this.#nextReverse(raw) : this.#nextForward(raw);
    if (off === 0) {
      this.#remaining = 0;
      return { done: true, value: undefined };
    }
    this.#remaining--;
    const arena = this.#arena;
    const mode = this.#mode;
    const value =
      mode === KEYS
        ? entryKey(arena, off)
        : mode === VALUES
          ? entryValue(arena, off)
          : [entryKey(arena, off), entryValue(arena, off)];
    return { done: false, value: value as T };
  }

  return(): IteratorResult<T> {
    this.#remaining = 0;
    return { done: true, value: undefined };
  }

  #nextForward(raw: RawCursor): number {
    const b = this.#bounds;
    const arena = this.#arena;
    if (!this.#started) {
      this.#started = true;
      if (b.lower === undefined) raw.first();
      else {
        raw.seek(b.lower, MAX_SEQ);
        if (b.lowerExclusive) {
          while (raw.entry !== 0 && compareEntryTo(arena, raw.entry, b.lower) === 0) raw.next();
        }
      }
    }
    const snapshot = b.snapshot;
    const upper = b.upper;
    for (;;) {
      const off = raw.entry;
      if (off === 0) return 0;
      if (upper !== undefined) {
        const c = compareEntryTo(arena, off, upper);
        if (c > 0 || (c === 0 && b.upperExclusive)) return 0;
      }
      raw.next();
      if (entrySeq(arena.f64, off) > snapshot) continue;
      while (raw.entry !== 0 && sameEntryKey(arena, raw.entry, off)) raw.next();
      if (!entryIsTombstone(arena.i32, off)) return off;
    }
  }

  #nextReverse(raw: RawCursor): number {
    const b = this.#bounds;
    const arena = this.#arena;
    if (!this.#started) {
      this.#started = true;
      if (b.upper === undefined) raw.last();
      else {
        raw.seekForPrev(b.upper, -1);
        if (b.upperExclusive) {
          while (raw.entry !== 0 && compareEntryTo(arena, raw.entry, b.upper) === 0) raw.prev();
        }
      }
    }
    const snapshot = b.snapshot;
    const lower = b.lower;
    for (;;) {
      const off = raw.entry;
      if (off === 0) return 0;
      if (lower !== undefined) {
        const c = compareEntryTo(arena, off, lower);
        if (c < 0 || (c === 0 && b.lowerExclusive)) return 0;
      }
      // Going backwards a key's versions come oldest first: the visible one is the last seen.
      let visible = 0;
      let cur = off;
      do {
        if (entrySeq(arena.f64, cur) <= snapshot) visible = cur;
        raw.prev();
        cur = raw.entry;
      } while (cur !== 0 && sameEntryKey(arena, cur, off));
      if (visible !== 0 && !entryIsTombstone(arena.i32, visible)) return visible;
    }
  }
}

/** The public `Cursor`: a raw cursor that skips entries above its snapshot. */
class SnapshotCursor implements Cursor {
  readonly #arena: Arena;
  readonly #raw: RawCursor;
  readonly #snapshot: number;

  constructor(arena: Arena, raw: RawCursor, snapshot: number) {
    this.#arena = arena;
    this.#raw = raw;
    this.#snapshot = snapshot;
  }

  get valid(): boolean {
    return this.#raw.entry !== 0;
  }

  get key(): Uint8Array {
    return entryKey(this.#arena, this.#current());
  }

  get seq(): number {
    return entrySeq(this.#arena.f64, this.#current());
  }

  get kind(): EntryKind {
    return entryIsTombstone(this.#arena.i32, this.#current()) ? 'delete' : 'put';
  }

  get value(): Uint8Array | undefined {
    return entryValue(this.#arena, this.#current());
  }

  first(): void {
    this.#raw.first();
    this.#skipForward();
  }

  last(): void {
    this.#raw.last();
    this.#skipBackward();
  }

  seek(key: Uint8Array): void {
    assertBytes(key, 'key');
    this.#raw.seek(key, MAX_SEQ);
    this.#skipForward();
  }

  seekForPrev(key: Uint8Array): void {
    assertBytes(key, 'key');
    this.#raw.seekForPrev(key, -1);
    this.#skipBackward();
  }

  next(): void {
    if (this.#raw.entry === 0) return;
    this.#raw.next();
    this.#skipForward();
  }

  prev(): void {
    if (this.#raw.entry === 0) return;
    this.#raw.prev();
    this.#skipBackward();
  }

  #current(): number {
    const off = this.#raw.entry;
    if (off === 0) {
      throw new MemrepError('MEMREP_INVALID_CURSOR', 'the cursor is not positioned on an entry');
    }
    return off;
  }

  #skipForward(): void {
    const raw = this.#raw;
    const snapshot = this.#snapshot;
    const f64 = this.#arena;
    while (raw.entry !== 0 && entrySeq(f64.f64, raw.entry) > snapshot) raw.next();
  }

  #skipBackward(): void {
    const raw = this.#raw;
    const snapshot = this.#snapshot;
    const arena = this.#arena;
    while (raw.entry !== 0 && entrySeq(arena.f64, raw.entry) > snapshot) raw.prev();
  }
}
