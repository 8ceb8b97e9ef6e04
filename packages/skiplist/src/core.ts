import {
  type Arena,
  arenaPrefix32,
  bytesAt,
  compareInternalAt,
  duplicateSeqError,
  ENTRY_HEADER_SIZE,
  entryAuxWords,
  entryEnd,
  entryKeyLength,
  entryKeyOffset,
  entryPrefix32,
  entrySeq,
  invalidArgument,
  MAX_AUX_WORDS,
  MemrepError,
  type RawCursor,
  writeEntry,
  writeEntryAt,
} from '@memrep/core/backend';

/**
 * The arena skip list: node layout, tower heights, search, insert and a raw cursor, written over
 * list head offsets so that one `SkipListCore` serves any number of lists in one arena (the
 * skip-list table has one; a hash-skiplist has one per bucket).
 *
 * A node is one entry record (see `@memrep/core` entry.ts) whose aux words hold its tower:
 *
 *   word 4            next offset at level 0
 *   word 3 + 2l       next offset at level l (l >= 1)
 *   word 4 + 2l       prefix32 of that next node's key (l >= 1)
 *
 * so `auxWords = 2 * height - 1` and the height is implicit: `(auxWords + 1) >> 1`. A 16-byte
 * key with a 100-byte value takes 136 bytes at height 1, 8 more per extra level.
 *
 * A head is a bare allocation of `headSize(maxHeight)` = 8 * maxHeight + 16 bytes: four
 * header words, the same tower at the same place as a node's, and one spare word:
 *
 *   word 0                 maxHeight: the tallest tower this list will ever grow
 *   word 1                 height: the tallest tower linked so far (read with Atomics by readers)
 *   words 2-3              HEAD_OWNER_WORD: two words for the owner of the list, never read here
 *                          (hash-skiplist keeps its bucket's chunk state there)
 *   words 4 .. 2 + 2h      the tower, as a node's
 *   word 3 + 2h            headSpareWord(h): one more word for the owner, never read here
 *                          (hash-skiplist names its bucket's newest chunk record there)
 *
 * Invariants:
 * 1. Order is key ascending, then seq descending; (key, seq) pairs are unique within a list.
 * 2. A node is fully written (header, seq, key, value, its own tower) before the first
 *    `Atomics.store` that links it; after that only its tower words change, and only from
 *    0 or to a node inserted in front of the old successor.
 * 3. The prefix slot beside a next offset is written before the offset. A prefix read after
 *    the offset it sits beside is at most the key of the node that offset names, so a reader
 *    may use it to decide "target sorts before next: go down", never to move forward.
 * 4. Levels 0..height-1 of a list are linked lists ending at 0; every node on level l is on
 *    every level below it. Nodes are never unlinked, and the arena never reuses memory.
 *
 * Thread safety: one writer (the thread that owns the arena) calls `insert`; any number of
 * readers search, on the writer's thread or on `Arena.attach`ed views in other threads. A core
 * over an attached arena is `concurrent`: it loads next offsets with `Atomics.load` and
 * refreshes its views when it meets a node past their end.
 */

/** The most levels a tower may have: `2 * height - 1` aux words must fit the header's 6 bits. */
export const MAX_TOWER_HEIGHT = (MAX_AUX_WORDS + 1) >> 1;
/** Word index of a head's maxHeight, relative to `head >> 2`. */
export const HEAD_MAX_HEIGHT_WORD = 0;
/** Word index of a head's current height, relative to `head >> 2`. */
export const HEAD_HEIGHT_WORD = 1;
/** Word index of the first of the two words a head keeps for its owner, relative to `head >> 2`. */
export const HEAD_OWNER_WORD = 2;
/** Word index of level 0's next offset, relative to `node >> 2` (heads and nodes alike). */
export const NEXT0_WORD = ENTRY_HEADER_SIZE >> 2;

/** Bytes a head with `maxHeight` levels takes: header, tower and the spare word (8-aligned). */
export function headSize(maxHeight: number): number {
  return ENTRY_HEADER_SIZE + 2 * maxHeight * 4;
}

/** Word index of a head's spare word (the last of its allocation), relative to `head >> 2`. */
export function headSpareWord(maxHeight: number): number {
  return 3 + 2 * maxHeight;
}

/** Levels in the tower of the node at `node`. */
export function towerHeight(i32: Int32Array, node: number): number {
  return (entryAuxWords(i32, node) + 1) >> 1;
}

/** Word index of the next offset at `level` of the node or head at `node`. */
export function nextWord(node: number, level: number): number {
  return level === 0 ? (node >> 2) + NEXT0_WORD : (node >> 2) + 3 + 2 * level;
}

/** Word index of the cached prefix32 of the next node at `level` (>= 1). */
export function prefixWord(node: number, level: number): number {
  return (node >> 2) + 4 + 2 * level;
}

/** Offset of the key bytes of the node at `node`: a node is an entry record. */
export const nodeKeyOffset: (i32: Int32Array, node: number) => number = entryKeyOffset;

/**
 * How tall towers grow: a tower climbs from level 0 to level 1 with probability 1/base and
 * from each level above to the next with probability 1/upper. `2` and `4` are uniform (`[2, 2]`,
 * `[4, 4]`).
 */
export type Branching = 2 | 4 | readonly [base: 2 | 4, upper: 2 | 4];

/** `[4, 2]`: 4 at the bottom, where every node pays for each tower word, 2 above. */
export const DEFAULT_BRANCHING: Branching = [4, 2];

/** Checks a `Branching` and returns it as `[base, upper]`. */
export function resolveBranching(branching: unknown): [2 | 4, 2 | 4] {
  if (branching === 2 || branching === 4) return [branching, branching];
  if (Array.isArray(branching) && branching.length === 2) {
    const [base, upper] = branching;
    if ((base === 2 || base === 4) && (upper === 2 || upper === 4)) return [base, upper];
  }
  throw invalidArgument(
    `branching must be 2, 4 or a pair [base, upper] of them; got ${describeValue(branching)}`,
  );
}

function describeValue(value: unknown): string {
  return Array.isArray(value) ? `[${value.map(String).join(', ')}]` : String(value);
}

/** Construction options of a `SkipListCore`. */
export interface SkipListCoreOptions {
  /**
   * Tower growth (default `[4, 2]`). Heights come from one xorshift32 draw `x`: with
   * `c = Math.clz32(x)`, P(c >= k) = 2^-k, and `h = c < log2(base) ? 1 :
   * 2 + ((c - log2(base)) >> (log2(upper) - 1))`; no modulo, no loop over levels.
   */
  branching?: Branching;
  /** Seed of the height generator, a nonzero 32-bit integer (default fixed: runs repeat). */
  seed?: number;
  /** Load next offsets with Atomics and refresh views (default: `arena.readOnly`). */
  concurrent?: boolean;
}

const DEFAULT_SEED = 0x2545f491;

/**
 * Skip-list operations over lists in one arena, each named by its head offset.
 *
 * Writer state (the height generator and the insert splice) lives here, not in the arena: one
 * core per writer. Reader state lives in the arena, so a core over an attached arena reads the
 * same lists.
 */
export class SkipListCore {
  readonly arena: Arena;
  /**
   * Whether this core reads lists another thread writes (Atomics loads, view refresh). Set for
   * good by `shareWrites`.
   */
  concurrent: boolean;
  /** `[base, upper]`: see `Branching`. */
  readonly branching: readonly [2 | 4, 2 | 4];
  /** log2(base): leading zero bits a draw needs to climb to level 1. */
  readonly #baseBits: number;
  /** log2(upper) - 1: the shift that turns further zero bits into levels. */
  readonly #upperShift: number;
  #rng: number;
  /** Level-0 predecessor of the node the last search returned (a node or the head). */
  #pred = 0;
  /** Internal-order compare of the last search's target with the node it returned. */
  #cmp = 0;
  /** Copy of a node's key, the target of `prev` searches. */
  #scratch = new Uint8Array(64);
  // The splice: for each level, the last insert's neighbours, so that near-sequential inserts
  // search only the levels that no longer bracket the new key (RocksDB's Splice).
  #spliceHead = 0;
  readonly #prev = new Int32Array(MAX_TOWER_HEIGHT + 1);
  readonly #next = new Int32Array(MAX_TOWER_HEIGHT + 1);
  readonly #prevPrefix = new Int32Array(MAX_TOWER_HEIGHT + 1);
  readonly #nextPrefix = new Int32Array(MAX_TOWER_HEIGHT + 1);

  constructor(arena: Arena, options: SkipListCoreOptions = {}) {
    const branching = resolveBranching(options.branching ?? DEFAULT_BRANCHING);
    const seed = options.seed ?? DEFAULT_SEED;
    if (!Number.isInteger(seed) || (seed | 0) === 0) {
      throw invalidArgument(`seed must be a nonzero 32-bit integer; got ${String(seed)}`);
    }
    this.arena = arena;
    this.branching = branching;
    this.#baseBits = branching[0] === 4 ? 2 : 1;
    this.#upperShift = branching[1] === 4 ? 1 : 0;
    this.#rng = seed | 0;
    this.concurrent = options.concurrent ?? arena.readOnly;
  }

  /**
   * Allocates an empty list whose towers grow to at most `maxHeight` levels and returns its
   * head offset. Throws `MEMREP_ARENA_FULL` (nothing allocated) when the head does not fit.
   */
  allocateHead(maxHeight: number): number {
    if (!Number.isInteger(maxHeight) || maxHeight < 1 || maxHeight > MAX_TOWER_HEIGHT) {
      throw invalidArgument(
        `maxHeight must be an integer in [1, ${MAX_TOWER_HEIGHT}]; got ${String(maxHeight)}`,
      );
    }
    const head = this.arena.allocate(headSize(maxHeight));
    const i32 = this.arena.i32;
    i32[(head >> 2) + HEAD_MAX_HEIGHT_WORD] = maxHeight;
    Atomics.store(i32, (head >> 2) + HEAD_HEIGHT_WORD, 1);
    return head;
  }

  /** The tallest tower linked in the list at `head` (1 when empty). */
  height(head: number): number {
    return Atomics.load(this.arena.i32, (head >> 2) + HEAD_HEIGHT_WORD);
  }

  /** The most levels a tower of the list at `head` may have. */
  maxHeight(head: number): number {
    return this.arena.i32[(head >> 2) + HEAD_MAX_HEIGHT_WORD];
  }

  /**
   * A tower height in [1, maxHeight] from one xorshift32 draw: a draw has at least k leading
   * zero bits with probability 2^-k, so the bits past the base's turn into levels at the upper
   * branching's rate (see `Branching`); no modulo and no loop over levels.
   */
  randomHeight(maxHeight: number): number {
    let x = this.#rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#rng = x;
    const c = Math.clz32(x);
    const base = this.#baseBits;
    const h = c < base ? 1 : 2 + ((c - base) >> this.#upperShift);
    return h < maxHeight ? h : maxHeight;
  }

  /** From now on other threads write these lists too: reads load with Atomics and refresh. */
  shareWrites(): void {
    this.concurrent = true;
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Links a new node for (key, value, seq) into the list at `head` and returns its offset;
   * `value` undefined writes a tombstone. `fresh` says seq is above every seq in the list, so
   * the duplicate check is skipped.
   *
   * REQUIRES: the writer's thread; key and value already validated; every insert into this
   * list goes through this core (its splice remembers the neighbours of the last insert).
   * Near-sequential inserts search only the levels where the splice no longer brackets the key.
   * The node's placement is `word`, `state`, `maxChunk`, handed to `writeEntry` as they are
   * (default: a plain allocation; see `Arena.allocateGrouped` for a group's).
   * Throws `MEMREP_DUPLICATE_SEQ` or `MEMREP_ARENA_FULL` before any change to the list.
   */
  insert(
    head: number,
    key: Uint8Array,
    value: Uint8Array | undefined,
    seq: number,
    fresh: boolean,
    word = -1,
    state: Int32Array | null = null,
    maxChunk = 0,
  ): number {
    const valueLength = value === undefined ? 0 : value.length;
    return this.insertAt(
      head,
      key,
      0,
      key.length,
      value,
      0,
      valueLength,
      seq,
      fresh,
      word,
      state,
      maxChunk,
    );
  }

  /**
   * `insert` of the key `klen` bytes at `keyOffset` in `key` and the value `valueLength` bytes
   * at `valueOffset` in `value` (undefined: a tombstone): `TableBase.insertEntry`'s form, so a
   * write batch inserts from its encoding with no view per record. Same REQUIRES and throws.
   */
  insertAt(
    head: number,
    key: Uint8Array,
    keyOffset: number,
    klen: number,
    value: Uint8Array | undefined,
    valueOffset: number,
    valueLength: number,
    seq: number,
    fresh: boolean,
    word = -1,
    state: Int32Array | null = null,
    maxChunk = 0,
  ): number {
    if (this.concurrent) {
      throw new MemrepError('MEMREP_READ_ONLY', 'a concurrent (reader) core cannot insert');
    }
    const arena = this.arena;
    let i32 = arena.i32;
    const bytes = arena.bytes;
    const f64 = arena.f64;
    const prev = this.#prev;
    const next = this.#next;
    const prevPrefix = this.#prevPrefix;
    const nextPrefix = this.#nextPrefix;
    const hw = head >> 2;
    const height = i32[hw + HEAD_HEIGHT_WORD];
    const tp = arenaPrefix32(key, keyOffset, klen);

    // Find the lowest splice level that still brackets the key; levels below it are searched.
    let level = 0;
    if (this.#spliceHead !== head) {
      this.#spliceHead = head;
      level = height;
    } else {
      while (level < height) {
        const p = prev[level];
        if (p !== head) {
          const pp = prevPrefix[level];
          if (
            tp < pp ||
            (tp === pp && compareInternalAt(key, keyOffset, klen, seq, bytes, i32, f64, p, 4) <= 0)
          ) {
            do level++;
            while (level < height && prev[level] === p);
            continue;
          }
        }
        const n = next[level];
        if (n !== 0) {
          const np = nextPrefix[level];
          if (
            tp > np ||
            (tp === np && compareInternalAt(key, keyOffset, klen, seq, bytes, i32, f64, n, 4) > 0)
          ) {
            do level++;
            while (level < height && next[level] === n);
            continue;
          }
        }
        break;
      }
    }
    if (level >= height) {
      level = height;
      prev[level] = head;
      next[level] = 0;
    }

    for (let l = level - 1; l >= 1; l--) {
      let x = prev[l + 1];
      let xp = prevPrefix[l + 1];
      const bound = next[l + 1];
      let n = i32[(x >> 2) + 3 + 2 * l];
      let np = i32[(x >> 2) + 4 + 2 * l];
      while (n !== bound) {
        if (
          tp < np ||
          (tp === np && compareInternalAt(key, keyOffset, klen, seq, bytes, i32, f64, n, 4) <= 0)
        )
          break;
        x = n;
        xp = np;
        n = i32[(x >> 2) + 3 + 2 * l];
        np = i32[(x >> 2) + 4 + 2 * l];
      }
      prev[l] = x;
      prevPrefix[l] = xp;
      next[l] = n;
      nextPrefix[l] = np;
    }
    if (level > 0) {
      let x = prev[1];
      let xp = prevPrefix[1];
      const bound = next[1];
      let n = i32[(x >> 2) + NEXT0_WORD];
      let np = nextPrefix[1];
      while (n !== bound) {
        np = entryPrefix32(i32, bytes, n);
        if (
          tp < np ||
          (tp === np && compareInternalAt(key, keyOffset, klen, seq, bytes, i32, f64, n, 4) <= 0)
        )
          break;
        x = n;
        xp = np;
        n = i32[(x >> 2) + NEXT0_WORD];
        np = nextPrefix[1];
      }
      prev[0] = x;
      prevPrefix[0] = xp;
      next[0] = n;
      nextPrefix[0] = np;
    }

    if (!fresh) {
      const n = next[0];
      if (
        n !== 0 &&
        tp === nextPrefix[0] &&
        compareInternalAt(key, keyOffset, klen, seq, bytes, i32, f64, n, 4) === 0
      ) {
        throw duplicateSeqError(bytesAt(key, keyOffset, klen), seq);
      }
    }

    const h = this.randomHeight(i32[hw + HEAD_MAX_HEIGHT_WORD]);
    const node = writeEntryAt(
      arena,
      2 * h - 1,
      key,
      keyOffset,
      klen,
      value,
      valueOffset,
      valueLength,
      seq,
      word,
      state,
      maxChunk,
    );
    i32 = arena.i32;
    const nw = node >> 2;
    if (h > height) {
      for (let l = height; l < h; l++) {
        prev[l] = head;
        next[l] = 0;
      }
      Atomics.store(i32, hw + HEAD_HEIGHT_WORD, h);
    }
    i32[nw + NEXT0_WORD] = next[0];
    for (let l = 1; l < h; l++) {
      i32[nw + 3 + 2 * l] = next[l];
      i32[nw + 4 + 2 * l] = nextPrefix[l];
    }
    Atomics.store(i32, (prev[0] >> 2) + NEXT0_WORD, node);
    prev[0] = node;
    prevPrefix[0] = tp;
    for (let l = 1; l < h; l++) {
      const pw = prev[l] >> 2;
      i32[pw + 4 + 2 * l] = tp;
      Atomics.store(i32, pw + 3 + 2 * l, node);
      prev[l] = node;
      prevPrefix[l] = tp;
    }
    return node;
  }

  /**
   * `insert` for lists that several threads write at once (each through its own core, over its
   * own arena object); lock-free. Searches every level from the top (no splice), writes the
   * node, links level 0 with `Atomics.compareExchange` (the linearization point: the node is in
   * the list from then on), then each level above, bottom-up. A failed exchange means another
   * thread linked a node after the predecessor: the search of that level resumes from that
   * predecessor, which is still before the key because nothing is ever unlinked (invariant 4)
   * and no offset is ever reused (no ABA). Returns the node's offset.
   *
   * The cached prefix words are written after the link they sit beside and may lag behind it,
   * so they are only ever a hint to go down (readers' use, invariant 3); this search compares
   * with the nodes' own prefixes. A list written here is never again written by `insert`.
   *
   * REQUIRES: key and value validated; the arena allocates for this thread (`Arena.attach` of a
   * writable handle, or the owner after `shareWritable`). The node's placement is `word`,
   * `state`, `maxChunk`, handed to `writeEntry` as they are (`-1, null, 0`: a plain
   * allocation); a group's state words must be this thread's own (`state` not null).
   * Throws `MEMREP_DUPLICATE_SEQ` (the pair is held, or another thread linked it first: exactly
   * one of the racers succeeds) or `MEMREP_ARENA_FULL`, the list unchanged (a node that lost the
   * race stays unlinked, unreachable).
   */
  insertShared(
    head: number,
    key: Uint8Array,
    value: Uint8Array | undefined,
    seq: number,
    word: number,
    state: Int32Array | null,
    maxChunk: number,
  ): number {
    const arena = this.arena;
    arena.refresh();
    const prev = this.#prev;
    const next = this.#next;
    const klen = key.length;
    const tp = arenaPrefix32(key, 0, klen);
    const hw = head >> 2;
    let height = Atomics.load(arena.i32, hw + HEAD_HEIGHT_WORD);
    let x = head;
    for (let l = height - 1; l >= 0; l--) {
      x = this.#searchLevel(x, l, key, klen, tp, seq);
      prev[l] = x;
      next[l] = this.#found;
    }
    if (this.#dup) throw duplicateSeqError(key, seq);
    const h = this.randomHeight(arena.i32[hw + HEAD_MAX_HEIGHT_WORD]);
    const node = writeEntry(arena, 2 * h - 1, key, value, seq, word, state, maxChunk);
    let i32 = arena.i32;
    const nw = node >> 2;
    for (let l = height; l < h; l++) {
      prev[l] = head;
      next[l] = 0;
    }
    for (;;) {
      i32[nw + NEXT0_WORD] = next[0];
      const p = (prev[0] >> 2) + NEXT0_WORD;
      if (this.link(i32, p, next[0], node)) break;
      prev[0] = this.#searchLevel(prev[0], 0, key, klen, tp, seq);
      next[0] = this.#found;
      if (this.#dup) throw duplicateSeqError(key, seq);
      i32 = arena.i32;
    }
    while (h > height) {
      const seen = Atomics.compareExchange(i32, hw + HEAD_HEIGHT_WORD, height, h);
      if (seen === height || seen >= h) break;
      height = seen;
    }
    for (let l = 1; l < h; l++) {
      for (;;) {
        const n = next[l];
        i32[nw + 4 + 2 * l] = n === 0 ? 0 : entryPrefix32(i32, arena.bytes, n);
        i32[nw + 3 + 2 * l] = n;
        const pw = (prev[l] >> 2) + 3 + 2 * l;
        if (this.link(i32, pw, n, node)) {
          i32[pw + 1] = tp;
          break;
        }
        prev[l] = this.#searchLevel(prev[l], l, key, klen, tp, seq);
        next[l] = this.#found;
        i32 = arena.i32;
      }
    }
    return node;
  }

  /**
   * The linearization step of `insertShared`: sets the next offset at `word` from `expected`
   * to `node` if it still is `expected`, atomically; whether it did.
   */
  link(i32: Int32Array, word: number, expected: number, node: number): boolean {
    return Atomics.compareExchange(i32, word, expected, node) === expected;
  }

  /** Set by `#searchLevel`: the node after the level's predecessor, and whether it is the target's pair. */
  #found = 0;
  #dup = false;

  /**
   * Shared writers: from `x` (before the target) along level `l`, the last node before the
   * target (returned) and the node after it (in `#found`, 0 at the end); `#dup` says that node
   * is the target's pair. Refreshes the views when it meets a node past them.
   */
  #searchLevel(
    x: number,
    l: number,
    key: Uint8Array,
    klen: number,
    tp: number,
    seq: number,
  ): number {
    const arena = this.arena;
    let i32 = arena.i32;
    let limit = i32.length << 2;
    for (;;) {
      const n = Atomics.load(i32, nextWord(x, l));
      if (n === 0) {
        this.#found = 0;
        this.#dup = false;
        return x;
      }
      if (coveredEnd(i32, n, limit) > limit) {
        arena.refresh();
        i32 = arena.i32;
        limit = i32.length << 2;
      }
      const c = compareTarget(key, klen, tp, seq, i32, arena.bytes, arena.f64, n);
      if (c > 0) {
        x = n;
        continue;
      }
      this.#found = n;
      this.#dup = c === 0;
      return x;
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  /**
   * The first node at or after (key, seq) in internal order (key greater, or key equal and
   * node seq <= seq), or 0. `key[0..klen)` is the target (klen defaults to key.length).
   * Afterwards `lastPredecessor` is the last node before it (or the head) and `lastCompare`
   * the target's compare with it: 0 same (key, seq), -1 same key, -2 different key.
   */
  seek(head: number, key: Uint8Array, seq: number, klen: number = key.length): number {
    const arena = this.arena;
    const concurrent = this.concurrent;
    if (concurrent) arena.refresh();
    let i32 = arena.i32;
    let bytes = arena.bytes;
    let f64 = arena.f64;
    let limit = bytes.length;
    const tp = arenaPrefix32(key, 0, klen);
    let x = head;
    let bigger = 0;
    let biggerCmp = 0;
    let l =
      (concurrent
        ? Atomics.load(i32, (head >> 2) + HEAD_HEIGHT_WORD)
        : i32[(head >> 2) + HEAD_HEIGHT_WORD]) - 1;
    for (; l >= 1; l--) {
      for (;;) {
        const w = (x >> 2) + 3 + 2 * l;
        const n = concurrent ? Atomics.load(i32, w) : i32[w];
        if (n === 0 || n === bigger) break;
        const np = i32[w + 1];
        if (tp < np) break;
        if (tp > np && !concurrent) {
          x = n;
          continue;
        }
        if (concurrent && coveredEnd(i32, n, limit) > limit) {
          arena.refresh();
          i32 = arena.i32;
          bytes = arena.bytes;
          f64 = arena.f64;
          limit = bytes.length;
        }
        const c = compareTarget(key, klen, tp, seq, i32, bytes, f64, n);
        if (c > 0) {
          x = n;
          continue;
        }
        bigger = n;
        biggerCmp = c;
        break;
      }
    }
    for (;;) {
      const w = (x >> 2) + NEXT0_WORD;
      const n = concurrent ? Atomics.load(i32, w) : i32[w];
      if (n === 0) {
        this.#pred = x;
        this.#cmp = -2;
        return 0;
      }
      if (n === bigger) {
        this.#pred = x;
        this.#cmp = biggerCmp;
        return n;
      }
      if (concurrent && coveredEnd(i32, n, limit) > limit) {
        arena.refresh();
        i32 = arena.i32;
        bytes = arena.bytes;
        f64 = arena.f64;
        limit = bytes.length;
      }
      const c = compareTarget(key, klen, tp, seq, i32, bytes, f64, n);
      if (c > 0) {
        x = n;
        continue;
      }
      this.#pred = x;
      this.#cmp = c;
      return n;
    }
  }

  /** Level-0 predecessor of the node the last `seek` returned: a node, or the head. */
  get lastPredecessor(): number {
    return this.#pred;
  }

  /** The last `seek`'s compare of its target with the node it returned (see `seek`). */
  get lastCompare(): number {
    return this.#cmp;
  }

  /** The newest node for `key` with seq <= snapshot, or 0: one seek for (key, snapshot). */
  findNewest(head: number, key: Uint8Array, snapshot: number): number {
    const n = this.seek(head, key, snapshot);
    return n !== 0 && this.#cmp >= -1 ? n : 0;
  }

  /** The last node at or before (key, seq): key less, or key equal and node seq >= seq; or 0. */
  seekForPrev(head: number, key: Uint8Array, seq: number): number {
    const n = this.seek(head, key, seq);
    if (n !== 0 && this.#cmp === 0) return n;
    const p = this.#pred;
    return p === head ? 0 : p;
  }

  /** The first node of the list, or 0. */
  first(head: number): number {
    return this.next(head);
  }

  /** The node after `node` (or the first, given the head), or 0. */
  next(node: number): number {
    const arena = this.arena;
    const w = (node >> 2) + NEXT0_WORD;
    if (!this.concurrent) return arena.i32[w];
    const n = Atomics.load(arena.i32, w);
    if (n !== 0) this.#cover(n);
    return n;
  }

  /** The last node of the list, or 0: O(log n), down the towers. */
  last(head: number): number {
    const arena = this.arena;
    const concurrent = this.concurrent;
    if (concurrent) arena.refresh();
    let x = head;
    let l =
      (concurrent
        ? Atomics.load(arena.i32, (head >> 2) + HEAD_HEIGHT_WORD)
        : arena.i32[(head >> 2) + HEAD_HEIGHT_WORD]) - 1;
    for (; l >= 0; l--) {
      for (;;) {
        const i32 = arena.i32;
        const w = nextWord(x, l);
        const n = concurrent ? Atomics.load(i32, w) : i32[w];
        if (n === 0) break;
        if (concurrent) this.#cover(n);
        x = n;
      }
    }
    return x === head ? 0 : x;
  }

  /**
   * The node before `node`, or 0: a search for the last node before its (key, seq), O(log n)
   * with no back links (LevelDB's FindLessThan).
   */
  prev(head: number, node: number): number {
    const i32 = this.arena.i32;
    const klen = entryKeyLength(i32, node);
    const from = entryKeyOffset(i32, node);
    let scratch = this.#scratch;
    if (scratch.length < klen)
      scratch = this.#scratch = new Uint8Array(Math.max(klen, scratch.length * 2));
    const bytes = this.arena.bytes;
    for (let i = 0; i < klen; i++) scratch[i] = bytes[from + i];
    this.seek(head, scratch, entrySeq(this.arena.f64, node), klen);
    const p = this.#pred;
    return p === head ? 0 : p;
  }

  /** A `RawCursor` over the list at `head`, for `TableBase.openRawCursor`. */
  openCursor(head: number): RawCursor {
    return new SkipListCursor(this, head);
  }

  /** Reader side: makes sure the views cover the whole entry at `node`. */
  #cover(node: number): void {
    const arena = this.arena;
    if (coveredEnd(arena.i32, node, arena.bytes.length) > arena.bytes.length) arena.refresh();
  }
}

/** Run-ahead walkers of a cursor (a power of two). */
const RUN_AHEAD = 8;
/** Arenas up to this size walk without run-ahead (see `SkipListCursor`). */
const RUN_AHEAD_MIN_BYTES = 16 * 1024 * 1024;

/**
 * A positional cursor over one list; positions are node offsets, which writes never move.
 *
 * A walk along level 0 is a chain of dependent cache misses. `next` breaks it up: level-1
 * nodes cut level 0 into segments, and RUN_AHEAD walkers each touch the nodes of one segment
 * ahead of the cursor, one walker a step, so each walker has RUN_AHEAD steps to take its miss
 * and the misses of several segments are in flight at once. The walkers only load; they never
 * decide anything, so a stale word they read costs speed, never correctness. Measured: a full
 * scan of 1M entries 2.7x faster than a plain level-0 walk. A list whose arena fits in the
 * last-level cache takes few misses to hide, and there the walkers are most of a step's cost:
 * they run only when the arena is larger than RUN_AHEAD_MIN_BYTES (decided when the cursor is
 * positioned; packages/core/bench/reads-ab.mjs measures both sides).
 */
export class SkipListCursor implements RawCursor {
  entry = 0;
  readonly arena: Arena;
  readonly #core: SkipListCore;
  readonly #head: number;
  readonly #walkers = new Int32Array(RUN_AHEAD);
  #slot = 0;
  /** The next segment to hand to a walker: a level-1 node ahead of every walker, or 0. */
  #feed = 0;
  /** Whether the walkers run on this walk (the arena passes RUN_AHEAD_MIN_BYTES). */
  #ahead = false;

  constructor(core: SkipListCore, head: number) {
    this.arena = core.arena;
    this.#core = core;
    this.#head = head;
  }

  first(): void {
    this.#position();
    this.entry = this.#core.first(this.#head);
  }

  last(): void {
    this.#stopWalkers();
    this.entry = this.#core.last(this.#head);
  }

  seek(key: Uint8Array, seq: number): void {
    this.#position();
    this.entry = this.#core.seek(this.#head, key, seq);
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    this.#stopWalkers();
    this.entry = this.#core.seekForPrev(this.#head, key, seq);
  }

  next(): void {
    const x = this.entry;
    if (x === 0) return;
    const core = this.#core;
    this.entry = core.concurrent ? core.next(x) : this.arena.i32[(x >> 2) + NEXT0_WORD];
    if (this.#ahead) this.#runAhead(x);
  }

  prev(): void {
    if (this.entry === 0) return;
    this.#stopWalkers();
    this.entry = this.#core.prev(this.#head, this.entry);
  }

  /** Before a forward walk: stops the walkers, and decides whether they run on this one. */
  #position(): void {
    this.#stopWalkers();
    this.#ahead = this.arena.bytes.length > RUN_AHEAD_MIN_BYTES;
  }

  #stopWalkers(): void {
    if (this.#feed === 0 && this.#slot === 0) return;
    this.#walkers.fill(0);
    this.#feed = 0;
    this.#slot = 0;
  }

  /** One walker takes one step; `x` is the node the cursor just left. */
  #runAhead(x: number): void {
    const i32 = this.#core.arena.i32;
    const limit = i32.length << 2;
    let feed = this.#feed;
    if (feed === 0 && entryAuxWords(i32, x) > 1) feed = i32[nextWord(x, 1)];
    const walkers = this.#walkers;
    const slot = this.#slot;
    let p = walkers[slot];
    if (p !== 0) {
      const q = i32[(p >> 2) + NEXT0_WORD];
      p = q === 0 || q + 24 > limit || entryAuxWords(i32, q) > 1 ? 0 : q;
    }
    if (p === 0 && feed !== 0) {
      if (feed + 24 > limit) feed = 0;
      else {
        p = feed;
        feed = i32[nextWord(p, 1)];
      }
    }
    walkers[slot] = p;
    this.#slot = (slot + 1) & (RUN_AHEAD - 1);
    this.#feed = feed;
  }
}

// ---- compare kernels (allocation-free; views passed in so callers keep them in locals) -----

/**
 * Internal order of the target (key[0..klen), seq, prefix32 `tp`) against the node at `n`:
 * -2/2 when the keys differ, -1/1 when only the seqs do (the higher seq sorts first), 0 when
 * both are equal (core's `compareInternalAt`, after the prefixes).
 */
function compareTarget(
  key: Uint8Array,
  klen: number,
  tp: number,
  seq: number,
  i32: Int32Array,
  bytes: Uint8Array,
  f64: Float64Array,
  n: number,
): number {
  const np = entryPrefix32(i32, bytes, n);
  if (tp !== np) return tp < np ? -2 : 2;
  return compareInternalAt(key, 0, klen, seq, bytes, i32, f64, n, 4);
}

/**
 * End offset of the entry at `n`, or past `limit` when `n` itself is not covered by views of
 * length `limit` (offsets are 8-aligned and lengths multiples of 8, so n < limit covers the
 * header's first two words).
 */
function coveredEnd(i32: Int32Array, n: number, limit: number): number {
  return n >= limit ? n + 1 : entryEnd(i32, n);
}
