import type { Arena, ArenaHandle } from './arena.js';
import {
  entryKey,
  entrySeq,
  entrySize,
  entryValue,
  MAX_AUX_WORDS,
  SEQ_LIMIT,
  TOMBSTONE,
} from './entry.js';
import {
  duplicateSeqError,
  frozenError,
  invalidArgument,
  limitExceeded,
  MemrepError,
  readOnlyError,
  seqsExhausted,
  unsupported,
} from './errors.js';
import {
  appendRangeTombstone,
  FragmentedRangeTombstones,
  rangeTombstoneCount,
  rangeTombstoneSize,
} from './range-tombstones.js';
import type { RawCursor } from './raw-cursor.js';
import { SnapshotCursor } from './snapshot-cursor.js';
import {
  addToSlot,
  allocateMeta,
  allocateWriters,
  lockMeta,
  metaCount,
  metaDataSize,
  metaFrozen,
  metaLastSeq,
  metaRangeTombstones,
  publishTurn,
  publishWrites,
  raiseLastSeq,
  setMetaFrozen,
  takeWriterSlot,
  unlockMeta,
  visibleTurn,
  WRITERS_NEXT_WORD,
  writersBase,
  writersSum,
} from './table-meta.js';
import type {
  Capabilities,
  Cursor,
  Entry,
  RangeOptions,
  RangeTombstone,
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
import {
  MAX_SEQ,
  VisibleIterator,
  type VisibleMode,
  YIELD_ENTRIES,
  YIELD_KEYS,
  YIELD_VALUES,
} from './visibility.js';
import {
  assertRangeBounds,
  TAG_PUT,
  TAG_RANGE_DELETE,
  WriteBatch,
  WriteBatchReader,
} from './write-batch.js';

let nextTableId = 1;

/** Part of every backend's share handle. */
export interface TableHandle {
  /** The arena the table's entries and state words live in. */
  readonly arena: ArenaHandle;
  /** Byte offset of the table's state words in the arena (table-meta.ts). */
  readonly meta: number;
  /** The table's id, the same in every thread that attaches it. */
  readonly id: number;
  /** The key and value size limits the table was made with; attached views check the same. */
  readonly limits: TableLimits;
  /** Offset of the shared writers' words (table-meta.ts): present, `attach` gives a writer. */
  readonly writers?: number;
}

/**
 * The `TableMut` contract, written once over a backend's three primitives: `insertEntry`,
 * `findEntry` and `openRawCursor`. Argument checks, seq assignment, batches, range tombstones,
 * freeze, read-only views, size accounting, snapshots, bounds, tombstone hiding and iterator
 * pinning all live here, so every backend behaves the same and a backend's own code is only
 * its index.
 *
 * Invariants:
 * 1. Every write is checked whole before anything changes; a batch is checked op by op
 *    (limits, duplicate `(key, seq)`, the arena's room) before its first insert.
 * 2. `count`, `dataSize` and `lastSeq` move once per write or batch, after all of it is in
 *    (table-meta.ts), so a default-snapshot read, here or in an attached thread, never sees
 *    part of a batch.
 * 3. A table without range tombstones pays one word load per read for them.
 */
export abstract class TableBase implements TableMut {
  /** The table's id, the same in every thread that attaches it. */
  readonly id: number;
  /** The arena this table's entries, index and state words are allocated in. */
  readonly arena: Arena;
  /** Offset of this table's state words in the arena (table-meta.ts). */
  protected readonly meta: number;
  /** The key and value size limits every write is checked against. */
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
  /** The fragmented view of the range tombstones, rebuilt when their number changes. */
  #fragments: FragmentedRangeTombstones | null = null;
  /** Offset of the shared writers' words once writes are shared (0: this thread writes alone). */
  #writers = 0;
  /** The first seq of the shared counter (its base word, read once). */
  #seqBase = 0;
  /** Byte offset of this writer's count and dataSize slot (table-meta.ts). */
  #slot = 0;

  protected constructor(arena: Arena, options: TableOptions | undefined, attached?: TableHandle) {
    this.arena = arena;
    if (attached !== undefined) {
      this.id = attached.id;
      this.meta = attached.meta;
      this.limits = attached.limits;
      this.#readOnly = attached.writers === undefined;
      if (attached.writers !== undefined) {
        this.#writers = attached.writers;
        this.#seqBase = writersBase(arena, attached.writers);
        this.#slot = takeWriterSlot(arena, attached.writers);
      }
      return;
    }
    this.limits = resolveLimits(options);
    const id = options?.id ?? nextTableId++;
    if (!Number.isInteger(id)) throw invalidArgument(`id must be an integer; got ${String(id)}`);
    this.id = id;
    this.#readOnly = false;
    this.meta = allocateMeta(arena);
  }

  // ---- what a backend supplies -------------------------------------------------------------

  /**
   * Links a new entry: the key `keyLength` bytes at `keyOffset` in `key`, the value
   * `valueLength` bytes at `valueOffset` in `value` (`value` undefined: a tombstone, offset
   * and length 0). A single put passes its arrays whole (offsets 0); `write(batch)` passes
   * the batch's encoding with each record's offsets, so that no view is made per record.
   * `fresh` is true when `seq` is above every seq held, so the pair cannot be a duplicate.
   *
   * REQUIRES: throws `MEMREP_DUPLICATE_SEQ` or `MEMREP_ARENA_FULL` before any change; on
   * success the entry is visible to every later read; it allocates at most
   * `maxInsertBytes(keyLength, valueLength)` bytes of the arena; it keeps no reference to
   * `key` or `value` (the batch's buffer is reused).
   */
  protected abstract insertEntry(
    key: Uint8Array,
    keyOffset: number,
    keyLength: number,
    value: Uint8Array | undefined,
    valueOffset: number,
    valueLength: number,
    seq: number,
    fresh: boolean,
  ): void;

  /** Offset of the newest entry for `key` with seq <= snapshot, or 0. */
  protected abstract findEntry(key: Uint8Array, snapshot: number): number;

  /** A new unpositioned raw cursor over every entry of the index, every seq and tombstone. */
  protected abstract openRawCursor(): RawCursor;

  /**
   * The most arena bytes one `insertEntry` of a key and value of these lengths can take,
   * everything it may allocate included (its node, a new bucket's head, a chunk its placement
   * opens). `write(batch)` checks the sum over the batch against the arena's room before it
   * inserts anything, so that `MEMREP_ARENA_FULL` can never stop a batch halfway.
   *
   * REQUIRES (backend authors): never below what `insertEntry` really allocates, and growing
   * by at most the bytes added: `maxInsertBytes(k, v) <= maxInsertBytes(0, 0) + k + v + 7`
   * (a batch's room is bounded from its totals without a pass, `#batchBound`). The default,
   * an entry record with the most aux words the layout allows (`MAX_AUX_WORDS`, a tower of
   * 32 levels), is safe for a backend that allocates one entry record per insert from the
   * plain arena; a backend that allocates more (grouped chunks, bucket heads) overrides it.
   */
  protected maxInsertBytes(keyLength: number, valueLength: number): number {
    return (entrySize(MAX_AUX_WORDS, keyLength, valueLength) + 7) & ~7;
  }

  /**
   * Called after the base allocated in the arena outside `insertEntry` (a range tombstone
   * record), for a backend that relies on its entries lying back to back.
   */
  protected onArenaAllocated(): void {}

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
  abstract get capabilities(): Capabilities;

  /**
   * A structured-clonable handle for the backend's static `attach` in a worker thread. Here:
   * throws `MEMREP_UNSUPPORTED`; a backend with `capabilities.share` overrides it.
   */
  share(): unknown {
    throw unsupported(`${this.constructor.name} cannot be shared with worker threads`);
  }

  // ---- state -------------------------------------------------------------------------------

  get count(): number {
    if (this.#writers !== 0) return writersSum(this.arena, this.#writers, 0);
    return metaCount(this.arena, this.meta);
  }

  get dataSize(): number {
    if (this.#writers !== 0) return writersSum(this.arena, this.#writers, 1);
    return metaDataSize(this.arena, this.meta);
  }

  /** Shared writes: the higher of the explicit seqs' lastSeq and the counter's visible seq. */
  get lastSeq(): number {
    const last = metaLastSeq(this.arena, this.meta);
    if (this.#writers === 0) return last;
    const visible = this.#seqBase + visibleTurn(this.arena, this.#writers) - 1;
    return visible > last ? visible : last;
  }

  /** Whether the table was frozen: writes throw, in this thread and in attached ones. */
  get frozen(): boolean {
    return metaFrozen(this.arena, this.meta);
  }

  get memoryUsage(): number {
    return this.arena.memoryUsage + this.indexMemory();
  }

  /** Whether this is an attached read-only view. */
  get readOnly(): boolean {
    return this.#readOnly;
  }

  /** The base part of `share()`'s handle: the arena's handle, meta offset, id and limits. */
  protected tableHandle(): TableHandle {
    return { arena: this.arena.share(), meta: this.meta, id: this.id, limits: this.limits };
  }

  /**
   * Kit, for a backend with `capabilities.concurrentWrites`: from now on writes of every thread
   * go through the shared path (seqs from one counter, published in seq order, accounting
   * under the lock word) and the arena allocates in shared chunks. Returns the handle whose
   * attach writes. Idempotent; throws `MEMREP_READ_ONLY` on a read-only view.
   */
  protected writableTableHandle(): TableHandle {
    if (this.#readOnly) throw readOnlyError('share writable');
    const arena = this.arena.shareWritable();
    if (this.#writers === 0) {
      const writers = allocateWriters(this.arena, this.lastSeq + 1, this.count, this.dataSize);
      this.#slot = takeWriterSlot(this.arena, writers);
      this.#seqBase = this.lastSeq + 1;
      this.#writers = writers;
    }
    return { arena, meta: this.meta, id: this.id, limits: this.limits, writers: this.#writers };
  }

  /** Whether writes are shared with other threads (`writableTableHandle` ran, or attached so). */
  protected get sharedWrites(): boolean {
    return this.#writers !== 0;
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

  deleteRange(start: Uint8Array, end: Uint8Array, seq?: number): number {
    this.#assertWritable();
    assertRangeBounds(start, end);
    this.#assertBoundLength(start.length);
    this.#assertBoundLength(end.length);
    if (this.#writers !== 0) return this.#deleteRangeShared(start, end, seq);
    const s = this.#firstSeq(seq, 1);
    appendRangeTombstone(this.arena, this.meta, start, end, s);
    this.onArenaAllocated();
    publishWrites(this.arena, this.meta, 1, start.length + end.length, s);
    return s;
  }

  /**
   * Applies every operation of `batch`, operation i with seq `first + i`, all or none; sets
   * `batch.sequence` to `first` and returns it.
   */
  write(batch: WriteBatch, seq?: number): number {
    this.#assertWritable();
    if (!(batch instanceof WriteBatch)) {
      throw invalidArgument(`batch must be a WriteBatch; got ${String(batch)}`);
    }
    const n = batch.count;
    const shared = this.#writers !== 0;
    const auto = shared && seq === undefined;
    let first = auto ? this.#seqBase : this.#firstSeq(seq, n);
    const lastSeq = this.lastSeq;
    const rep = batch.rep;
    const perOp = this.maxInsertBytes(0, 0) + 7;
    const need =
      batch.rangeDeletes === 0 && (auto || (!shared && first > lastSeq))
        ? this.#batchBound(batch, perOp)
        : this.#checkBatch(rep, first, auto, shared, lastSeq, perOp);
    if (!this.arena.reserve(need)) {
      throw new MemrepError(
        'MEMREP_ARENA_FULL',
        `this batch of ${n} operations may need up to ${need} bytes, more than the arena's ` +
          `maxSize of ${this.arena.maxSize} bytes leaves (${this.arena.allocated} already ` +
          'allocated); nothing was written',
      );
    }
    const turn = auto ? this.#takeSeqs(n) : -1;
    if (auto) first += turn;
    const reader = new WriteBatchReader(rep);
    const arena = this.arena;
    let held = need;
    let bytes = 0;
    try {
      while (reader.next()) {
        const s = first + reader.index;
        const kl = reader.keyLength;
        const vl = reader.valueLength;
        bytes += kl + vl;
        arena.held = held;
        held -= this.#recordBound(reader.tag, kl, vl, perOp);
        if (reader.tag === TAG_RANGE_DELETE) {
          if (shared) lockMeta(this.arena, this.#writers);
          appendRangeTombstone(this.arena, this.meta, reader.key(), reader.value(), s);
          if (shared) unlockMeta(this.arena, this.#writers);
          this.onArenaAllocated();
        } else {
          this.insertEntry(
            rep,
            reader.keyOffset,
            kl,
            reader.tag === TAG_PUT ? rep : undefined,
            reader.valueOffset,
            vl,
            s,
            !shared && s > lastSeq,
          );
        }
      }
    } catch (error) {
      if (auto) publishTurn(this.arena, this.#writers, turn, n);
      throw error;
    } finally {
      arena.held = 0;
    }
    if (shared) this.#publishShared(turn, n, bytes, first + n - 1);
    else if (n > 0) publishWrites(this.arena, this.meta, n, bytes, first + n - 1);
    batch.sequence = first;
    return first;
  }

  /**
   * The arena room a batch of puts and deletes may need, and its limits checked, from the
   * batch's own running totals (no pass over the records): each insert needs at most
   * `maxInsertBytes(0, 0)` plus its key and value bytes plus 7 of alignment (REQUIRES on
   * `maxInsertBytes`). Only for a batch whose seqs need no duplicate check.
   */
  #batchBound(batch: WriteBatch, perOp: number): number {
    const limits = this.limits;
    if (batch.maxKeyLength > limits.maxKeySize) {
      throw limitExceeded('maxKeySize', limits.maxKeySize, batch.maxKeyLength);
    }
    if (batch.maxValueLength > limits.maxValueSize) {
      throw limitExceeded('maxValueSize', limits.maxValueSize, batch.maxValueLength);
    }
    return batch.count * perOp + batch.byteSize;
  }

  /** What one batch record may need of the arena: see `#batchBound`; a range delete its record. */
  #recordBound(tag: number, keyLength: number, valueLength: number, perOp: number): number {
    return tag === TAG_RANGE_DELETE
      ? rangeTombstoneSize(keyLength, valueLength)
      : perOp + keyLength + valueLength;
  }

  /**
   * One pass over a batch's records before any insert: limits, bounds, a duplicate
   * `(key, seq)` where one can exist, and the sum of the arena room each may need.
   */
  #checkBatch(
    rep: Uint8Array,
    first: number,
    auto: boolean,
    shared: boolean,
    lastSeq: number,
    perOp: number,
  ): number {
    const limits = this.limits;
    const reader = new WriteBatchReader(rep);
    let need = 0;
    while (reader.next()) {
      const kl = reader.keyLength;
      const vl = reader.valueLength;
      need += this.#recordBound(reader.tag, kl, vl, perOp);
      if (reader.tag === TAG_RANGE_DELETE) {
        this.#assertBoundLength(kl);
        this.#assertBoundLength(vl);
        continue;
      }
      if (kl > limits.maxKeySize) throw limitExceeded('maxKeySize', limits.maxKeySize, kl);
      if (vl > limits.maxValueSize) throw limitExceeded('maxValueSize', limits.maxValueSize, vl);
      const s = first + reader.index;
      if (!auto && (shared || s <= lastSeq)) {
        const key = reader.key();
        const off = this.findEntry(key, s);
        if (off !== 0 && entrySeq(this.arena.f64, off) === s) throw duplicateSeqError(key, s);
      }
    }
    return need;
  }

  freeze(): void {
    if (this.#readOnly) throw readOnlyError('freeze');
    if (this.frozen) return;
    setMetaFrozen(this.arena, this.meta);
    this.onFreeze();
  }

  #write(key: Uint8Array, value: Uint8Array | undefined, seq: number | undefined): number {
    if (this.#writers !== 0) return this.#writeShared(key, value, seq);
    const s = this.#firstSeq(seq, 1);
    const vl = value === undefined ? 0 : value.length;
    this.insertEntry(key, 0, key.length, value, 0, vl, s, s > this.lastSeq);
    publishWrites(this.arena, this.meta, 1, key.length + vl, s);
    return s;
  }

  /**
   * A write while writes are shared. Room first (`MEMREP_ARENA_FULL` before a seq is taken),
   * then the seq: explicit, or the next of the shared counter; then the insert, lock-free;
   * then the publication: counts in this writer's slot, and `lastSeq` (what a default
   * snapshot reads) passes counter seqs in order, whichever writer finishes first.
   */
  #writeShared(key: Uint8Array, value: Uint8Array | undefined, seq: number | undefined): number {
    const vl = value === undefined ? 0 : value.length;
    if (!this.arena.reserve(this.maxInsertBytes(key.length, vl)))
      this.#arenaFull(1, key.length + vl);
    const turn = seq === undefined ? this.#takeSeqs(1) : -1;
    const s = seq === undefined ? this.#seqBase + turn : this.#firstSeq(seq, 1);
    try {
      this.insertEntry(key, 0, key.length, value, 0, vl, s, false);
    } catch (error) {
      if (turn >= 0) publishTurn(this.arena, this.#writers, turn, 1);
      throw error;
    }
    this.#publishShared(turn, 1, key.length + vl, s);
    return s;
  }

  #deleteRangeShared(start: Uint8Array, end: Uint8Array, seq: number | undefined): number {
    if (!this.arena.reserve(rangeTombstoneSize(start.length, end.length))) {
      this.#arenaFull(1, start.length + end.length);
    }
    const turn = seq === undefined ? this.#takeSeqs(1) : -1;
    const s = seq === undefined ? this.#seqBase + turn : this.#firstSeq(seq, 1);
    lockMeta(this.arena, this.#writers);
    appendRangeTombstone(this.arena, this.meta, start, end, s);
    unlockMeta(this.arena, this.#writers);
    this.#publishShared(turn, 1, start.length + end.length, s);
    this.onArenaAllocated();
    return s;
  }

  #arenaFull(n: number, bytes: number): never {
    throw new MemrepError(
      'MEMREP_ARENA_FULL',
      `this write of ${n} operation(s), ${bytes} bytes, does not fit the arena's maxSize of ` +
        `${this.arena.maxSize} bytes (${this.arena.allocated} already allocated); nothing was written`,
    );
  }

  /** `n` seqs from the shared counter: the first, relative to the base (its turn). */
  #takeSeqs(n: number): number {
    const i32 = this.arena.i32;
    const word = (this.#writers >> 2) + WRITERS_NEXT_WORD;
    const rel = Atomics.add(i32, word, n);
    if (rel < 0 || rel + n > 0x7fffffff || this.#seqBase + rel + n > SEQ_LIMIT) {
      Atomics.sub(i32, word, n);
      throw seqsExhausted(this.#seqBase + rel - 1, n);
    }
    return rel;
  }

  /**
   * Publishes `n` writes of `bytes` bytes up to seq `last`: counts in this writer's slot; then
   * `turn` >= 0 (the relative seq of the first of the `n` counter seqs they used) publishes
   * them in seq order (`publishTurn`), -1 (explicit seqs) raises lastSeq under the lock.
   */
  #publishShared(turn: number, n: number, bytes: number, last: number): void {
    addToSlot(this.arena, this.#slot, n, bytes);
    if (turn >= 0) publishTurn(this.arena, this.#writers, turn, n);
    else {
      lockMeta(this.arena, this.#writers);
      raiseLastSeq(this.arena, this.meta, last);
      unlockMeta(this.arena, this.#writers);
    }
  }

  /** The seq of the first of `n` writes: `seq`, or `lastSeq + 1`; all n must stay below 2^53. */
  #firstSeq(seq: number | undefined, n: number): number {
    const last = n > 0 ? n - 1 : 0;
    if (seq === undefined) {
      const lastSeq = this.lastSeq;
      if (lastSeq + 1 + last >= SEQ_LIMIT) throw seqsExhausted(lastSeq, last + 1);
      return lastSeq + 1;
    }
    assertSeq(seq);
    if (seq + last >= SEQ_LIMIT) {
      throw invalidArgument(
        `seq ${seq} starts a batch of ${n} operations, whose seqs would pass 2^53 - 1; ` +
          `give a seq of at most ${SEQ_LIMIT - 1 - last}`,
      );
    }
    return seq;
  }

  #assertWritable(): void {
    if (this.#readOnly) throw readOnlyError('write');
    if (metaFrozen(this.arena, this.meta)) throw frozenError();
  }

  #assertBoundLength(length: number): void {
    const max = this.limits.maxKeySize;
    if (length > max) throw limitExceeded('maxKeySize', max, length);
  }

  /**
   * Kit: a raw cursor over this table's entries, for a reader that merges several tables (a
   * memtable list's `MergingCursor` under `VisibleIterator`). With `bounds` (and the
   * `prefix` of a `prefix()` read) it is the cursor `range` would walk, possibly over a
   * narrower index (one hash bucket); without, every entry. Unpositioned; not in the user's
   * contract.
   */
  rawCursor(bounds?: RangeBounds, prefix?: Uint8Array): RawCursor {
    return bounds === undefined ? this.openRawCursor() : this.openRangeCursor(bounds, prefix);
  }

  // ---- range tombstones --------------------------------------------------------------------

  /** The fragmented range tombstones, or null when the table holds none. */
  rangeTombstoneCoverage(): FragmentedRangeTombstones | null {
    const head = metaRangeTombstones(this.arena, this.meta);
    return head === 0 ? null : this.#fragmentsAt(head);
  }

  /** The fragmented view of the list whose newest record is `head` (not 0). */
  #fragmentsAt(head: number): FragmentedRangeTombstones {
    const arena = this.arena;
    if (this.#readOnly || this.#writers !== 0) arena.refresh();
    const fragments = this.#fragments;
    if (fragments !== null && fragments.count === rangeTombstoneCount(arena, head)) {
      return fragments;
    }
    const built = FragmentedRangeTombstones.fromArena(arena, head);
    this.#fragments = built;
    return built;
  }

  *rangeTombstones(options?: ReadOptions): IterableIterator<RangeTombstone> {
    const snapshot = resolveSnapshot(options, this.lastSeq);
    const fragments = this.rangeTombstoneCoverage();
    if (fragments === null) return;
    for (const t of fragments.tombstones) {
      if (t.seq <= snapshot) yield { start: t.start, end: t.end, seq: t.seq };
    }
  }

  /**
   * The seq of the range tombstone hiding an entry of `key` at `seq` (as of `snapshot`), or -1.
   * `head`: the table's newest range tombstone record, not 0.
   */
  #coveringSeq(head: number, key: Uint8Array, seq: number, snapshot: number): number {
    const fragments = this.#fragmentsAt(head);
    if (seq >= fragments.maxSeq) return -1;
    const covering = fragments.coveringSeq(key, 0, key.length, snapshot);
    return covering > seq ? covering : -1;
  }

  // ---- point reads -------------------------------------------------------------------------

  get(key: Uint8Array, options?: ReadOptions): Uint8Array | undefined {
    assertBytes(key, 'key');
    const snapshot = resolveSnapshot(options, this.lastSeq);
    const off = this.findEntry(key, snapshot);
    if (off === 0) return undefined;
    const head = metaRangeTombstones(this.arena, this.meta);
    if (head !== 0 && this.#coveringSeq(head, key, entrySeq(this.arena.f64, off), snapshot) >= 0) {
      return undefined;
    }
    return entryValue(this.arena, off);
  }

  /** Whether the newest entry for `key` at the snapshot is a put no range tombstone covers. */
  has(key: Uint8Array, options?: ReadOptions): boolean {
    assertBytes(key, 'key');
    const snapshot = resolveSnapshot(options, this.lastSeq);
    const off = this.findEntry(key, snapshot);
    if (off === 0 || this.arena.i32[(off >> 2) + 1] === TOMBSTONE) return false;
    const head = metaRangeTombstones(this.arena, this.meta);
    return head === 0 || this.#coveringSeq(head, key, entrySeq(this.arena.f64, off), snapshot) < 0;
  }

  /**
   * The newest visible entry; for a key a range tombstone covers (above any point entry),
   * `{ kind: 'delete', seq: <the tombstone's seq>, value: undefined }`.
   */
  find(key: Uint8Array, options?: ReadOptions): Entry | undefined {
    assertBytes(key, 'key');
    const snapshot = resolveSnapshot(options, this.lastSeq);
    const off = this.findEntry(key, snapshot);
    const arena = this.arena;
    const head = metaRangeTombstones(arena, this.meta);
    if (head !== 0) {
      const seq = off === 0 ? -1 : entrySeq(arena.f64, off);
      const covering = this.#coveringSeq(head, key, seq, snapshot);
      if (covering >= 0) {
        const held = off === 0 ? key.slice() : entryKey(arena, off);
        return { key: held, seq: covering, kind: 'delete', value: undefined };
      }
    }
    if (off === 0) return undefined;
    const tombstone = arena.i32[(off >> 2) + 1] === TOMBSTONE;
    return {
      key: entryKey(arena, off),
      seq: entrySeq(arena.f64, off),
      kind: tombstone ? 'delete' : 'put',
      value: tombstone ? undefined : entryValue(arena, off),
    };
  }

  // ---- ordered reads -----------------------------------------------------------------------

  range(options?: RangeOptions): IterableIterator<[Uint8Array, Uint8Array]> {
    return this.#iterate(normalizeRange(options, this.lastSeq), YIELD_ENTRIES);
  }

  /** The live keys in the range, in key order (or reverse), each once. */
  keys(options?: RangeOptions): IterableIterator<Uint8Array> {
    return this.#iterate(normalizeRange(options, this.lastSeq), YIELD_KEYS);
  }

  /** The values of the live keys in the range, in key order (or reverse). */
  values(options?: RangeOptions): IterableIterator<Uint8Array> {
    return this.#iterate(normalizeRange(options, this.lastSeq), YIELD_VALUES);
  }

  prefix(prefix: Uint8Array, options?: RangeOptions): IterableIterator<[Uint8Array, Uint8Array]> {
    assertBytes(prefix, 'prefix');
    return this.#iterate(normalizeRange(options, this.lastSeq, prefix), YIELD_ENTRIES, prefix);
  }

  [Symbol.iterator](): IterableIterator<[Uint8Array, Uint8Array]> {
    return this.range();
  }

  /**
   * Without a snapshot the cursor sees every entry, later writes included (a flush walks a
   * frozen table); with one, it skips entries whose seq is above it. It walks point entries
   * under range tombstones too; `rangeTombstones()` gives those.
   */
  cursor(options?: ReadOptions): Cursor {
    const snapshot = resolveSnapshot(options, MAX_SEQ);
    const cursor = new SnapshotCursor(this.openRawCursor(), snapshot);
    this.#last.cursor = cursor;
    return cursor;
  }

  #iterate<T>(bounds: RangeBounds, mode: VisibleMode, prefix?: Uint8Array): IterableIterator<T> {
    const iterator = bounds.empty
      ? new VisibleIterator<T>(null, bounds, mode, null)
      : new VisibleIterator<T>(
          this.openRangeCursor(bounds, prefix),
          bounds,
          mode,
          this.rangeTombstoneCoverage(),
        );
    this.#last.iterator = iterator;
    return iterator;
  }
}
