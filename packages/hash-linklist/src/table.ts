import type { Capabilities, TableOptions } from '@memrep/core';
import {
  Arena,
  AttachSlot,
  arenaPrefix32,
  bytesAt,
  compareInternal,
  compareKeyToEntry,
  duplicateSeqError,
  entryKeyLength,
  entryKeyOffset,
  entrySeq,
  entrySize,
  invalidArgument,
  type RangeBounds,
  type RawCursor,
  TableBase,
  type TableHandle,
  unsupported,
} from '@memrep/core/backend';
import {
  type BucketSource,
  bucketOfPrefix,
  bucketOfPrefixAt,
  buildSortedOrder,
  extractPrefixLength,
  extractPrefixLengthAt,
  type HeadList,
  IndexCursor,
  LiveOrder,
  type OrderSource,
  openMergeCursor,
  type PrefixExtractor,
  readPrefix,
  resolvePrefixExtractor,
  type SortedOrder,
  singleBucketPrefixLength,
} from '@memrep/hash-skiplist';
import {
  HEAD_HEIGHT_WORD,
  headSize,
  NEXT0_WORD,
  nextWord,
  nodeKeyOffset,
  prefixWord,
  towerHeight,
} from '@memrep/skiplist';
import { GuardedCursor, type GuardedSource } from './cursor.js';
import { BucketLists } from './lists.js';

/** Default `skipListThreshold`: RocksDB's `threshold_use_skiplist`. */
export const DEFAULT_SKIP_LIST_THRESHOLD = 256;
/** Largest `skipListThreshold` (bucket sizes are counted in 16 bits). */
export const MAX_SKIP_LIST_THRESHOLD = 2 ** 16 - 2;
/** Most buckets a directory grows to (`bucketOfPrefix` needs at most 2^22). */
export const MAX_BUCKET_COUNT = 2 ** 22;
/** Buckets of an empty table: the directory starts at 64 bytes. */
export const INITIAL_BUCKET_COUNT = 16;
/** Tallest tower in a skip-list bucket. */
export const SKIP_MAX_HEIGHT = 12;
/**
 * The arena's default growth step for this table: 256 KiB instead of the arena's 4 MiB, so
 * that an empty table reserves little (the arena grows in place, a block at a time).
 */
export const DEFAULT_LINKLIST_BLOCK_SIZE = 256 * 1024;
/** `totalOrder` reads merge through a heap up to this many non-empty buckets, then sort. */
export const MERGE_MAX_BUCKETS = 16;

/**
 * The most arena bytes one insert must allocate: the entry with the tallest tower a skip-list
 * bucket gives (12 levels), rounded to the arena's 8 bytes. An insert allocates more only
 * when that fits too: a skip-list head (`headSize(12)`, 112 bytes) when a bucket turns into a
 * skip list, and a grown bucket directory (4 bytes a bucket) with up to four heads per
 * skip-list bucket it splits. Either is skipped, never failed, when the arena cannot hold it
 * together with the entry, so an insert fails with `MEMREP_ARENA_FULL` only when this many
 * bytes do not fit.
 */
export function maxInsertBytes(keyLength: number, valueLength: number): number {
  return (entrySize(2 * SKIP_MAX_HEIGHT - 1, keyLength, valueLength) + 7) & ~7;
}

/** Options of `createTable`: the arena's, the table's, then the hash link list's. */
export interface HashLinkListOptions extends TableOptions {
  /**
   * The prefix a key is hashed on (default `Infinity`: the whole key, best for point reads);
   * the same option as hash-skiplist's (see its `PrefixExtractor`).
   */
  prefixExtractor?: PrefixExtractor;
  /**
   * A bucket is a sorted linked list while it holds at most this many entries and a skip list
   * once it holds more (default 256), an integer in [1, 65534].
   */
  skipListThreshold?: number;
  /**
   * The bucket directory grows 4x, from 16 buckets, whenever more than 3/4 of its buckets hold
   * entries, up to this many: a power of two in [1, 2^22] (default 2^22).
   */
  maxBucketCount?: number;
}

/** The structured-clonable handle `share()` returns, for `HashLinkListTable.attach`. */
export interface HashLinkListHandle extends TableHandle {
  /** Arena offset of the table's state words (generation, directory, bucket count, non-empty buckets). */
  readonly state: number;
  /** The fixed prefix length keys hash by (`share()` refuses a function extractor). */
  readonly prefixLength: number;
  /** The writer's `skipListThreshold`. */
  readonly skipListThreshold: number;
  /** The writer's `maxBucketCount`. */
  readonly maxBucketCount: number;
}

/** Table state words in the arena, after TableBase's, so that attached readers see them. */
const STATE_SIZE = 16;
const STATE_GENERATION = 0;
const STATE_DIRECTORY = 1;
const STATE_BUCKET_COUNT = 2;
const STATE_NON_EMPTY = 3;
/** A bucket size that marks a skip-list bucket in the writer's sizes. */
const SKIP = 0xffff;
const HEAD_BYTES = (headSize(SKIP_MAX_HEIGHT) + 7) & ~7;
/**
 * How much the directory grows at a time: 4x (2x for its last step to `maxBucketCount`). A
 * growth relinks every entry, so 4x relinks about 4/3 of the entries over a table's life where
 * 2x relinks twice them; measured on a 1M fill, growth took ~20% of the time at 2x.
 */
const GROWTH = 4;
/** Lists a growth relinks side by side (see `#splitLists`). */
const SPLIT_GROUP = 256;

const attaching = new AttachSlot<HashLinkListHandle>('HashLinkListTable.share()');

/**
 * A memtable of prefix-hashed buckets (RocksDB's HashLinkListRep): a bucket is a sorted linked
 * list of entry records while small and a skip list once it holds more than
 * `skipListThreshold` entries, both in the table's arena.
 *
 * Layout in the arena: TableBase's state words, this table's (generation, directory offset,
 * bucket count, non-empty buckets), the directory (one Int32 slot a bucket, see `BucketLists`),
 * then entries and the heads of skip-list buckets. A list node is an entry with one aux word,
 * its next offset: 136 bytes for a 16-byte key and a 100-byte value, no head, no bucket
 * record. The directory starts at 16 buckets and grows 4x when more than 3/4 of them hold
 * entries: every list is relinked in place into the four buckets it splits into (bucket b into
 * 4b..4b + 3, so bucket order is kept), a skip-list bucket whose keys all stay together
 * keeps its head, one whose keys part gets its towers relinked under a new head per part.
 *
 * Invariants:
 * 1. A key's bucket depends on its bytes only, so all versions of a key are in one bucket, in
 *    internal order.
 * 2. Publication, list to skip list: the writer allocates a head, points its level 0 at the
 *    list's first node and inserts the new entry through `SkipListCore` (which links it into
 *    the level-0 chain the list's readers walk, as any list insert would, and builds its
 *    tower under the unpublished head); only then does one `Atomics.store` put `head + 1` in
 *    the slot, and the generation moves on. A reader that loaded the slot before sees the
 *    list, whose nodes are all still linked in order; one that loads it after sees the skip
 *    list, complete. Nothing is copied, nothing unlinked, so neither can see half of it.
 * 3. Publication, directory growth (a seqlock): the writer makes the generation odd, relinks,
 *    stores the new directory's offset and size, then makes the generation even again (each an
 *    `Atomics.store`). A reader in another thread reads the generation (waiting while it is
 *    odd), reads, and checks the generation again; a read that saw a change is redone. A read
 *    that races with a relink may read mixed lists, but every link always names a later entry
 *    in internal order (`BucketLists`, invariant 1), so it ends.
 * 4. Slots, links and towers change only as above; entries never move, so an entry offset is
 *    a position that survives anything (`GuardedCursor`).
 *
 * Thread safety: one writer; readers in the writer's thread or, through `share()` and
 * `HashLinkListTable.attach()`, in worker threads (fixed-length extractors only: a function
 * cannot be posted).
 */
export class HashLinkListTable
  extends TableBase
  implements BucketSource, OrderSource, GuardedSource
{
  readonly concurrent: boolean;
  /** Entries past which a bucket turns from a sorted list into a skip list; in [1, 65534]. */
  readonly skipListThreshold: number;
  /** Most buckets the directory grows to: a power of two in [1, 2^22]. */
  readonly maxBucketCount: number;
  readonly headBytes = HEAD_BYTES;
  readonly #lists: BucketLists;
  readonly #fixed: number;
  readonly #extract: ((key: Uint8Array) => number) | undefined;
  /** Offset of this table's state words. */
  readonly #state: number;
  readonly #stateWord: number;
  // The writer's copy of the directory (readers read the state words).
  #directoryWord = 0;
  #bucketCount = 0;
  #nonEmpty = 0;
  #skipBuckets = 0;
  /** The writer's entry count per list bucket (SKIP for a skip-list bucket). */
  #sizes: Uint16Array = new Uint16Array(0);
  #unordered = 0;
  /**
   * The writer's order, kept up to date as it writes (`LiveOrder`): entries never move, so
   * neither a growth nor a conversion touches it.
   */
  #order: LiveOrder | undefined;
  /** In a reader: the directory pair `#takeDirectory` last read, one generation's. */
  #seenWord = 0;
  #seenCount = 0;
  /** A reader's last sort, and the generation it was sorted in. */
  #readerOrder: SortedOrder | undefined;
  #readerGeneration = -1;
  #heads: HeadList | undefined;
  readonly #splitCur = new Int32Array(SPLIT_GROUP);
  readonly #splitTails = new Int32Array(SPLIT_GROUP * GROWTH);
  /** Where a growth's touch loads go, so that they are not dead code. */
  #touched = 0;
  /** Scratch for a node's prefix while the directory grows. */
  #scratch = new Uint8Array(64);

  constructor(options?: HashLinkListOptions) {
    const handle = attaching.take();
    if (handle !== undefined) {
      super(Arena.attach(handle.arena), undefined, handle);
      this.#fixed = handle.prefixLength;
      this.#extract = undefined;
      this.skipListThreshold = handle.skipListThreshold;
      this.maxBucketCount = handle.maxBucketCount;
      this.#state = handle.state;
      this.concurrent = true;
    } else {
      const fixed = resolvePrefixExtractor(options?.prefixExtractor);
      const threshold = options?.skipListThreshold ?? DEFAULT_SKIP_LIST_THRESHOLD;
      if (!Number.isInteger(threshold) || threshold < 1 || threshold > MAX_SKIP_LIST_THRESHOLD) {
        throw invalidArgument(
          `skipListThreshold must be an integer in [1, ${MAX_SKIP_LIST_THRESHOLD}]; ` +
            `got ${String(threshold)}`,
        );
      }
      const maxBuckets = options?.maxBucketCount ?? MAX_BUCKET_COUNT;
      if (
        !Number.isInteger(maxBuckets) ||
        maxBuckets < 1 ||
        maxBuckets > MAX_BUCKET_COUNT ||
        (maxBuckets & (maxBuckets - 1)) !== 0
      ) {
        throw invalidArgument(
          `maxBucketCount must be a power of two in [1, ${MAX_BUCKET_COUNT}]; ` +
            `got ${String(maxBuckets)}`,
        );
      }
      const arena = new Arena({
        ...options,
        blockSize: options?.blockSize ?? DEFAULT_LINKLIST_BLOCK_SIZE,
      });
      super(arena, options);
      this.#fixed = fixed;
      this.#extract =
        fixed < 0 ? (options?.prefixExtractor as (key: Uint8Array) => number) : undefined;
      this.skipListThreshold = threshold;
      this.maxBucketCount = maxBuckets;
      this.concurrent = false;
      const count = Math.min(INITIAL_BUCKET_COUNT, maxBuckets);
      this.#state = this.arena.allocate(STATE_SIZE + count * 4);
      const directory = this.#state + STATE_SIZE;
      const i32 = this.arena.i32;
      const sw = this.#state >> 2;
      i32[sw + STATE_DIRECTORY] = directory;
      i32[sw + STATE_BUCKET_COUNT] = count;
      this.#directoryWord = directory >> 2;
      this.#bucketCount = count;
      this.#sizes = new Uint16Array(count);
    }
    this.#stateWord = this.#state >> 2;
    this.#lists = new BucketLists(this.arena, { concurrent: this.concurrent });
  }

  get capabilities(): Capabilities {
    return {
      share: this.#fixed >= 0 && this.arena.shared,
      shareRequiresFrozen: false,
      concurrentWrites: false,
    };
  }

  /** See `maxInsertBytes`: a growth or conversion that does not fit with the entry is skipped. */
  protected override maxInsertBytes(keyLength: number, valueLength: number): number {
    return maxInsertBytes(keyLength, valueLength);
  }

  // ---- what the reused cursors read (BucketSource, OrderSource, GuardedSource) --------------

  /** The bucket lists over this table's arena: how cursors walk one bucket's sorted list. */
  get list(): BucketLists {
    return this.#lists;
  }

  /** Buckets in the current directory: 16 at first, growing 4x up to `maxBucketCount`. */
  get bucketCount(): number {
    return this.concurrent
      ? Atomics.load(this.arena.i32, this.#stateWord + STATE_BUCKET_COUNT)
      : this.#bucketCount;
  }

  /** Int32 word index of the current directory's slot 0. */
  get bucketWord(): number {
    return this.concurrent
      ? Atomics.load(this.arena.i32, this.#stateWord + STATE_DIRECTORY) >> 2
      : this.#directoryWord;
  }

  /** Buckets holding at least one entry. */
  get nonEmptyBuckets(): number {
    return this.concurrent
      ? Atomics.load(this.arena.i32, this.#stateWord + STATE_NON_EMPTY)
      : this.#nonEmpty;
  }

  /**
   * Writes whose seq was not above every seq held, plus directory changes: what makes a merge
   * cursor re-seek (hash-skiplist's `Staleness`). The writer's count; a reader never re-seeks.
   */
  get unorderedWrites(): number {
    return this.#unordered;
  }

  /** Directory generation: odd while the writer relinks; moves on with every slot change. */
  get generation(): number {
    return this.concurrent
      ? Atomics.load(this.arena.i32, this.#stateWord + STATE_GENERATION)
      : this.arena.i32[this.#stateWord + STATE_GENERATION];
  }

  stableGeneration(): number {
    if (!this.concurrent) return this.arena.i32[this.#stateWord + STATE_GENERATION];
    const i32 = this.arena.i32;
    for (;;) {
      const g = Atomics.load(i32, this.#stateWord + STATE_GENERATION);
      if ((g & 1) === 0) return g;
    }
  }

  /** Skip-list heads and list pseudo-heads of the non-empty buckets (see `BucketLists`). */
  heads(): HeadList {
    if (!this.concurrent && this.#heads !== undefined) return this.#heads;
    const arena = this.arena;
    let count = this.bucketCount;
    let first = this.bucketWord;
    if (this.concurrent) {
      // The caller's generation check then decides whether what follows is kept.
      this.#takeDirectory();
      count = this.#seenCount;
      first = this.#seenWord;
    }
    let offsets = new Int32Array(Math.max(1, this.nonEmptyBuckets));
    let length = 0;
    for (let w = first; w < first + count; w++) {
      const s = this.concurrent ? Atomics.load(arena.i32, w) : arena.i32[w];
      if (s === 0) continue;
      if (length === offsets.length) {
        const bigger = new Int32Array(length * 2);
        bigger.set(offsets);
        offsets = bigger;
      }
      if ((s & 1) === 1) {
        if (this.concurrent) this.#lists.cover(s - 1);
        offsets[length++] = s - 1;
      } else offsets[length++] = BucketLists.pseudoHead(w);
    }
    const heads = { offsets, length };
    if (!this.concurrent) this.#heads = heads;
    return heads;
  }

  sweepBucket(): void {}

  /**
   * Every entry's offset in internal order: sorted on the first call, then on the writer kept
   * up to date from the writes since (`LiveOrder`); a reader in another thread sorts again
   * after writes or a directory change, under the seqlock (invariant 3).
   */
  sortedOrder(): SortedOrder {
    if (!this.concurrent) {
      this.#order = LiveOrder.current(this, this.#order);
      return this.#order;
    }
    let order = this.#readerOrder;
    if (
      order !== undefined &&
      order.count === this.count &&
      this.#readerGeneration === this.generation
    ) {
      return order;
    }
    for (;;) {
      const g = this.stableGeneration();
      order = buildSortedOrder(this);
      if (this.generation === g) {
        this.#readerOrder = order;
        this.#readerGeneration = g;
        return order;
      }
    }
  }

  openInner(prefix: Uint8Array | undefined, prefixLength: number, snapshot: number): RawCursor {
    if (prefix !== undefined) {
      const bucket = bucketOfPrefix(prefix, prefixLength, this.bucketCount);
      return this.#lists.openCursor(BucketLists.pseudoHead(this.bucketWord + bucket));
    }
    if (this.nonEmptyBuckets <= MERGE_MAX_BUCKETS) return openMergeCursor(this, snapshot);
    return new IndexCursor(this, snapshot);
  }

  // ---- prefixes -----------------------------------------------------------------------------

  /** The prefix length `key` is hashed on. */
  prefixLength(key: Uint8Array): number {
    return extractPrefixLength(key, this.#fixed, this.#extract);
  }

  /** The bucket `key` lives in, in the current directory. */
  bucketOf(key: Uint8Array): number {
    return bucketOfPrefix(
      key,
      extractPrefixLength(key, this.#fixed, this.#extract),
      this.bucketCount,
    );
  }

  /** What the bucket of `key` is now: 'empty', 'list' or 'skiplist'. */
  bucketKind(key: Uint8Array): 'empty' | 'list' | 'skiplist' {
    const s = this.arena.i32[this.bucketWord + this.bucketOf(key)];
    return s === 0 ? 'empty' : (s & 1) === 1 ? 'skiplist' : 'list';
  }

  // ---- sharing ------------------------------------------------------------------------------

  /**
   * A structured-clonable handle to post to a worker thread. Needs SharedArrayBuffer and a
   * fixed-length prefix extractor (a function cannot be posted): otherwise `MEMREP_UNSUPPORTED`.
   */
  override share(options?: { writable?: boolean }): HashLinkListHandle {
    if (options?.writable === true) {
      throw unsupported(
        'HashLinkListTable cannot be written from several threads at once (concurrentWrites)',
      );
    }
    if (this.#fixed < 0) {
      throw unsupported(
        'share() needs a fixed-length prefixExtractor: a function cannot be posted to a worker',
      );
    }
    return {
      ...this.tableHandle(),
      state: this.#state,
      prefixLength: this.#fixed,
      skipListThreshold: this.skipListThreshold,
      maxBucketCount: this.maxBucketCount,
    };
  }

  /** A read-only table over the memory of a shared one, for any thread. */
  static attach(handle: HashLinkListHandle): HashLinkListTable {
    return attaching.attach(
      handle,
      (h) => Number.isInteger(h.state) && h.state > 0 && h.prefixLength >= 0,
      () => new HashLinkListTable(),
    );
  }

  // ---- the three primitives -----------------------------------------------------------------

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
    const length = extractPrefixLengthAt(key, ko, kl, this.#fixed, this.#extract);
    const bucket = bucketOfPrefixAt(key, ko, length, this.#bucketCount);
    const w = this.#directoryWord + bucket;
    const lists = this.#lists;
    const s = this.arena.i32[w];
    let head = (s & 1) === 1 ? s - 1 : 0;
    const convert =
      head === 0 &&
      s !== 0 &&
      this.#sizes[bucket] >= this.skipListThreshold &&
      this.arena.fits(HEAD_BYTES + maxInsertBytes(kl, vl));
    if (convert) {
      if (!fresh) {
        // Once per bucket's life: a view is cheaper than a second seek of the offset form.
        const k = bytesAt(key, ko, kl);
        const at = lists.listSeek(s, k, seq);
        if (at !== 0 && compareInternal(k, seq, this.arena, at) === 0) {
          throw duplicateSeqError(k, seq);
        }
      }
      head = lists.allocateHead(SKIP_MAX_HEIGHT);
      Atomics.store(this.arena.i32, (head >> 2) + NEXT0_WORD, s);
    }
    const node = lists.add(w, head, key, ko, kl, value, vo, vl, seq, fresh || s === 0 || convert);
    if (convert) {
      Atomics.store(this.arena.i32, w, head + 1);
      this.#sizes[bucket] = SKIP;
      this.#skipBuckets++;
      this.#bumpGeneration(2);
    } else if (s === 0) {
      this.#sizes[bucket] = 1;
      this.#nonEmpty++;
      Atomics.store(this.arena.i32, this.#stateWord + STATE_NON_EMPTY, this.#nonEmpty);
      this.#heads = undefined;
    } else if (head === 0 && this.#sizes[bucket] < SKIP - 1) this.#sizes[bucket]++;
    if (!fresh) this.#unordered++;
    if (this.#order !== undefined && !this.#order.add(node)) this.#order = undefined;
    if (this.#nonEmpty * 4 > this.#bucketCount * 3 && this.#bucketCount < this.maxBucketCount) {
      this.#double(kl, vl);
    }
  }

  /**
   * On the writer's thread: the slot, then a walk of the list (its first node is usually the
   * key's, with whole-key hashing) or a skip-list search. In another thread the same under the
   * seqlock (invariant 3).
   */
  protected findEntry(key: Uint8Array, snapshot: number): number {
    const length = extractPrefixLength(key, this.#fixed, this.#extract);
    if (this.concurrent) return this.#findShared(key, length, snapshot);
    const arena = this.arena;
    const i32 = arena.i32;
    let node = i32[this.#directoryWord + bucketOfPrefix(key, length, this.#bucketCount)];
    if ((node & 1) === 1) return this.#lists.findNewest(node - 1, key, snapshot);
    const f64 = arena.f64;
    while (node !== 0) {
      const c = compareKeyToEntry(key, arena, node);
      if (c < 0) return 0;
      if (c === 0 && entrySeq(f64, node) <= snapshot) return node;
      node = i32[(node >> 2) + NEXT0_WORD];
    }
    return 0;
  }

  /**
   * In a reader: the directory's slot-0 word and bucket count as one pair, into `#seenWord`
   * and `#seenCount`, read under one stable generation, which it returns; the arena's views are
   * refreshed when the directory lies past them. A growth that began between the two loads
   * may have changed one and not the other: an old directory with the new count reaches past
   * it (a RangeError seen under readwhilewriting), so a pair read across a change is read again.
   */
  #takeDirectory(): number {
    for (;;) {
      const g = this.stableGeneration();
      const first = this.bucketWord;
      const count = this.bucketCount;
      if (this.generation !== g) continue;
      if ((first + count) << 2 > this.arena.bytes.length) this.arena.refresh();
      this.#seenWord = first;
      this.#seenCount = count;
      return g;
    }
  }

  #findShared(key: Uint8Array, length: number, snapshot: number): number {
    const arena = this.arena;
    const lists = this.#lists;
    for (;;) {
      const g = this.#takeDirectory();
      const count = this.#seenCount;
      const s = Atomics.load(arena.i32, this.#seenWord + bucketOfPrefix(key, length, count));
      let found = 0;
      if ((s & 1) === 1) {
        lists.cover(s - 1);
        found = lists.findNewest(s - 1, key, snapshot);
      } else if (s !== 0) found = lists.listFindNewest(s, key, snapshot);
      if (this.generation === g) return found;
    }
  }

  /** A cursor over every bucket, in key order, that survives directory growths. */
  protected openRawCursor(): RawCursor {
    return new GuardedCursor(this, undefined, 0, Number.POSITIVE_INFINITY);
  }

  /** One bucket when every key the read can yield lives in it; else the merge of all. */
  protected override openRangeCursor(
    bounds: RangeBounds,
    prefix: Uint8Array | undefined,
  ): RawCursor {
    const q = readPrefix(bounds, prefix);
    const n = singleBucketPrefixLength(q, this.#fixed, this.#extract);
    if (n >= 0) return new GuardedCursor(this, q, n, bounds.snapshot);
    return new GuardedCursor(this, undefined, 0, bounds.snapshot);
  }

  protected override indexMemory(): number {
    const order = this.#order;
    const sorted = order !== undefined ? order.bytes : (this.#readerOrder?.offsets.byteLength ?? 0);
    return this.#sizes.byteLength + sorted;
  }

  // ---- growth -------------------------------------------------------------------------------

  #bumpGeneration(by: number): void {
    const w = this.#stateWord + STATE_GENERATION;
    Atomics.store(this.arena.i32, w, this.arena.i32[w] + by);
    this.#unordered++;
    this.#heads = undefined;
  }

  /**
   * Doubles the directory (invariant 3), after an insert, when the new directory, a head pair
   * for every skip-list bucket and one more entry like the last all fit; otherwise leaves it.
   */
  #double(keyLength: number, valueLength: number): void {
    const oldCount = this.#bucketCount;
    const ways = oldCount * GROWTH <= this.maxBucketCount ? GROWTH : 2;
    const count = oldCount * ways;
    const arena = this.arena;
    const need = count * 4 + this.#skipBuckets * ways * HEAD_BYTES;
    if (!arena.fits(need + maxInsertBytes(keyLength, valueLength))) return;
    const directory = arena.allocate(count * 4);
    const oldWord = this.#directoryWord;
    const word = directory >> 2;
    const sizes = new Uint16Array(count);
    this.#bumpGeneration(1);
    const lists = new Int32Array(oldCount);
    let listCount = 0;
    for (let b = 0; b < oldCount; b++) {
      const slot = arena.i32[oldWord + b];
      if ((slot & 1) === 1) this.#splitSkipList(slot - 1, b, word, ways, sizes);
      else if (slot !== 0) lists[listCount++] = b;
    }
    for (let i = 0; i < listCount; i += SPLIT_GROUP) {
      this.#splitLists(lists, i, Math.min(listCount, i + SPLIT_GROUP), oldWord, word, ways, sizes);
    }
    let nonEmpty = 0;
    for (let b = 0; b < count; b++) if (sizes[b] !== 0) nonEmpty++;
    const i32 = arena.i32;
    const sw = this.#stateWord;
    Atomics.store(i32, sw + STATE_DIRECTORY, directory);
    Atomics.store(i32, sw + STATE_BUCKET_COUNT, count);
    Atomics.store(i32, sw + STATE_NON_EMPTY, nonEmpty);
    this.#directoryWord = word;
    this.#bucketCount = count;
    this.#nonEmpty = nonEmpty;
    this.#sizes = sizes;
    this.#bumpGeneration(1);
  }

  /** The bucket of the entry at `node` in a directory of `count` buckets. */
  #bucketOfNode(node: number, count: number): number {
    const arena = this.arena;
    const i32 = arena.i32;
    const keyOffset = entryKeyOffset(i32, node);
    const keyLength = entryKeyLength(i32, node);
    if (this.#fixed < 0) {
      const key = new Uint8Array(arena.buffer, keyOffset, keyLength);
      return bucketOfPrefix(key, extractPrefixLength(key, -1, this.#extract), count);
    }
    const length = this.#fixed < keyLength ? this.#fixed : keyLength;
    let scratch = this.#scratch;
    if (scratch.length < length) scratch = this.#scratch = new Uint8Array(length * 2);
    const bytes = arena.bytes;
    for (let i = 0; i < length; i++) scratch[i] = bytes[keyOffset + i];
    return bucketOfPrefix(scratch, length, count);
  }

  /**
   * Relinks the lists of old buckets `buckets[from..to)` into their `ways` new buckets each
   * (bucket b into ways * b + side). Breadth first: each round moves every list of the group on
   * by one node, so the cache misses of a round (one per list) do not wait on each other, where
   * a list at a time would chain them; a group is small enough that the tails it writes stay
   * in cache.
   */
  #splitLists(
    buckets: Int32Array,
    from: number,
    to: number,
    oldWord: number,
    word: number,
    ways: number,
    sizes: Uint16Array,
  ): void {
    const i32 = this.arena.i32;
    const n = to - from;
    const count = this.#bucketCount * ways;
    const cur = this.#splitCur;
    const tails = this.#splitTails;
    for (let i = 0; i < n; i++) {
      const b = buckets[from + i];
      cur[i] = i32[oldWord + b];
      for (let side = 0; side < ways; side++) tails[i * ways + side] = word + ways * b + side;
    }
    let active = n;
    let touched = 0;
    while (active > 0) {
      // Loads only, so that many are in flight at once; the relinking loop then hits the cache.
      for (let i = 0; i < active; i++) touched ^= i32[cur[i] >> 2] ^ i32[(cur[i] >> 2) + 8];
      let kept = 0;
      for (let i = 0; i < active; i++) {
        const node = cur[i];
        const next = i32[(node >> 2) + NEXT0_WORD];
        const b = this.#bucketOfNode(node, count);
        const t = i * ways + (b & (ways - 1));
        i32[tails[t]] = node;
        tails[t] = (node >> 2) + NEXT0_WORD;
        if (sizes[b] < SKIP - 1) sizes[b]++;
        if (next === 0) {
          for (let side = 0; side < ways; side++) i32[tails[i * ways + side]] = 0;
          continue;
        }
        cur[kept] = next;
        for (let side = 0; side < ways; side++) {
          tails[kept * ways + side] = tails[i * ways + side];
        }
        kept++;
      }
      active = kept;
    }
    this.#touched ^= touched;
  }

  /**
   * Splits the skip list at `head` (old bucket `b`) into its `ways` new buckets: kept whole
   * when all its keys go to one, else its towers are relinked under a new head per bucket its
   * keys go to, level by level in level-0 order.
   */
  #splitSkipList(head: number, b: number, word: number, ways: number, sizes: Uint16Array): void {
    const arena = this.arena;
    const count = this.#bucketCount * ways;
    let sides = 0;
    for (let node = arena.i32[(head >> 2) + NEXT0_WORD]; node !== 0; ) {
      sides |= 1 << (this.#bucketOfNode(node, count) - ways * b);
      node = arena.i32[(node >> 2) + NEXT0_WORD];
    }
    if ((sides & (sides - 1)) === 0) {
      const side = 31 - Math.clz32(sides);
      arena.i32[word + ways * b + side] = head + 1;
      sizes[ways * b + side] = SKIP;
      return;
    }
    const heads: number[] = [];
    const tails: Int32Array[] = [];
    for (let side = 0; side < ways; side++) {
      const h = (sides >> side) & 1 ? this.#lists.allocateHead(SKIP_MAX_HEIGHT) : 0;
      heads.push(h);
      tails.push(new Int32Array(SKIP_MAX_HEIGHT).fill(h));
    }
    const i32 = arena.i32;
    const bytes = arena.bytes;
    const heights = heads.map(() => 1);
    for (let node = i32[(head >> 2) + NEXT0_WORD]; node !== 0; ) {
      const next = i32[(node >> 2) + NEXT0_WORD];
      const side = this.#bucketOfNode(node, count) - ways * b;
      const tail = tails[side];
      const h = towerHeight(i32, node);
      const p = arenaPrefix32(bytes, nodeKeyOffset(i32, node), i32[node >> 2] >>> 6);
      for (let l = 0; l < h; l++) {
        i32[nextWord(tail[l], l)] = node;
        if (l > 0) i32[prefixWord(tail[l], l)] = p;
        tail[l] = node;
      }
      if (h > heights[side]) heights[side] = h;
      node = next;
    }
    for (let side = 0; side < ways; side++) {
      if (heads[side] === 0) continue;
      for (let l = 0; l < SKIP_MAX_HEIGHT; l++) i32[nextWord(tails[side][l], l)] = 0;
      Atomics.store(i32, (heads[side] >> 2) + HEAD_HEIGHT_WORD, heights[side]);
      i32[word + ways * b + side] = heads[side] + 1;
      sizes[ways * b + side] = SKIP;
      this.#skipBuckets++;
    }
    this.#skipBuckets--;
  }
}

/** A new, empty hash link-list memtable; `createTable()` alone works. */
export function createTable(options?: HashLinkListOptions): HashLinkListTable {
  return new HashLinkListTable(options);
}
