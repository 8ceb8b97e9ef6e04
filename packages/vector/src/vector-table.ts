import {
  Arena,
  AttachSlot,
  bytesAt,
  type Capabilities,
  duplicateSeqError,
  entryHasKey,
  entryNext,
  entrySeq,
  invalidArgument,
  MemrepError,
  type RangeBounds,
  type RawCursor,
  searchEntries,
  TableBase,
  type TableHandle,
  type TableOptions,
  unsupported,
  writeEntryAt,
} from '@memrep/core/backend';
import { fenceLength, fillFence, narrow, narrowHi, narrowLo, sharedPrefixLength } from './fence.js';
import { indexOfEntry, mergeRuns, sortEntries } from './sort.js';

export interface VectorTableOptions extends TableOptions {
  /**
   * Most unsorted entries a point read (or a duplicate check) scans before it sorts them into
   * the delta run instead (default 64).
   */
  maxTailScan?: number;
}

/** What `share()` returns: the table's handle and where the frozen sorted index lies. */
export interface VectorTableHandle extends TableHandle {
  /**
   * Arena offset of the sorted index: `length` int32 entry offsets, then its fence (see
   * fence.ts); 0 when empty.
   */
  readonly index: number;
  readonly length: number;
  /** Key bytes every entry shares, which the fence words start after. */
  readonly fenceDepth: number;
}

const EMPTY_RUN = new Int32Array(0);
const DEFAULT_TAIL_SCAN = 64;
/** The delta run is merged into the main run once it passes max(this, sqrt(128 n)). */
const MIN_DELTA = 256;
/** How far ahead a walking cursor touches the run's entries. */
const LOOKAHEAD = 8;
const CAPABILITIES: Capabilities = Object.freeze({
  share: true,
  shareRequiresFrozen: true,
  concurrentWrites: false,
});
/** Over unshared memory (`shared: false`, or no SharedArrayBuffer here) nothing can be shared. */
const UNSHARED: Capabilities = Object.freeze({
  share: false,
  shareRequiresFrozen: true,
  concurrentWrites: false,
});

/** Holds the handle while `VectorTable.attach` runs the constructor. */
const attaching = new AttachSlot<VectorTableHandle>('VectorTable.share()');
/** The cursor's way to the current run; assigned in VectorTable's static block. */
let sortedRunOf: (table: VectorTable) => Int32Array;
/** Whether `run` still holds every entry of the table (nothing written or re-laid since). */
let isCurrentRun: (table: VectorTable, run: Int32Array) => boolean;
/** The cursor's way to a fence-assisted search of the run it holds. */
let searchRunOf: (
  table: VectorTable,
  run: Int32Array,
  key: Uint8Array,
  seq: number,
  upper: boolean,
) => number;

/**
 * The bulk-load backend: an append-only vector of entries, sorted lazily.
 *
 * Layout: entry records lie in the arena in the order they were written, in three parts:
 * - the *run*: an exact-length `Int32Array` of entry offsets in internal order (key ascending,
 *   seq descending), with a sparse prefix index (fence.ts) once reads have paid for it;
 * - the *delta*: a second, smaller sorted array of the entries sorted since the run last
 *   changed, so that reads interleaved with writes do not copy the whole run every few writes;
 * - the *tail*: every entry written since the last sort. It needs no index at all: the arena
 *   is a bump allocator and this table its only writer, so the tail's records lie back to back
 *   from `tailStart` to the arena's top, and a walk rebuilds their offsets when a sort needs
 *   them.
 *
 * Invariants:
 * 1. A write is `writeEntry` and two counters; nothing is looked up unless the seq is not
 *    fresh (at or below `lastSeq`), which needs a duplicate check (tail scan, two binary
 *    searches).
 * 2. A run is never changed once published: a merge builds a new array (copy-on-merge), so a
 *    cursor holding a run and an index into it stays valid, and next/prev neither skip nor
 *    repeat entries of that run, whatever is written or merged meanwhile.
 * 3. Point reads scan a short tail and binary-search the delta and the run. A longer tail is
 *    sorted (radix, see `sortEntries`) and merged into the delta first; a delta past
 *    max(256, sqrt(128 n)) entries is merged into the run, which balances copying the delta
 *    on every tail merge against copying the run on every delta merge. Positioning a cursor
 *    merges everything into the run. Nothing ever re-sorts the run.
 * 4. `freeze()` merges everything into the run once; every read after it is a binary search.
 *    When the arena is shared memory, the final run is copied into it, so `share()` can hand
 *    it to workers.
 */
export class VectorTable extends TableBase {
  #run: Int32Array = EMPTY_RUN;
  /** Highest seq in the run (-1 when empty): a newer hit above it needs no run search. */
  #runMaxSeq = -1;
  #delta: Int32Array = EMPTY_RUN;
  #deltaMaxSeq = -1;
  #tailStart: number;
  #tailEnd: number;
  #tailCount = 0;
  readonly #scanLimit: number;
  /** Arena offset of the run once freeze copied it there; 0 while it lives on the JS heap. */
  #sharedIndex = 0;
  /** Sparse prefix index of the run (fence.ts), or null until reads have paid for it. */
  #fence: Int32Array | null = null;
  #fenceDepth = 0;
  /** Point reads since the run last changed: a fence is built once they outweigh its cost. */
  #reads = 0;

  static {
    sortedRunOf = (table) => table.#sortedRun();
    isCurrentRun = (table, run) =>
      run === table.#run && table.#tailCount === 0 && table.#delta.length === 0;
    searchRunOf = (table, run, key, seq, upper) => table.#search(run, key, seq, upper);
  }

  constructor(options?: VectorTableOptions) {
    const handle = attaching.take();
    super(handle ? Arena.attach(handle.arena) : new Arena(options), options, handle);
    const limit = options?.maxTailScan;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw invalidArgument(
        `maxTailScan must be a non-negative integer; got ${String(limit as unknown)}`,
      );
    }
    this.#scanLimit = limit ?? DEFAULT_TAIL_SCAN;
    this.#tailStart = this.#tailEnd = this.arena.top;
    if (handle !== undefined && handle.length > 0) {
      const buffer = this.arena.buffer;
      this.#sharedIndex = handle.index;
      this.#run = new Int32Array(buffer, handle.index, handle.length);
      this.#fence = new Int32Array(
        buffer,
        handle.index + handle.length * 4,
        fenceLength(handle.length),
      );
      this.#fenceDepth = handle.fenceDepth;
    }
  }

  /**
   * A read-only table over a frozen table's memory, from the handle `share()` returned
   * (posted to this thread). Writes through it throw `MEMREP_READ_ONLY`.
   */
  static attach(handle: VectorTableHandle): VectorTable {
    return attaching.attach(
      handle,
      (h) =>
        Number.isInteger(h.index) &&
        Number.isInteger(h.length) &&
        Number.isInteger(h.fenceDepth) &&
        h.length >= 0,
      () => new VectorTable(),
    );
  }

  get capabilities(): Capabilities {
    return this.arena.shared ? CAPABILITIES : UNSHARED;
  }

  /** Entries written since the last sort: in the tail, in neither sorted array yet. */
  get unsortedCount(): number {
    return this.#tailCount;
  }

  /**
   * A structured-clonable handle for `VectorTable.attach` in a worker thread.
   * Throws `MEMREP_UNSUPPORTED` before `freeze()` (the sorted index is published by freezing),
   * when the arena is not shared memory, or when the arena had no room left for the index.
   */
  override share(): VectorTableHandle {
    if (!this.frozen) {
      throw unsupported(
        'VectorTable.share() needs a frozen table: freeze() publishes the sorted index ' +
          'into shared memory; a table still taking writes cannot be shared',
      );
    }
    const length = this.#run.length;
    if (length > 0 && this.#sharedIndex === 0) {
      throw unsupported(
        this.arena.shared
          ? 'VectorTable.share(): the arena had no room for the sorted index at freeze() ' +
              '(maxSize reached); raise maxSize to share this table'
          : 'VectorTable.share() needs shared memory (SharedArrayBuffer and shared: true)',
      );
    }
    return {
      ...this.tableHandle(),
      index: this.#sharedIndex,
      length,
      fenceDepth: this.#fenceDepth,
    };
  }

  protected insertEntry(
    key: Uint8Array,
    keyOffset: number,
    keyLength: number,
    value: Uint8Array | undefined,
    valueOffset: number,
    valueLength: number,
    seq: number,
    fresh: boolean,
  ): void {
    if (!fresh) this.#assertNotHeld(bytesAt(key, keyOffset, keyLength), seq);
    const arena = this.arena;
    if (arena.top !== this.#tailEnd) {
      throw new Error('VectorTable: the arena was allocated from outside the table');
    }
    writeEntryAt(arena, 0, key, keyOffset, keyLength, value, valueOffset, valueLength, seq);
    this.#tailEnd = arena.top;
    this.#tailCount++;
  }

  protected findEntry(key: Uint8Array, snapshot: number): number {
    if (this.#tailCount > this.#scanLimit) this.#mergeTail();
    const arena = this.arena;
    const bytes = arena.bytes;
    const i32 = arena.i32;
    const f64 = arena.f64;
    let best = 0;
    let bestSeq = -1;
    if (this.#tailCount > 0) {
      const end = this.#tailEnd;
      for (let off = this.#tailStart; off < end; off = entryNext(i32, off)) {
        const s = entrySeq(f64, off);
        if (s <= snapshot && s > bestSeq && entryHasKey(bytes, i32, off, key)) {
          best = off;
          bestSeq = s;
        }
      }
      if (bestSeq > this.#runMaxSeq && bestSeq > this.#deltaMaxSeq) return best;
    }
    const delta = this.#delta;
    if (delta.length > 0 && bestSeq < this.#deltaMaxSeq) {
      const at = this.#searchDelta(key, snapshot);
      if (at < delta.length) {
        const off = delta[at];
        const s = entrySeq(f64, off);
        if (s > bestSeq && entryHasKey(bytes, i32, off, key)) {
          best = off;
          bestSeq = s;
        }
      }
      if (bestSeq > this.#runMaxSeq) return best;
    }
    const run = this.#run;
    if (this.#fence === null && ++this.#reads > run.length >>> 8) this.#buildFence();
    const at = this.#search(run, key, snapshot, false);
    if (at < run.length) {
      const off = run[at];
      if (entryHasKey(bytes, i32, off, key) && entrySeq(f64, off) > bestSeq) return off;
    }
    return best;
  }

  /** The cursor of `cursor()`: it follows later writes, even in the middle of a walk. */
  protected openRawCursor(): RawCursor {
    return new VectorCursor(this, true);
  }

  /** The cursor of range reads: their snapshot is pinned, so a walk keeps to its run. */
  protected override openRangeCursor(_bounds: RangeBounds): RawCursor {
    return new VectorCursor(this, false);
  }

  /** A range tombstone record now ends the arena: the next entry starts a new tail after it. */
  protected override onArenaAllocated(): void {
    this.#mergeTail();
    this.#tailStart = this.#tailEnd = this.arena.top;
  }

  protected override onFreeze(): void {
    this.#sortedRun();
    const run = this.#run;
    if (run.length === 0) return;
    if (this.#fence === null) this.#buildFence();
    const arena = this.arena;
    if (!arena.shared) return;
    const fence = this.#fence as Int32Array;
    let at: number;
    try {
      at = arena.allocate(run.byteLength + fence.byteLength);
    } catch (error) {
      // Reads go on from the heap copy; only share() is lost, and it says why.
      if (error instanceof MemrepError && error.code === 'MEMREP_ARENA_FULL') return;
      throw error;
    }
    const buffer = arena.buffer;
    const index = new Int32Array(buffer, at, run.length);
    index.set(run);
    const shared = new Int32Array(buffer, at + run.byteLength, fence.length);
    shared.set(fence);
    this.#run = index;
    this.#fence = shared;
    this.#sharedIndex = at;
  }

  protected override indexMemory(): number {
    if (this.#sharedIndex !== 0) return 0;
    const fence = this.#fence === null ? 0 : this.#fence.byteLength;
    return this.#run.byteLength + this.#delta.byteLength + fence;
  }

  /** Index of the lower bound of (key, seq) in the delta. */
  #searchDelta(key: Uint8Array, seq: number): number {
    const { bytes, i32, f64 } = this.arena;
    const delta = this.#delta;
    return searchEntries(bytes, i32, f64, delta, 0, delta.length, key, 0, key.length, seq, false);
  }

  /** Index of the lower (or upper) bound of (key, seq) in `run`, using the fence if it has one. */
  #search(run: Int32Array, key: Uint8Array, seq: number, upper: boolean): number {
    const arena = this.arena;
    const bytes = arena.bytes;
    let from = 0;
    let to = run.length;
    const fence = this.#fence;
    if (fence !== null && run === this.#run && to > 0) {
      narrow(bytes, arena.i32, run, fence, this.#fenceDepth, key, 0, key.length);
      from = narrowLo;
      to = narrowHi;
      if (from === to) return from;
    }
    return searchEntries(
      bytes,
      arena.i32,
      arena.f64,
      run,
      from,
      to,
      key,
      0,
      key.length,
      seq,
      upper,
    );
  }

  #buildFence(): void {
    const run = this.#run;
    if (run.length === 0) return;
    const arena = this.arena;
    const depth = sharedPrefixLength(arena.bytes, arena.i32, run);
    const fence = new Int32Array(fenceLength(run.length));
    fillFence(arena.bytes, arena.i32, run, depth, fence);
    this.#fence = fence;
    this.#fenceDepth = depth;
  }

  /** The run with every entry written so far merged in. */
  #sortedRun(): Int32Array {
    if (this.#tailCount > 0) this.#mergeTail();
    if (this.#delta.length > 0) this.#mergeDelta();
    return this.#run;
  }

  /** Sorts the tail and merges it into a new delta, and that into the run once it is long. */
  #mergeTail(): void {
    const count = this.#tailCount;
    if (count === 0) return;
    const arena = this.arena;
    const bytes = arena.bytes;
    const i32 = arena.i32;
    const f64 = arena.f64;
    const tail = new Int32Array(count);
    let maxSeq = this.#deltaMaxSeq;
    let off = this.#tailStart;
    for (let i = 0; i < count; i++) {
      tail[i] = off;
      const s = entrySeq(f64, off);
      if (s > maxSeq) maxSeq = s;
      off = entryNext(i32, off);
    }
    sortEntries(bytes, i32, f64, tail);
    const delta = this.#delta;
    this.#delta = delta.length === 0 ? tail : mergeRuns(bytes, i32, f64, delta, tail, null, 0);
    this.#deltaMaxSeq = maxSeq;
    this.#tailStart = this.#tailEnd;
    this.#tailCount = 0;
    const limit = Math.sqrt(this.#run.length * 128);
    if (this.#delta.length > (limit > MIN_DELTA ? limit : MIN_DELTA)) this.#mergeDelta();
  }

  /** Merges the delta into a new run. */
  #mergeDelta(): void {
    const delta = this.#delta;
    const run = this.#run;
    const arena = this.arena;
    this.#run =
      run.length === 0
        ? delta
        : mergeRuns(arena.bytes, arena.i32, arena.f64, run, delta, this.#fence, this.#fenceDepth);
    if (this.#deltaMaxSeq > this.#runMaxSeq) this.#runMaxSeq = this.#deltaMaxSeq;
    this.#delta = EMPTY_RUN;
    this.#deltaMaxSeq = -1;
    this.#fence = null;
    this.#reads = 0;
  }

  /** Throws `MEMREP_DUPLICATE_SEQ` if (key, seq) is held, in the tail, the delta or the run. */
  #assertNotHeld(key: Uint8Array, seq: number): void {
    if (this.#tailCount > this.#scanLimit) this.#mergeTail();
    const arena = this.arena;
    const bytes = arena.bytes;
    const i32 = arena.i32;
    const f64 = arena.f64;
    const end = this.#tailEnd;
    for (let off = this.#tailStart; off < end; off = entryNext(i32, off)) {
      if (entrySeq(f64, off) === seq && entryHasKey(bytes, i32, off, key)) {
        throw duplicateSeqError(key, seq);
      }
    }
    const delta = this.#delta;
    const inDelta = this.#searchDelta(key, seq);
    if (
      inDelta < delta.length &&
      entrySeq(f64, delta[inDelta]) === seq &&
      entryHasKey(bytes, i32, delta[inDelta], key)
    ) {
      throw duplicateSeqError(key, seq);
    }
    const run = this.#run;
    const at = this.#search(run, key, seq, false);
    if (
      at < run.length &&
      entrySeq(f64, run[at]) === seq &&
      entryHasKey(bytes, i32, run[at], key)
    ) {
      throw duplicateSeqError(key, seq);
    }
  }
}

/**
 * A position in a run. Positioning (first, last, seek, seekForPrev) takes the table's current
 * run, merging any unsorted entries first, so it sees every entry written before it. A run
 * never changes, so next and prev over it neither skip nor repeat an entry, whatever is
 * written or merged meanwhile.
 *
 * A range read's cursor (`follow` false) walks the run it positioned on: writes made after
 * that are not in it, which is what the read's pinned snapshot wants anyway. The cursor of
 * `cursor()` (`follow` true) sees later writes in the middle of a walk too: when the table has
 * changed, next and prev first find the current entry in the table's new run (which holds
 * every entry of the old one, in the same order) and step from there. Each such step after a
 * write merges the tail, so stepping between every write costs O(n) a step.
 */
class VectorCursor implements RawCursor {
  entry = 0;
  readonly arena: Arena;
  readonly #table: VectorTable;
  readonly #follow: boolean;
  #run: Int32Array = EMPTY_RUN;
  #index = -1;
  /** The arena's words when the cursor last positioned: only for touching entries ahead. */
  #words: Int32Array = EMPTY_RUN;
  /** Sink of the touches, so that the loads are not optimised away. */
  #touched = 0;

  constructor(table: VectorTable, follow: boolean) {
    this.arena = table.arena;
    this.#table = table;
    this.#follow = follow;
  }

  first(): void {
    this.#run = sortedRunOf(this.#table);
    this.#at(0);
    this.#touchForward(0);
  }

  last(): void {
    const run = (this.#run = sortedRunOf(this.#table));
    this.#at(run.length - 1);
    this.#touchBackward(run.length - 1);
  }

  seek(key: Uint8Array, seq: number): void {
    const run = (this.#run = sortedRunOf(this.#table));
    const index = searchRunOf(this.#table, run, key, seq, false);
    this.#at(index);
    this.#touchForward(index);
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    const run = (this.#run = sortedRunOf(this.#table));
    const index = searchRunOf(this.#table, run, key, seq, true) - 1;
    this.#at(index);
    this.#touchBackward(index);
  }

  // The run lists entries in key order, scattered over the arena, so a walk is a cache miss an
  // entry. Loading the headers of the entries ahead in one burst puts their misses in flight
  // together instead of one after another: a step onto index i (a multiple of LOOKAHEAD) loads
  // the LOOKAHEAD entries after the ones already loaded; positioning loads up to there.

  next(): void {
    if (this.entry === 0) return;
    if (this.#follow && !isCurrentRun(this.#table, this.#run)) this.#relocate();
    const index = this.#index + 1;
    this.#at(index);
    if ((index & (LOOKAHEAD - 1)) === 0) this.#touch(index + LOOKAHEAD, index + 2 * LOOKAHEAD);
  }

  prev(): void {
    if (this.entry === 0) return;
    if (this.#follow && !isCurrentRun(this.#table, this.#run)) this.#relocate();
    const index = this.#index - 1;
    this.#at(index);
    if ((index & (LOOKAHEAD - 1)) === 0) this.#touch(index - 2 * LOOKAHEAD, index - LOOKAHEAD);
  }

  #touchForward(index: number): void {
    this.#touch(index + 1, (index | (LOOKAHEAD - 1)) + 1 + LOOKAHEAD);
  }

  #touchBackward(index: number): void {
    this.#touch((index & ~(LOOKAHEAD - 1)) - LOOKAHEAD, index);
  }

  #touch(from: number, to: number): void {
    const run = this.#run;
    const words = this.#words;
    const start = from > 0 ? from : 0;
    const end = to < run.length ? to : run.length;
    let touched = this.#touched;
    for (let i = start; i < end; i++) touched ^= words[run[i] >> 2];
    this.#touched = touched;
  }

  #relocate(): void {
    const run = (this.#run = sortedRunOf(this.#table));
    const arena = this.#table.arena;
    this.#index = indexOfEntry(arena.bytes, arena.i32, arena.f64, run, this.entry);
  }

  #at(index: number): void {
    this.#words = this.#table.arena.i32;
    const run = this.#run;
    if (index >= 0 && index < run.length) {
      this.#index = index;
      this.entry = run[index];
    } else {
      this.#index = -1;
      this.entry = 0;
    }
  }
}

/** A new `VectorTable`: `createTable()` alone works, every option has a default. */
export function createTable(options?: VectorTableOptions): VectorTable {
  return new VectorTable(options);
}
