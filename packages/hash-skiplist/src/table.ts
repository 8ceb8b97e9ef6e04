import {
  Arena,
  AttachSlot,
  arenaPrefix32,
  bytesAt,
  type Capabilities,
  compareKeyToEntry,
  entryPrefix32,
  entrySeq,
  entrySize,
  invalidArgument,
  keyPrefix32,
  MemrepError,
  type RangeBounds,
  type RawCursor,
  TableBase,
  type TableHandle,
  type TableOptions,
  unsupported,
} from '@memrep/core/backend';
import { headSize, NEXT0_WORD, SkipListCore } from '@memrep/skiplist';
import { ChunkLog, MAX_CHUNK_SIZE } from './chunks.js';
import {
  BucketCursor,
  type HeadList,
  loadHead,
  openMergeCursor,
  SLOT_FIRST,
  SLOT_FIRST_PREFIX,
  SLOT_SECOND,
  SLOT_WORDS,
  scanHeads,
} from './merge.js';
import {
  buildSortedOrder,
  IndexCursor,
  LiveOrder,
  type OrderSource,
  type SortedOrder,
} from './order.js';
import {
  bucketOfPrefix,
  bucketOfPrefixAt,
  extractPrefixLength,
  extractPrefixLengthAt,
  type PrefixExtractor,
  readPrefix,
  resolvePrefixExtractor,
  singleBucketPrefixLength,
} from './prefix.js';

/** Most buckets a table may have: the bucket array takes 16 bytes a bucket, in the arena. */
export const MAX_BUCKET_COUNT = 2 ** 22;
/** Tallest bucket tower a table accepts. */
export const MAX_BUCKET_HEIGHT = 20;

/** Options of `createTable`: the arena's, the table's, then the hash skip list's. */
export interface HashSkipListOptions extends TableOptions {
  /**
   * The prefix a key is hashed on (default `Infinity`: the whole key, best for point reads).
   * A number is a fixed length; a function returns the length for a key. See `PrefixExtractor`.
   */
  prefixExtractor?: PrefixExtractor;
  /**
   * Buckets, an integer in [1, 2^22]; the bucket array takes 16 bytes a bucket in the arena.
   * Default: sized from `maxSize` when it is given (the write-buffer size hint: one bucket per
   * 256 bytes of it, a power of two in [16, 2^20], so 16 MiB of buckets for 1 GiB), else
   * 2^14 (256 KiB). Fixed for the table's life: give `maxSize` (or `bucketCount`) for a table
   * that will hold many entries, or its point reads walk long buckets.
   */
  bucketCount?: number;
  /**
   * Tallest tower in a bucket, an integer in [1, 20]. Default: 12 for a single bucket, one
   * fewer per factor of 4 more buckets (about 4^12 entries in all at full speed), at least 4,
   * or 2 when the whole key is hashed (see `defaultBucketMaxHeight`).
   */
  bucketMaxHeight?: number;
  /**
   * How reads across buckets get key order: `'index'` sorts every entry's offset once, on the
   * first such read, and then keeps the sort up to date with the writes since, merging them
   * in on the next such read (`LiveOrder`: about 4 bytes an entry, in `memoryUsage`); `'merge'` merges the buckets through a heap on every read (no
   * memory, but a seek costs a search in every bucket); `'auto'` (default) merges while at
   * most 16 buckets hold entries and sorts from then on.
   */
  totalOrder?: 'auto' | 'index' | 'merge';
}

/** `totalOrder: 'auto'` merges through a heap up to this many non-empty buckets. */
export const MERGE_MAX_BUCKETS = 16;

/** The structured-clonable handle `share()` returns, for `HashSkipListTable.attach`. */
export interface HashSkipListHandle extends TableHandle {
  readonly state: number;
  readonly bucketCount: number;
  readonly bucketMaxHeight: number;
  readonly prefixLength: number;
  readonly totalOrder: 'auto' | 'index' | 'merge';
}

/** Table state words in the arena, after TableBase's, so that attached readers see them. */
const STATE_SIZE = 8;
const STATE_UNORDERED_WORD = 0;
const STATE_NON_EMPTY_WORD = 1;
const SLOT_BYTES = SLOT_WORDS * 4;
/** Nodes a point read walks from a bucket's first node before it searches from the head. */
const FIRST_STEPS = 3;
/** Most bytes of a bucket a prefix scan sweeps ahead of its walk (`ChunkLog.sweep`). */
export const SWEEP_MAX_BYTES = 64 * 1024;
/** Bytes swept per entry a prefix scan's `limit` lets it yield. */
const SWEEP_BYTES_PER_ENTRY = 256;

/**
 * Most chunk groups a thread keeps while writes are shared (two words each of its own memory,
 * 8 MiB at most): bucket b's entries from this thread go to group b, or b mod this when there
 * are more buckets (whose entries then share chunks with a few other buckets').
 */
export const SHARED_CHUNK_GROUPS = 2 ** 20;
/**
 * Largest chunk a group reserves while writes are shared. Every shared write reserves room for
 * one in its thread's arena chunk (64 KiB) before it takes a seq, and a thread whose chunk
 * lacks that room abandons the rest of it: 4 KiB (the one writer's `MAX_CHUNK_SIZE`) measured
 * 6.5% more arena on a whole-key fill, 1 KiB keeps that under 2%.
 */
export const SHARED_MAX_CHUNK_SIZE = 1024;

/** Holds the handle while `HashSkipListTable.attach` runs the constructor. */
const attaching = new AttachSlot<HashSkipListHandle>('HashSkipListTable.share()');

/** Buckets of a table given no `maxSize` (no size hint): 256 KiB of bucket array. */
export const UNSIZED_BUCKET_COUNT = 2 ** 14;
/**
 * The arena's default growth step for a table given no `maxSize`: 256 KiB instead of the
 * arena's 4 MiB, so that an empty table reserves little (the arena grows in place, a block at
 * a time). With a `maxSize` hint it is 1/64 of it, a power of two in [256 KiB, 4 MiB]: big
 * tables keep big steps (random gets over a 1M table measured about 10% slower with 256 KiB
 * steps than 4 MiB ones, in one process, on a loaded machine).
 */
export const DEFAULT_HASH_BLOCK_SIZE = 256 * 1024;

/** The default `blockSize` for a `maxSize` hint (see `DEFAULT_HASH_BLOCK_SIZE`). */
export function defaultBlockSize(maxSize: number | undefined): number {
  let size = DEFAULT_HASH_BLOCK_SIZE;
  if (maxSize === undefined) return size;
  while (size < 4 * 1024 * 1024 && size * 2 * 64 <= maxSize) size *= 2;
  return size;
}

/**
 * The bucket count for a `maxSize` hint: one bucket per 256 bytes of it (about one per entry
 * of a full arena of 16-byte keys and 100-byte values, so most buckets hold one entry), a
 * power of two in [16, 2^20]; without a hint (`undefined`), `UNSIZED_BUCKET_COUNT`.
 */
export function defaultBucketCount(maxSize: number | undefined): number {
  if (maxSize === undefined) return UNSIZED_BUCKET_COUNT;
  let count = 16;
  while (count < 2 ** 20 && count * 2 * 256 <= maxSize) count *= 2;
  return count;
}

/**
 * Enough levels for about 4^12 entries in all: 12 for one bucket, one fewer per factor of 4
 * more buckets, at least 4 (a prefix's bucket may hold many keys) or, when the whole key is
 * hashed and buckets hold a few entries each, 2 (a head of 32 bytes, not 48).
 */
export function defaultBucketMaxHeight(bucketCount: number, wholeKey: boolean): number {
  const log4 = Math.floor(Math.log2(bucketCount) / 2);
  return Math.min(12, Math.max(wholeKey ? 2 : 4, 12 - log4));
}

/**
 * A memtable of prefix-hashed buckets, each a small skip list in the table's arena (RocksDB's
 * HashSkipListRep), with the lists, searches and inserts of `@memrep/skiplist`'s core. A point
 * read hashes the key's prefix and searches one bucket; a prefix scan or bounded range whose
 * keys all extract the same prefix walks one bucket; other ordered reads get key order across
 * buckets from a sorted offset index or a heap merge (`totalOrder`), in both directions, with
 * seek and seekForPrev.
 *
 * Layout in the arena: TableBase's state words, this table's (out-of-order writes, non-empty
 * buckets), the bucket array (per bucket: head offset, 0 while empty, and first node), then
 * heads and entries. A bucket's head is allocated when its first entry comes; its later
 * entries go to the bucket's chunks (`ChunkLog`).
 *
 * Invariants:
 * 1. A key's bucket depends on its bytes only (the extractor is deterministic), so all
 *    versions of a key are in one bucket, in internal order.
 * 2. One writer: a head is published (`Atomics.store` into its slot) after its first entry is
 *    linked. Shared writes: an empty head is published with `Atomics.compareExchange` from 0
 *    (`claimBucket`), so a slot names one head for good, whichever thread won; every entry of
 *    the bucket is linked into that head. Entries are published by the skip-list core. Slots
 *    never change once set, except the one writer's first-node cache.
 * 3. While writes are shared nothing of the one writer's is kept or read: no first-node cache,
 *    bucket chunks in the heads, list of heads or kept order (`LiveOrder`); every thread reads
 *    as an attached reader does (heads, a scan of the slots, a sort after writes), and places
 *    its nodes in chunks of its own (`SHARED_CHUNK_GROUPS`). There is no resizing: the bucket
 *    array and every head's height are fixed when the table is made.
 *
 * Thread safety: one writer; readers in the writer's thread or, through `share()` and
 * `HashSkipListTable.attach()`, in worker threads (fixed-length extractors only: a function
 * cannot be posted). Readers search from heads, never from the first-node cache. After
 * `share({ writable: true })` every thread holding the table writes at once, lock-free
 * (invariants 2 and 3; seqs, counts and visibility are `TableBase`'s shared path).
 */
export class HashSkipListTable extends TableBase implements OrderSource {
  /** The skip-list operations over this table's buckets. */
  readonly list: SkipListCore;
  readonly bucketCount: number;
  readonly bucketMaxHeight: number;
  /** Offset of the bucket array in the arena. */
  readonly buckets: number;
  /** Int32 word index of bucket 0. */
  readonly bucketWord: number;
  /**
   * Whether other threads write or read this arena's lists as this one does (Atomics loads,
   * view refresh, reads from heads only): an attached table, or one whose writes are shared.
   * Set for good by `share({ writable: true })`.
   */
  concurrent: boolean;
  readonly totalOrder: 'auto' | 'index' | 'merge';
  /** Fixed prefix length (Infinity: the whole key), or -1 with a function extractor. */
  readonly #fixed: number;
  readonly #extract: ((key: Uint8Array) => number) | undefined;
  readonly #state: number;
  readonly headBytes: number;
  /** The writer's order, kept up to date as it writes (`LiveOrder`); a reader's last sort. */
  #order: LiveOrder | undefined;
  #readerOrder: SortedOrder | undefined;
  /** The writer's list of non-empty buckets' heads (readers scan the bucket array). */
  #heads = new Int32Array(16);
  #headCount = 0;
  /** The writer's placement of a bucket's entries in its chunks, and their log. */
  readonly #chunks: ChunkLog | undefined;
  /** Writes are shared with other threads: inserts go through `#insertShared`. */
  #shared = false;
  /** This thread's chunk state per group of buckets while writes are shared; made on first use. */
  #groups: Int32Array | undefined;

  constructor(options?: HashSkipListOptions) {
    const handle = attaching.take();
    if (handle !== undefined) {
      super(Arena.attach(handle.arena), undefined, handle);
      this.#fixed = handle.prefixLength;
      this.#extract = undefined;
      this.bucketCount = handle.bucketCount;
      this.bucketMaxHeight = handle.bucketMaxHeight;
      this.#state = handle.state;
      this.totalOrder = handle.totalOrder;
      this.concurrent = true;
      this.#shared = handle.writers !== undefined;
    } else {
      const fixed = resolvePrefixExtractor(options?.prefixExtractor);
      const bucketCount = options?.bucketCount ?? defaultBucketCount(options?.maxSize);
      if (!Number.isInteger(bucketCount) || bucketCount < 1 || bucketCount > MAX_BUCKET_COUNT) {
        throw invalidArgument(
          `bucketCount must be an integer in [1, ${MAX_BUCKET_COUNT}]; got ${String(bucketCount)}`,
        );
      }
      const bucketMaxHeight =
        options?.bucketMaxHeight ?? defaultBucketMaxHeight(bucketCount, fixed === Infinity);
      if (
        !Number.isInteger(bucketMaxHeight) ||
        bucketMaxHeight < 1 ||
        bucketMaxHeight > MAX_BUCKET_HEIGHT
      ) {
        throw invalidArgument(
          `bucketMaxHeight must be an integer in [1, ${MAX_BUCKET_HEIGHT}]; ` +
            `got ${String(bucketMaxHeight)}`,
        );
      }
      const totalOrder = options?.totalOrder ?? 'auto';
      if (totalOrder !== 'auto' && totalOrder !== 'index' && totalOrder !== 'merge') {
        throw invalidArgument(
          `totalOrder must be 'auto', 'index' or 'merge'; got ${String(totalOrder)}`,
        );
      }
      super(
        new Arena({
          ...options,
          blockSize: options?.blockSize ?? defaultBlockSize(options?.maxSize),
        }),
        options,
      );
      this.totalOrder = totalOrder;
      if (!this.arena.fits(STATE_SIZE + bucketCount * SLOT_BYTES)) {
        throw invalidArgument(
          `bucketCount ${bucketCount} needs ${bucketCount * SLOT_BYTES} bytes of arena, more than ` +
            `maxSize ${this.arena.maxSize} leaves; lower bucketCount or raise maxSize`,
        );
      }
      this.#fixed = fixed;
      this.#extract =
        fixed < 0 ? (options?.prefixExtractor as (key: Uint8Array) => number) : undefined;
      this.bucketCount = bucketCount;
      this.bucketMaxHeight = bucketMaxHeight;
      this.#state = this.arena.allocate(STATE_SIZE + bucketCount * SLOT_BYTES);
      this.concurrent = false;
    }
    this.buckets = this.#state + STATE_SIZE;
    this.bucketWord = this.buckets >> 2;
    this.headBytes = headSize(this.bucketMaxHeight);
    this.#chunks = this.concurrent ? undefined : new ChunkLog(this.arena, this.bucketMaxHeight);
    this.list = new SkipListCore(this.arena, { concurrent: this.concurrent });
  }

  get capabilities(): Capabilities {
    const share = this.#fixed >= 0 && this.arena.shared;
    return { share, shareRequiresFrozen: false, concurrentWrites: share };
  }

  /**
   * Writes so far whose seq was not above every seq held (a merge cursor's staleness); not
   * counted while writes are shared (cursors of a concurrent table never re-position).
   */
  get unorderedWrites(): number {
    const w = (this.#state >> 2) + STATE_UNORDERED_WORD;
    return this.concurrent ? Atomics.load(this.arena.i32, w) : this.arena.i32[w];
  }

  /**
   * Buckets holding at least one entry (while writes are shared: whose head is published, the
   * moment before its first entry links).
   */
  get nonEmptyBuckets(): number {
    const w = (this.#state >> 2) + STATE_NON_EMPTY_WORD;
    return this.concurrent ? Atomics.load(this.arena.i32, w) : this.arena.i32[w];
  }

  /**
   * Every entry's offset in internal order: sorted on the first call, then on the writer kept
   * up to date from the writes since (`LiveOrder`); a reader in another thread sorts again
   * after writes (see `SortedOrder`).
   */
  sortedOrder(): SortedOrder {
    if (this.concurrent) {
      let order = this.#readerOrder;
      if (order === undefined || order.count !== this.count) {
        order = buildSortedOrder(this);
        this.#readerOrder = order;
      }
      return order;
    }
    this.#order = LiveOrder.current(this, this.#order);
    return this.#order;
  }

  /** Heads of the non-empty buckets: the writer's list, or in a reader a scan of the slots. */
  heads(): HeadList {
    if (this.concurrent) return scanHeads(this);
    return { offsets: this.#heads, length: this.#headCount };
  }

  /** The writer's chunk log (undefined in a reader attached from another thread). */
  get chunkLog(): ChunkLog | undefined {
    return this.#chunks;
  }

  /**
   * See `BucketSource.sweepBucket`: the one writer sweeps; a reader in another thread, or any
   * thread while writes are shared, does not.
   */
  sweepBucket(head: number, maxBytes: number): void {
    if (!this.#shared) this.#chunks?.sweep(head, maxBytes);
  }

  /** The prefix length `key` is hashed on. */
  prefixLength(key: Uint8Array): number {
    return extractPrefixLength(key, this.#fixed, this.#extract);
  }

  /** The bucket `key` lives in. */
  bucketOf(key: Uint8Array): number {
    return bucketOfPrefix(
      key,
      extractPrefixLength(key, this.#fixed, this.#extract),
      this.bucketCount,
    );
  }

  /**
   * A structured-clonable handle to post to a worker thread. Needs SharedArrayBuffer and a
   * fixed-length prefix extractor (a function cannot be posted): otherwise `MEMREP_UNSUPPORTED`.
   * `writable: true` makes the handle's `attach` a writer, and from then on this table writes
   * through the shared path too, for good (capability `concurrentWrites`; invariants 2 and 3);
   * on a read-only view it throws `MEMREP_READ_ONLY`. Default: a read-only view.
   */
  override share(options?: { writable?: boolean }): HashSkipListHandle {
    if (this.#fixed < 0) {
      throw unsupported(
        'share() needs a fixed-length prefixExtractor: a function cannot be posted to a worker',
      );
    }
    let table: TableHandle;
    if (options?.writable === true) {
      table = this.writableTableHandle();
      if (!this.#shared) {
        this.#shared = true;
        this.concurrent = true;
        this.list.shareWrites();
        this.#order = undefined;
      }
    } else table = this.tableHandle();
    return {
      ...table,
      state: this.#state,
      bucketCount: this.bucketCount,
      bucketMaxHeight: this.bucketMaxHeight,
      prefixLength: this.#fixed,
      totalOrder: this.totalOrder,
    };
  }

  /** A table over the memory of a shared one, for any thread: a writer if the handle is writable. */
  static attach(handle: HashSkipListHandle): HashSkipListTable {
    return attaching.attach(
      handle,
      (h) =>
        Number.isInteger(h.state) &&
        h.state > 0 &&
        Number.isInteger(h.bucketCount) &&
        h.bucketCount >= 1 &&
        h.prefixLength >= 0,
      () => new HashSkipListTable(),
    );
  }

  /**
   * The base's `insertEntry` in its offset form, natively: the key is hashed, compared and
   * copied where it lies (a batch's encoding, or a single write's own array), with no view.
   */
  protected insertEntry(
    key: Uint8Array,
    ko: number,
    kl: number,
    value: Uint8Array | undefined,
    vo: number,
    vl: number,
    seq: number,
    fresh: boolean,
  ): void {
    const prefix = extractPrefixLengthAt(key, ko, kl, this.#fixed, this.#extract);
    const bucket = bucketOfPrefixAt(key, ko, prefix, this.bucketCount);
    if (this.#shared) {
      this.#insertShared(bucket, bytesAt(key, ko, kl), value && bytesAt(value, vo, vl), seq);
      return;
    }
    const arena = this.arena;
    const w = this.bucketWord + bucket * SLOT_WORDS;
    let head = arena.i32[w];
    const empty = head === 0;
    const chunks = this.#chunks as ChunkLog;
    // A bucket's first entry is a plain allocation; later ones go to its chunks.
    let word = -1;
    let before = 0;
    if (empty) {
      // Checked up front so that a full arena leaves no stray head behind.
      const tallest = entrySize(2 * this.bucketMaxHeight - 1, kl, vl);
      if (!arena.fits(this.headBytes + tallest)) {
        throw new MemrepError(
          'MEMREP_ARENA_FULL',
          `a new bucket for this entry needs up to ${this.headBytes + tallest} bytes, more ` +
            `than the arena's maxSize of ${arena.maxSize} bytes leaves ` +
            `(${arena.allocated} already allocated)`,
        );
      }
      head = this.list.allocateHead(this.bucketMaxHeight);
    } else {
      word = chunks.placementWord(head);
      before = arena.i32[word + 1];
    }
    const f = fresh || empty;
    const chunk = empty ? 0 : MAX_CHUNK_SIZE;
    const node = this.list.insertAt(head, key, ko, kl, value, vo, vl, seq, f, word, null, chunk);
    const i32 = arena.i32;
    if (empty) {
      i32[w + SLOT_FIRST] = node;
      i32[w + SLOT_FIRST_PREFIX] = arenaPrefix32(key, ko, kl);
      Atomics.store(i32, w, head);
      Atomics.add(i32, (this.#state >> 2) + STATE_NON_EMPTY_WORD, 1);
      if (this.#headCount === this.#heads.length) {
        const bigger = new Int32Array(this.#headCount * 2);
        bigger.set(this.#heads);
        this.#heads = bigger;
      }
      this.#heads[this.#headCount++] = head;
    } else {
      chunks.placed(head, before, node);
      const first = i32[(head >> 2) + NEXT0_WORD];
      if (i32[w + SLOT_FIRST] !== first) {
        i32[w + SLOT_FIRST] = first;
        i32[w + SLOT_FIRST_PREFIX] = entryPrefix32(i32, arena.bytes, first);
      }
      i32[w + SLOT_SECOND] = i32[(first >> 2) + NEXT0_WORD];
    }
    if (!fresh) Atomics.add(arena.i32, (this.#state >> 2) + STATE_UNORDERED_WORD, 1);
    if (this.#order !== undefined && !this.#order.add(node)) this.#order = undefined;
  }

  /**
   * Shared writes: the bucket's head (a new one claimed if the slot is empty; the loser of a
   * race links into the winner's) and a lock-free insert into it, the node placed in this
   * thread's chunks of the bucket's group (`SHARED_CHUNK_GROUPS`; the bucket chunks in the
   * heads are the one writer's). Throws as `SkipListCore.insertShared` does; the room is
   * reserved by the base beforehand.
   */
  #insertShared(bucket: number, key: Uint8Array, value: Uint8Array | undefined, seq: number): void {
    const w = this.bucketWord + bucket * SLOT_WORDS;
    const head = Atomics.load(this.arena.i32, w);
    if (head === 0) {
      // A bucket's first entry is a plain allocation, as with one writer: most buckets of a
      // whole-key table hold one entry, and a group's chunk would reserve room it never uses.
      const mine = this.list.allocateHead(this.bucketMaxHeight);
      const claimed = this.claimBucket(this.arena.i32, w, mine);
      this.list.insertShared(claimed, key, value, seq, -1, null, 0);
      return;
    }
    const groups = this.#groups ?? this.#makeGroups();
    const group = bucket < SHARED_CHUNK_GROUPS ? bucket : bucket & (SHARED_CHUNK_GROUPS - 1);
    this.list.insertShared(head, key, value, seq, group << 1, groups, SHARED_MAX_CHUNK_SIZE);
  }

  #makeGroups(): Int32Array {
    const groups = new Int32Array(2 * Math.min(this.bucketCount, SHARED_CHUNK_GROUPS));
    this.#groups = groups;
    return groups;
  }

  /**
   * The linearization step of a bucket's creation while writes are shared: publishes `head`,
   * a new empty list, in the slot at word `word` if the slot is still empty, atomically, and
   * counts the bucket; returns the bucket's head: `head`, or the one another thread published
   * first (then `head` stays unreachable, a head's bytes lost to the race).
   */
  claimBucket(i32: Int32Array, word: number, head: number): number {
    const seen = Atomics.compareExchange(i32, word, 0, head);
    if (seen !== 0) return seen;
    Atomics.add(i32, (this.#state >> 2) + STATE_NON_EMPTY_WORD, 1);
    return head;
  }

  /**
   * A new bucket's head and tallest node. The one writer's bucket chunk is not counted: it
   * opens only when it fits beside the room the rest of the write needs (`Arena.held`). Shared,
   * a thread's chunk is counted, since the room a write reserves is claimed for its thread
   * before it takes a seq.
   */
  protected override maxInsertBytes(keyLength: number, valueLength: number): number {
    const node = (entrySize(2 * this.bucketMaxHeight - 1, keyLength, valueLength) + 7) & ~7;
    return this.headBytes + node + (this.#shared ? SHARED_MAX_CHUNK_SIZE : 0);
  }

  /**
   * On the writer's thread a read starts from the bucket's slot: the key's first four bytes
   * against the first node's pick the first node, the second, or "absent" without a load; in
   * a bucket of one or two entries the key is then found, or known absent, with one node
   * touched and no head. Past a few nodes, and in readers of other threads (which search from
   * heads only), it is a search from the head.
   */
  protected findEntry(key: Uint8Array, snapshot: number): number {
    const bucket = this.bucketOf(key);
    if (this.concurrent) {
      const head = loadHead(this, bucket);
      return head === 0 ? 0 : this.list.findNewest(head, key, snapshot);
    }
    const arena = this.arena;
    const i32 = arena.i32;
    const w = this.bucketWord + bucket * SLOT_WORDS;
    let node = i32[w + SLOT_FIRST];
    if (node === 0) return 0;
    const p = keyPrefix32(key);
    const firstPrefix = i32[w + SLOT_FIRST_PREFIX];
    if (p < firstPrefix) return 0;
    if (p > firstPrefix) node = i32[w + SLOT_SECOND];
    for (let steps = 0; node !== 0 && steps < FIRST_STEPS; steps++) {
      const c = compareKeyToEntry(key, arena, node);
      if (c < 0) return 0;
      if (c === 0 && entrySeq(arena.f64, node) <= snapshot) return node;
      node = i32[(node >> 2) + NEXT0_WORD];
    }
    return node === 0 ? 0 : this.list.findNewest(i32[w], key, snapshot);
  }

  protected openRawCursor(): RawCursor {
    return this.#totalOrderCursor(Number.POSITIVE_INFINITY);
  }

  protected override indexMemory(): number {
    const order = this.#order;
    const log = this.#chunks === undefined ? 0 : this.#chunks.logBytes;
    const sorted = order !== undefined ? order.bytes : (this.#readerOrder?.offsets.byteLength ?? 0);
    const groups = this.#groups === undefined ? 0 : this.#groups.byteLength;
    return this.#heads.byteLength + log + sorted + groups;
  }

  #totalOrderCursor(snapshot: number): RawCursor {
    const mode = this.totalOrder;
    if (mode === 'merge' || (mode === 'auto' && this.nonEmptyBuckets <= MERGE_MAX_BUCKETS)) {
      return openMergeCursor(this, snapshot);
    }
    return new IndexCursor(this, snapshot);
  }

  /** One bucket when every key the read can yield lives in it; else the merge of all. */
  protected override openRangeCursor(
    bounds: RangeBounds,
    prefix: Uint8Array | undefined,
  ): RawCursor {
    const q = readPrefix(bounds, prefix);
    const n = singleBucketPrefixLength(q, this.#fixed, this.#extract);
    if (n >= 0) {
      const bucket = bucketOfPrefix(q, n, this.bucketCount);
      if (prefix === undefined || n !== q.length) return new BucketCursor(this, bucket);
      // A whole prefix's bucket: the scan walks most of it, so it is swept first.
      const sweep = Math.min(SWEEP_MAX_BYTES, bounds.limit * SWEEP_BYTES_PER_ENTRY);
      const swept = this.#chunks === undefined || this.#shared ? 0 : sweep;
      return new BucketCursor(this, bucket, true, swept);
    }
    return this.#totalOrderCursor(bounds.snapshot);
  }
}

/** A new, empty hash skip-list memtable; `createTable()` alone works. */
export function createTable(options?: HashSkipListOptions): HashSkipListTable {
  return new HashSkipListTable(options);
}
