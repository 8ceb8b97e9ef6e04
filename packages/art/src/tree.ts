import {
  type Arena,
  bytesAt,
  duplicateSeqError,
  ENTRY_HEADER_SIZE,
  entrySeq,
  entrySize,
  MemrepError,
  type RawCursor,
  writeEntryAt,
} from '@memrep/core/backend';

/**
 * The adaptive radix tree: node layouts, insert, point lookup and a raw cursor, over one tree
 * header in an arena.
 *
 * A slot is one Int32 word holding 0 (empty), a leaf (an entry offset | 1) or an inner node (an
 * even offset). A leaf is the newest entry record of one key; its one aux word links the next
 * older version, so a key's versions are a list in internal order (seq descending).
 *
 * An inner node reached at depth d (key bytes consumed above it) holds:
 *
 *   word 0   kind (0: Node4, 1: Node19, 2: Node24, 3: Node32, 4: Node48, 5: Node256) | count << 8
 *   word 1   prefix length p: the node's path goes on with p more bytes
 *   word 2   arena byte offset of those p bytes (inside the key of some entry: keys never move)
 *   word 3   the end slot: the leaf of the key equal to the node's path (length d + p), or 0
 *   then     Node4:   4 key bytes, 4 slots             (40 bytes)
 *            Node19: 19 key bytes (and 1 pad), 19 slots (112 bytes)
 *            Node24: 24 key bytes, 24 slots            (136 bytes)
 *            Node32: 32 key bytes, 32 slots            (176 bytes)
 *            Node48: 256 index bytes (slot + 1), 48 slots (464 bytes)
 *            Node256: 256 slots                        (1040 bytes)
 *
 * A key of length d + p ends in the node's end slot; a longer one goes on through the child
 * slot of byte key[d + p], at depth d + p + 1. So a key that is a prefix of other keys, the
 * empty key (the root's end slot, or a leaf in the root slot), NUL and 0xff bytes are ordinary.
 * A leaf may sit in a slot above the depth its key ends at (lazy expansion): the slot is split
 * into a Node4 when a second key arrives there.
 *
 * Invariants:
 * 1. A node's prefix words never change once it is published; a split publishes a copy with the
 *    shorter prefix. Node4, Node19, Node24 and Node32 keys are in insertion order (append only).
 * 2. Everything a reader can meet is written before the one `Atomics.store` that publishes it:
 *    a new leaf or node into a slot, a grown or split copy into its parent's slot, the count of
 *    a linear node or Node48 after its new key byte and slot, a Node48 index byte after its slot, a
 *    middle version into its predecessor's link.
 * 3. A slot only ever changes from 0 to something, from a leaf to a newer leaf of the same key
 *    or to a node holding that leaf, or from a node to a grown or split copy of it. Once the
 *    arena may be read by another thread (`stopReuse`), nothing is freed: an outgrown node
 *    stays readable as it was (no ABA). Before that, an outgrown node's memory goes to the next
 *    new node of its size, and only this thread's cursors, which revalidate (5), can meet it.
 * 4. Every published inner node holds at least two keys; a child slot of a Node256 or Node48
 *    that is present is nonzero.
 * 5. The header's generation word grows whenever a slot stops holding a node or a leaf it held
 *    (a grow, a split): a cursor that kept a path revalidates it when the generation moved.
 *
 * Thread safety: one writer (the arena's owner) inserts; readers in the writer's thread read
 * plainly, readers over an attached arena (`concurrent`) load slots and counts with `Atomics`
 * and refresh their views when they meet an offset past them.
 */

/** Node kinds (the low bits of a node's word 0): up to 4 children, searched linearly. */
export const NODE4 = 0;
/**
 * Up to 19 children, searched linearly. Not Leis et al.'s Node16: the nodes just above the
 * leaves of 1M random 16-byte keys hold about 15 children (Poisson), and a node that outgrows
 * its kind near the end of a fill leaves its old memory to nothing (no later node takes that
 * size). Sizes 4, 19, 24, 32 are the ladder that measured least there (README).
 */
export const NODE19 = 1;
/** Up to 24 children, searched linearly. */
export const NODE24 = 2;
/** Up to 32 children, searched linearly: a Node48 would keep them in 464 bytes. */
export const NODE32 = 3;
/** Up to 48 children through a 256-byte index. */
export const NODE48 = 4;
/** A child slot for every byte. */
export const NODE256 = 5;
/** The kind bits of a node's word 0. */
const KIND_MASK = 7;
/** Bytes of a node of each kind. */
export const NODE_SIZES: readonly number[] = [40, 112, 136, 176, 464, 1040];
/** Children a node of each kind holds. */
export const NODE_CAPACITY: readonly number[] = [4, 19, 24, 32, 48, 256];
const CAPACITY = NODE_CAPACITY;
const LARGEST_NODE = 1040;
/** Word (relative to `node >> 2`) of slot 0 of each kind. */
const SLOTS_WORD = [5, 9, 10, 12, 68, 4];
const PREFIX_LEN_WORD = 1;
const PREFIX_OFF_WORD = 2;
const END_WORD = 3;
const KEYS_BYTE = 16;
/** A leaf's aux word (word 4 of its entry record): the next older version, or 0. */
const NEXT_WORD = ENTRY_HEADER_SIZE >> 2;
const LEAF_AUX_WORDS = 1;
/** Byte offset of a leaf's key in its entry record. */
const KEY_BYTE = ENTRY_HEADER_SIZE + 4 * LEAF_AUX_WORDS;
/** Tree header words: the root slot, the generation. */
export const TREE_HEADER_SIZE = 8;
const ROOT = 0;
const GENERATION = 1;
/** No child at or past a position (`nextPos` / `prevPos`). */
const NONE = -2;
/** The end slot's position: before every child byte. */
const END = -1;

/**
 * The most arena bytes one insert can allocate for a key and value of these lengths: its entry
 * record, plus, at worst, a prefix split (a new Node4 and a copy of a Node256 with the shorter
 * prefix). A node grown by copying is at most a Node256 too, and never in the same insert as a
 * split. Alignment padding is included.
 */
export function maxInsertBytes(keyLength: number, valueLength: number): number {
  return (
    align8(entrySize(LEAF_AUX_WORDS, keyLength, valueLength)) + NODE_SIZES[NODE4] + LARGEST_NODE
  );
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** The node bytes `count` more inner nodes of every kind take, for memory reports. */
export interface TreeStats {
  /** Inner nodes reachable from the root, by kind. */
  readonly nodes: readonly number[];
  /** Bytes of those nodes. */
  readonly nodeBytes: number;
  /** Nodes replaced by a grown or split copy (unreachable from the root). */
  readonly outgrown: number;
  /** Bytes of the outgrown nodes still in the arena as they were (not reused). */
  readonly outgrownBytes: number;
  /** Bytes of outgrown nodes taken again by new nodes (`ArtTree.stopReuse`). */
  readonly reusedBytes: number;
}

/**
 * The adaptive radix tree over one arena: insert (the writer), `find` and cursors (any thread).
 * Every change a reader can meet is published by one atomic store into a slot; a replaced node
 * stays in the arena, so a reader holding it reads a consistent old version.
 */
export class ArtTree {
  /** The arena the tree's nodes and leaves lie in. */
  readonly arena: Arena;
  /** Offset of the tree header (root slot, generation). */
  readonly header: number;
  /** Whether another thread writes: slots are loaded with Atomics and views refreshed. */
  readonly concurrent: boolean;
  #outgrown = 0;
  #outgrownBytes = 0;
  #reusedBytes = 0;
  /**
   * Per kind, the first outgrown node free for reuse (0: none), linked through word 0: while
   * no other thread can read the arena, a node replaced by a grown or split copy is taken by
   * the next new node of its size. Only a cursor of this thread can still hold it, and a
   * cursor re-finds its path from the root whenever the generation moved (invariant 5)
   * before it reads a node of it again. Measured at 1M random keys: 2.5 of the 3.7 B/entry
   * of outgrown nodes come back (the rest are early Node4s and late Node19s, which no later
   * node of their size takes). `stopReuse` (from `share()`) ends it for good.
   */
  readonly #free = [0, 0, 0, 0, 0, 0];
  #reuse = true;
  /**
   * The placement of the insert under way (its caller's argument, kept for the insert's
   * leaf): a zone word of `#zones`, or -1 for plain allocation.
   */
  #zone = -1;
  readonly #zones: Int32Array | null;
  readonly #maxChunk: number;

  /**
   * `header` 0 allocates a new tree; otherwise this reads the tree at `header`. `zones` and
   * `maxChunk` are the writer's placement state (`Arena.allocateGrouped`), if it zones.
   */
  constructor(
    arena: Arena,
    header: number,
    concurrent: boolean,
    zones: Int32Array | null = null,
    maxChunk = 0,
  ) {
    this.arena = arena;
    this.#zones = zones;
    this.#maxChunk = maxChunk;
    this.concurrent = concurrent;
    this.header = header === 0 ? arena.allocate(TREE_HEADER_SIZE) : header;
  }

  /** Bumped on every node replacement: a cursor that sees it move re-finds its key from the root. */
  get generation(): number {
    const w = (this.header >> 2) + GENERATION;
    return this.concurrent ? Atomics.load(this.arena.i32, w) : this.arena.i32[w];
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Links a new entry for (key, value, seq): the key `klen` bytes at `ko` in `key`, the value
   * `vlen` bytes at `vo` in `value` (`value` undefined writes a tombstone, `vo` and `vlen` 0),
   * so that a batch's records are inserted from its encoding without a view each. `fresh`
   * says seq is above every seq held.
   * REQUIRES: the writer's thread; key and value validated. Throws `MEMREP_DUPLICATE_SEQ` or
   * `MEMREP_ARENA_FULL` before any change (every byte the insert needs is checked to fit first).
   * Keeps no reference to `key` or `value`. `zone`, a word of the constructor's `zones`, places
   * the insert's leaf and nodes (`Arena.allocateGrouped`); -1 allocates plainly.
   */
  insert(
    key: Uint8Array,
    ko: number,
    klen: number,
    value: Uint8Array | undefined,
    vo: number,
    vlen: number,
    seq: number,
    fresh: boolean,
    zone = -1,
  ): void {
    this.#zone = zone;
    const arena = this.arena;
    let i32 = arena.i32;
    let bytes = arena.bytes;
    let slot = (this.header >> 2) + ROOT;
    let d = 0;
    for (;;) {
      const x = i32[slot];
      if (x === 0) {
        const e = this.#newLeaf(key, ko, klen, value, vo, vlen, seq, 0, 0);
        Atomics.store(arena.i32, slot, e | 1);
        return;
      }
      if ((x & 1) === 1) {
        const e0 = x ^ 1;
        const lo = e0 + KEY_BYTE;
        const ll = i32[e0 >> 2] >>> 6;
        const m = klen < ll ? klen : ll;
        let c = d;
        while (c < m && key[ko + c] === bytes[lo + c]) c++;
        if (c === klen && c === ll) {
          this.#insertVersion(slot, e0, key, ko, klen, value, vo, vlen, seq, fresh);
          return;
        }
        const e = this.#newLeaf(key, ko, klen, value, vo, vlen, seq, 0, NODE_SIZES[NODE4]);
        const n = this.#newNode(NODE4, lo + d, c - d);
        i32 = arena.i32;
        bytes = arena.bytes;
        this.#addChild(n, ll === c ? END : bytes[lo + c], x);
        this.#addChild(n, klen === c ? END : key[ko + c], e | 1);
        this.#replace(slot, n, 0);
        return;
      }
      const nw = x >> 2;
      const p = i32[nw + PREFIX_LEN_WORD];
      const po = i32[nw + PREFIX_OFF_WORD];
      const rest = klen - d;
      const m = p < rest ? p : rest;
      let i = 0;
      while (i < m && key[ko + d + i] === bytes[po + i]) i++;
      if (i < p) {
        this.#splitPrefix(slot, x, d, i, key, ko, klen, value, vo, vlen, seq);
        return;
      }
      d += p;
      if (d === klen) {
        slot = nw + END_WORD;
        continue;
      }
      const b = key[ko + d];
      const w = childWord(i32, bytes, x, b, false);
      if (w >= 0 && i32[w] !== 0) {
        slot = w;
        d++;
        continue;
      }
      const h = i32[nw];
      const kind = h & KIND_MASK;
      if (h >>> 8 < CAPACITY[kind]) {
        const e = this.#newLeaf(key, ko, klen, value, vo, vlen, seq, 0, 0);
        this.#addChild(x, b, e | 1);
        return;
      }
      const e = this.#newLeaf(key, ko, klen, value, vo, vlen, seq, 0, NODE_SIZES[kind + 1]);
      const g = this.#grow(x);
      this.#addChild(g, b, e | 1);
      this.#replace(slot, g, x);
      return;
    }
  }

  /** A key's new version: the slot's new head, or linked into its list by seq. */
  #insertVersion(
    slot: number,
    head: number,
    key: Uint8Array,
    ko: number,
    klen: number,
    value: Uint8Array | undefined,
    vo: number,
    vlen: number,
    seq: number,
    fresh: boolean,
  ): void {
    const arena = this.arena;
    const i32 = arena.i32;
    const f64 = arena.f64;
    const s0 = entrySeq(f64, head);
    if (fresh || seq > s0) {
      const e = this.#newLeaf(key, ko, klen, value, vo, vlen, seq, head, 0);
      Atomics.store(arena.i32, slot, e | 1);
      return;
    }
    if (seq === s0) throw duplicateSeqError(bytesAt(key, ko, klen), seq);
    let prev = head;
    let cur = i32[(head >> 2) + NEXT_WORD];
    while (cur !== 0 && entrySeq(f64, cur) > seq) {
      prev = cur;
      cur = i32[(cur >> 2) + NEXT_WORD];
    }
    if (cur !== 0 && entrySeq(f64, cur) === seq) {
      throw duplicateSeqError(bytesAt(key, ko, klen), seq);
    }
    const e = this.#newLeaf(key, ko, klen, value, vo, vlen, seq, cur, 0);
    Atomics.store(arena.i32, (prev >> 2) + NEXT_WORD, e);
  }

  /**
   * The node at `x` (depth d) has a path that leaves the key after `i` of its prefix bytes: a
   * Node4 with those i bytes takes its slot, holding a copy of `x` with the rest of the prefix
   * and the new leaf.
   */
  #splitPrefix(
    slot: number,
    x: number,
    d: number,
    i: number,
    key: Uint8Array,
    ko: number,
    klen: number,
    value: Uint8Array | undefined,
    vo: number,
    vlen: number,
    seq: number,
  ): void {
    const arena = this.arena;
    let i32 = arena.i32;
    const kind = i32[x >> 2] & KIND_MASK;
    const size = NODE_SIZES[kind];
    const e = this.#newLeaf(key, ko, klen, value, vo, vlen, seq, 0, NODE_SIZES[NODE4] + size);
    i32 = arena.i32;
    const p = i32[(x >> 2) + PREFIX_LEN_WORD];
    const po = i32[(x >> 2) + PREFIX_OFF_WORD];
    const n = this.#newNode(NODE4, po, i);
    const copy = this.#allocateNode(kind);
    i32 = arena.i32;
    i32.copyWithin(copy >> 2, x >> 2, (x + size) >> 2);
    i32[(copy >> 2) + PREFIX_LEN_WORD] = p - i - 1;
    i32[(copy >> 2) + PREFIX_OFF_WORD] = po + i + 1;
    this.#addChild(n, arena.bytes[po + i], copy);
    this.#addChild(n, klen === d + i ? END : key[ko + d + i], e | 1);
    this.#replace(slot, n, x);
  }

  /** Publishes `node` into `slot`; `old` (a node, or 0 for a leaf) is left as it was. */
  #replace(slot: number, node: number, old: number): void {
    const i32 = this.arena.i32;
    Atomics.store(i32, slot, node);
    const gw = (this.header >> 2) + GENERATION;
    Atomics.store(i32, gw, i32[gw] + 1);
    if (old !== 0) {
      const kind = i32[old >> 2] & KIND_MASK;
      this.#outgrown++;
      this.#outgrownBytes += NODE_SIZES[kind];
      if (this.#reuse) {
        i32[old >> 2] = this.#free[kind];
        this.#free[kind] = old;
      }
    }
  }

  /**
   * Writes the entry record of a new leaf whose next older version is `next`, once the record
   * and `extra` more bytes are known to fit.
   */
  #newLeaf(
    key: Uint8Array,
    ko: number,
    klen: number,
    value: Uint8Array | undefined,
    vo: number,
    vlen: number,
    seq: number,
    next: number,
    extra: number,
  ): number {
    const arena = this.arena;
    const size = align8(entrySize(LEAF_AUX_WORDS, klen, vlen));
    if (extra !== 0 && !arena.fits(size + extra)) {
      throw new MemrepError(
        'MEMREP_ARENA_FULL',
        `inserting needs ${size + extra} bytes, which would pass the arena's maxSize of ` +
          `${arena.maxSize} bytes (${arena.allocated} already allocated)`,
      );
    }
    const held = arena.held;
    if (held < size + extra) arena.held = size + extra;
    const e = writeEntryAt(
      arena,
      LEAF_AUX_WORDS,
      key,
      ko,
      klen,
      value,
      vo,
      vlen,
      seq,
      this.#zone,
      this.#zones,
      this.#maxChunk,
    );
    arena.held = held;
    if (next !== 0) arena.i32[(e >> 2) + NEXT_WORD] = next;
    return e;
  }

  /**
   * Ends the reuse of outgrown nodes: from now on another thread may hold any node it met.
   * REQUIRES: called before the arena is handed to another thread (`ArtTable.share`).
   */
  stopReuse(): void {
    this.#reuse = false;
    this.#free.fill(0);
  }

  /**
   * Memory for a node of `kind`: an outgrown one of its size when reuse is on, zeroed. Nodes
   * are not placed in the zones: among same-size entries (a zone chunk is a whole number of
   * them) a node leaves a chunk's tail unfilled, 0.6 B/entry at 1M random keys.
   */
  #allocateNode(kind: number): number {
    const n = this.#free[kind];
    if (n === 0) return this.arena.allocate(NODE_SIZES[kind]);
    const i32 = this.arena.i32;
    this.#free[kind] = i32[n >> 2];
    i32.fill(0, n >> 2, (n + NODE_SIZES[kind]) >> 2);
    this.#reusedBytes += NODE_SIZES[kind];
    return n;
  }

  #newNode(kind: number, prefixOff: number, prefixLen: number): number {
    const arena = this.arena;
    const n = this.#allocateNode(kind);
    const i32 = arena.i32;
    i32[n >> 2] = kind;
    i32[(n >> 2) + PREFIX_LEN_WORD] = prefixLen;
    i32[(n >> 2) + PREFIX_OFF_WORD] = prefixOff;
    return n;
  }

  /** Adds a child (or the end slot, `b` = END) to a node with room; the count is stored last. */
  #addChild(n: number, b: number, v: number): void {
    const arena = this.arena;
    const i32 = arena.i32;
    const nw = n >> 2;
    if (b === END) {
      Atomics.store(i32, nw + END_WORD, v);
      return;
    }
    const h = i32[nw];
    const kind = h & KIND_MASK;
    const count = h >>> 8;
    if (kind === NODE256) {
      Atomics.store(i32, nw + 4 + b, v);
    } else if (kind === NODE48) {
      i32[nw + 68 + count] = v;
      Atomics.store(arena.bytes, n + KEYS_BYTE + b, count + 1);
    } else {
      arena.bytes[n + KEYS_BYTE + count] = b;
      i32[nw + SLOTS_WORD[kind] + count] = v;
    }
    Atomics.store(i32, nw, kind | ((count + 1) << 8));
  }

  /** A copy of the full node at `x` as the next larger kind (not yet published). */
  #grow(x: number): number {
    const arena = this.arena;
    let i32 = arena.i32;
    const kind = i32[x >> 2] & KIND_MASK;
    const g = this.#newNode(kind + 1, i32[(x >> 2) + PREFIX_OFF_WORD], 0);
    i32 = arena.i32;
    const bytes = arena.bytes;
    const xw = x >> 2;
    const gw = g >> 2;
    i32[gw + PREFIX_LEN_WORD] = i32[xw + PREFIX_LEN_WORD];
    i32[gw + END_WORD] = i32[xw + END_WORD];
    const count = i32[xw] >>> 8;
    const from = xw + SLOTS_WORD[kind];
    if (kind < NODE32) {
      const to = gw + SLOTS_WORD[kind + 1];
      for (let i = 0; i < count; i++) {
        bytes[g + KEYS_BYTE + i] = bytes[x + KEYS_BYTE + i];
        i32[to + i] = i32[from + i];
      }
    } else if (kind === NODE32) {
      for (let i = 0; i < count; i++) {
        bytes[g + KEYS_BYTE + bytes[x + KEYS_BYTE + i]] = i + 1;
        i32[gw + 68 + i] = i32[from + i];
      }
    } else {
      for (let b = 0; b < 256; b++) {
        const idx = bytes[x + KEYS_BYTE + b];
        if (idx !== 0) i32[gw + 4 + b] = i32[xw + 67 + idx];
      }
    }
    i32[gw] = (kind + 1) | (count << 8);
    return g;
  }

  // ---- reads -------------------------------------------------------------------------------

  /**
   * The newest entry of `key` with seq <= snapshot, or 0. Prefix bytes are skipped on the way
   * down and the whole key is compared at the leaf (the path only narrows the candidates).
   */
  find(key: Uint8Array, snapshot: number): number {
    const arena = this.arena;
    const concurrent = this.concurrent;
    if (concurrent) arena.refresh();
    let i32 = arena.i32;
    let bytes = arena.bytes;
    const klen = key.length;
    let x = load(i32, (this.header >> 2) + ROOT, concurrent);
    let d = 0;
    for (;;) {
      if (x === 0) return 0;
      if (concurrent && x + LARGEST_NODE > bytes.length) {
        arena.refresh();
        i32 = arena.i32;
        bytes = arena.bytes;
      }
      if ((x & 1) === 1) {
        let e = x ^ 1;
        if (i32[e >> 2] >>> 6 !== klen) return 0;
        const ko = e + KEY_BYTE;
        if (concurrent && ko + klen > bytes.length) {
          arena.refresh();
          i32 = arena.i32;
          bytes = arena.bytes;
        }
        for (let i = klen - 1; i >= 0; i--) if (key[i] !== bytes[ko + i]) return 0;
        let f64 = arena.f64;
        while (entrySeq(f64, e) > snapshot) {
          e = load(i32, (e >> 2) + NEXT_WORD, concurrent);
          if (e === 0) return 0;
          if (concurrent && e + KEY_BYTE > bytes.length) {
            arena.refresh();
            i32 = arena.i32;
            bytes = arena.bytes;
            f64 = arena.f64;
          }
        }
        return e;
      }
      const nw = x >> 2;
      d += i32[nw + PREFIX_LEN_WORD];
      if (d >= klen) {
        if (d > klen) return 0;
        x = load(i32, nw + END_WORD, concurrent);
        continue;
      }
      const w = childWord(i32, bytes, x, key[d], concurrent);
      if (w < 0) return 0;
      x = load(i32, w, concurrent);
      d++;
    }
  }

  /** A raw cursor over every entry, for `TableBase.openRawCursor`. */
  openCursor(): ArtCursor {
    return new ArtCursor(this);
  }

  /** Counts the reachable nodes by kind (a walk of the whole tree: for tests and reports). */
  stats(): TreeStats {
    const nodes = [0, 0, 0, 0, 0, 0];
    const i32 = this.arena.i32;
    const bytes = this.arena.bytes;
    const stack = [i32[(this.header >> 2) + ROOT]];
    let nodeBytes = 0;
    while (stack.length > 0) {
      const x = stack.pop() as number;
      if (x === 0 || (x & 1) === 1) continue;
      const kind = i32[x >> 2] & KIND_MASK;
      nodes[kind]++;
      nodeBytes += NODE_SIZES[kind];
      stack.push(i32[(x >> 2) + END_WORD]);
      for (
        let p = nextPos(i32, bytes, x, END, false);
        p !== NONE;
        p = nextPos(i32, bytes, x, p, false)
      ) {
        stack.push(i32[childWord(i32, bytes, x, p, false)]);
      }
    }
    return {
      nodes,
      nodeBytes,
      outgrown: this.#outgrown,
      outgrownBytes: this.#outgrownBytes - this.#reusedBytes,
      reusedBytes: this.#reusedBytes,
    };
  }
}

function load(i32: Int32Array, w: number, concurrent: boolean): number {
  return concurrent ? Atomics.load(i32, w) : i32[w];
}

/** Word of the child slot of byte `b` in the node at `n`, or -1 (a Node256's may hold 0). */
function childWord(
  i32: Int32Array,
  bytes: Uint8Array,
  n: number,
  b: number,
  concurrent: boolean,
): number {
  const nw = n >> 2;
  const h = concurrent ? Atomics.load(i32, nw) : i32[nw];
  const kind = h & KIND_MASK;
  if (kind === NODE256) return nw + 4 + b;
  if (kind === NODE48) {
    const idx = concurrent ? Atomics.load(bytes, n + KEYS_BYTE + b) : bytes[n + KEYS_BYTE + b];
    return idx === 0 ? -1 : nw + 67 + idx;
  }
  const count = h >>> 8;
  const k = n + KEYS_BYTE;
  for (let i = 0; i < count; i++) if (bytes[k + i] === b) return nw + SLOTS_WORD[kind] + i;
  return -1;
}

/** The slot word of the position the last `nextPos` or `prevPos` found. */
let foundWord = 0;

/**
 * The first position after `p` that holds something (END counts as before byte 0), or NONE;
 * `foundWord` is its slot word.
 */
function nextPos(i32: Int32Array, bytes: Uint8Array, n: number, p: number, c: boolean): number {
  const nw = n >> 2;
  const h = c ? Atomics.load(i32, nw) : i32[nw];
  const kind = h & KIND_MASK;
  if (kind === NODE256) {
    for (let b = p + 1; b < 256; b++) {
      if ((c ? Atomics.load(i32, nw + 4 + b) : i32[nw + 4 + b]) !== 0) {
        foundWord = nw + 4 + b;
        return b;
      }
    }
    return NONE;
  }
  const k = n + KEYS_BYTE;
  if (kind === NODE48) {
    for (let b = p + 1; b < 256; b++) {
      const idx = c ? Atomics.load(bytes, k + b) : bytes[k + b];
      if (idx !== 0) {
        foundWord = nw + 67 + idx;
        return b;
      }
    }
    return NONE;
  }
  const count = h >>> 8;
  let best = 256;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const b = bytes[k + i];
    if (b > p && b < best) {
      best = b;
      at = i;
    }
  }
  if (best === 256) return NONE;
  foundWord = nw + SLOTS_WORD[kind] + at;
  return best;
}

/** The last position before `p` that holds something (END last of all), or NONE; sets `foundWord`. */
function prevPos(i32: Int32Array, bytes: Uint8Array, n: number, p: number, c: boolean): number {
  const nw = n >> 2;
  const h = c ? Atomics.load(i32, nw) : i32[nw];
  const kind = h & KIND_MASK;
  const k = n + KEYS_BYTE;
  if (kind === NODE256) {
    for (let b = p - 1; b >= 0; b--) {
      if ((c ? Atomics.load(i32, nw + 4 + b) : i32[nw + 4 + b]) !== 0) {
        foundWord = nw + 4 + b;
        return b;
      }
    }
  } else if (kind === NODE48) {
    for (let b = p - 1; b >= 0; b--) {
      const idx = c ? Atomics.load(bytes, k + b) : bytes[k + b];
      if (idx !== 0) {
        foundWord = nw + 67 + idx;
        return b;
      }
    }
  } else {
    const count = h >>> 8;
    let best = NONE;
    let at = 0;
    for (let i = 0; i < count; i++) {
      const b = bytes[k + i];
      if (b < p && b > best) {
        best = b;
        at = i;
      }
    }
    if (best !== NONE) {
      foundWord = nw + SLOTS_WORD[kind] + at;
      return best;
    }
  }
  if (p > END && (c ? Atomics.load(i32, nw + END_WORD) : i32[nw + END_WORD]) !== 0) {
    foundWord = nw + END_WORD;
    return END;
  }
  return NONE;
}

/** Sixteen zeros: a cursor's per-level array (a literal, so V8 makes it packed small integers). */
function levels(): number[] {
  return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
}

/** Children a cursor touches ahead of itself in a Node48 or Node256 (all of a linear node: Node4 to Node32). */
const RUN_AHEAD = 8;

/**
 * A positional cursor: the path from the root to the current leaf (node, position and slot
 * word per level) and the current version. Positions are entry offsets, which writes never
 * move. When the tree's generation moved (a node on some path was replaced by a copy), a step
 * first finds its key again from the root, so that it sees what was added since.
 */
export class ArtCursor implements RawCursor {
  entry = 0;
  readonly arena: Arena;
  readonly #tree: ArtTree;
  readonly #concurrent: boolean;
  /**
   * The path, per level: node, position and slot word. Plain arrays of small integers, like
   * every per-level array here: V8 allocates six 16-element literals in about the time of one
   * 16-word `Int32Array`, and a cursor is opened for every `range()` and `prefix()` read (six
   * typed arrays made opening one take 0.3 us, a third of a 10-step seek in a small table).
   */
  #nodes = levels();
  #pos = levels();
  #slots = levels();
  /** Per level: the last position `#runAhead` touched (NONE: all, or not running ahead). */
  #ahead = levels();
  /**
   * Per level: the linear node whose key bytes `#bits` holds (0: none yet) and how
   * many of them. A linear node keeps its keys in insertion order, so an ordered step over one
   * is a scan of every key for the least above the position (branchy, O(count)): a step here
   * is a bit scan of this set instead, built once per node (its keys are append only, so a
   * grown count only adds keys).
   */
  #setNode = levels();
  #setCount = levels();
  /** Whether some level's `#setNode` is set (a new cursor's first seek has none to clear). */
  #setsMade = false;
  /**
   * Per level, made on the level's first ordered step over a linear node: 256 bits, the key
   * bytes present (8 words), and each present byte's position in the node (`#index`, four
   * 64-byte quarters per level). Every per-cursor array is at most 64 bytes, which V8
   * allocates on its heap: a larger typed array takes a backing store of its own, and the
   * 4 KiB index these replaced made opening a cursor cost 3-4 us, a tenth of a 100-entry
   * prefix scan.
   */
  #bits: (Int32Array | null)[] = [];
  #index: (Uint8Array | null)[] = [];
  #sink = 0;
  #top = 0;
  #generation = 0;
  #scratch: Uint8Array | null = null;

  constructor(tree: ArtTree) {
    this.#tree = tree;
    this.arena = tree.arena;
    this.#concurrent = tree.concurrent;
  }

  first(): void {
    this.#start();
    const x = this.#load((this.#tree.header >> 2) + ROOT);
    if (x === 0) this.entry = 0;
    else this.#descendFirst(x);
  }

  last(): void {
    this.#start();
    const x = this.#load((this.#tree.header >> 2) + ROOT);
    if (x === 0) this.entry = 0;
    else {
      this.#descendLast(x);
      this.entry = this.#oldest(this.entry);
    }
  }

  seek(key: Uint8Array, seq: number): void {
    this.#seekGE(key, key.length);
    const head = this.entry;
    if (head === 0 || !this.#keyIs(head, key, key.length)) return;
    let e = head;
    const f64 = this.arena.f64;
    while (e !== 0 && entrySeq(f64, e) > seq) e = this.#next(e);
    if (e !== 0) this.entry = e;
    else this.#advanceKey();
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    this.#seekLE(key, key.length);
    const head = this.entry;
    if (head === 0) return;
    if (!this.#keyIs(head, key, key.length)) {
      this.entry = this.#oldest(head);
      return;
    }
    const f64 = this.arena.f64;
    if (entrySeq(f64, head) < seq) {
      this.#retreatKey();
      if (this.entry !== 0) this.entry = this.#oldest(this.entry);
      return;
    }
    let e = head;
    for (;;) {
      const n = this.#next(e);
      if (n === 0 || entrySeq(this.arena.f64, n) < seq) break;
      e = n;
    }
    this.entry = e;
  }

  next(): void {
    const e = this.entry;
    if (e === 0) return;
    const n = this.#next(e);
    if (n !== 0) {
      this.entry = n;
      return;
    }
    this.#revalidate();
    this.#advanceKey();
  }

  prev(): void {
    const e = this.entry;
    if (e === 0) return;
    this.#revalidate();
    const head = this.#head();
    if (e !== head) {
      let p = head;
      for (;;) {
        const n = this.#next(p);
        if (n === e || n === 0) break;
        p = n;
      }
      this.entry = p;
      return;
    }
    this.#retreatKey();
    if (this.entry !== 0) this.entry = this.#oldest(this.entry);
  }

  // ---- the path ----------------------------------------------------------------------------

  #start(): void {
    this.#top = 0;
    const generation = this.#tree.generation;
    // An outgrown node's memory may since hold another node (`ArtTree.stopReuse`).
    if (generation !== this.#generation && this.#setsMade) {
      this.#setNode.fill(0);
      this.#setsMade = false;
    }
    this.#generation = generation;
    if (this.#concurrent) this.arena.refresh();
  }

  /** When the generation moved since the path was taken, takes it again to the current key. */
  #revalidate(): void {
    if (this.#tree.generation === this.#generation) return;
    const e = this.entry;
    const i32 = this.arena.i32;
    const klen = i32[e >> 2] >>> 6;
    let scratch = this.#scratch;
    if (scratch === null || scratch.length < klen) {
      scratch = this.#scratch = new Uint8Array(Math.max(klen, 2 * (scratch?.length ?? 32)));
    }
    const bytes = this.arena.bytes;
    const ko = e + KEY_BYTE;
    for (let i = 0; i < klen; i++) scratch[i] = bytes[ko + i];
    this.#seekGE(scratch, klen);
    this.entry = e;
  }

  /** The head (newest version) of the current key, read from its slot. */
  #head(): number {
    for (;;) {
      const t = this.#top;
      const x = this.#load(t === 0 ? (this.#tree.header >> 2) + ROOT : this.#slots[t - 1]);
      if ((x & 1) === 1) {
        this.#cover(x);
        return x ^ 1;
      }
      // The slot was split into a node since the path was taken (another thread's write).
      this.#generation = -1;
      this.#revalidate();
    }
  }

  /**
   * Enters node `n` at position `p` (slot word `w`); `ahead`: touch the children after it, a
   * linear node's now (all of them, whose misses then overlap the first one's), a Node48's or
   * Node256's on the first step past `p`: a bounded read ends by descending one key past its
   * bound (into the next prefix's Node256, in a prefix scan), and touching eight of that
   * node's leaves then was eight misses for nothing.
   */
  #push(n: number, p: number, w: number, ahead: boolean): void {
    const t = this.#top;
    if (t === this.#nodes.length) this.#deepen();
    this.#nodes[t] = n;
    this.#pos[t] = p;
    this.#slots[t] = w;
    this.#ahead[t] = !ahead
      ? NONE
      : (this.arena.i32[n >> 2] & KIND_MASK) <= NODE32
        ? this.#runAhead(n, p, RUN_AHEAD)
        : p;
    this.#top = t + 1;
  }

  /** Doubles the levels the path arrays hold. */
  #deepen(): void {
    const grow = (a: number[]) => a.concat(a.map(() => 0));
    this.#nodes = grow(this.#nodes);
    this.#pos = grow(this.#pos);
    this.#slots = grow(this.#slots);
    this.#ahead = grow(this.#ahead);
    this.#setNode = grow(this.#setNode);
    this.#setCount = grow(this.#setCount);
  }

  /**
   * Loads the first word of up to `k` children after position `p` of node `n` (every child of
   * a linear node), so that their cache misses overlap instead of coming one a step; returns
   * the last position touched, or NONE when none is left. Only loads: a stale word costs
   * speed, never correctness.
   */
  #runAhead(n: number, p: number, k: number): number {
    const i32 = this.arena.i32;
    const limit = i32.length;
    const c = this.#concurrent;
    const h = i32[n >> 2];
    const kind = h & KIND_MASK;
    let sink = this.#sink;
    if (kind <= NODE32) {
      const sw = (n >> 2) + SLOTS_WORD[kind];
      const count = h >>> 8;
      for (let i = 0; i < count; i++) {
        const o = i32[sw + i] >> 2;
        if (o < limit) sink ^= i32[o];
      }
      this.#sink = sink;
      return NONE;
    }
    const bytes = this.arena.bytes;
    let q = p;
    for (let j = 0; j < k; j++) {
      q = nextPos(i32, bytes, n, q, c);
      if (q === NONE) break;
      const o = i32[foundWord] >> 2;
      if (o < limit) sink ^= i32[o];
    }
    this.#sink = sink;
    return q;
  }

  /** Goes down from slot value `x` to its first key; `entry` becomes that key's head. */
  #descendFirst(x: number): void {
    const c = this.#concurrent;
    while ((x & 1) === 0) {
      this.#cover(x);
      const i32 = this.arena.i32;
      let p = END;
      let w = (x >> 2) + END_WORD;
      if (load(i32, w, c) === 0) {
        p = this.#nextPos(this.#top, x, END);
        w = foundWord;
      }
      this.#push(x, p, w, true);
      x = load(i32, w, c);
    }
    this.#cover(x);
    this.entry = x ^ 1;
  }

  /** Goes down from slot value `x` to its last key; `entry` becomes that key's head. */
  #descendLast(x: number): void {
    const c = this.#concurrent;
    while ((x & 1) === 0) {
      this.#cover(x);
      const i32 = this.arena.i32;
      const p = this.#prevPos(this.#top, x, 256);
      const w = foundWord;
      this.#push(x, p, w, false);
      x = load(i32, w, c);
    }
    this.#cover(x);
    this.entry = x ^ 1;
  }

  /** Moves to the head of the first key after the path's, or invalid. */
  #advanceKey(): void {
    const c = this.#concurrent;
    const nodes = this.#nodes;
    const pos = this.#pos;
    while (this.#top > 0) {
      const l = this.#top - 1;
      const n = nodes[l];
      const i32 = this.arena.i32;
      const p = this.#nextPos(l, n, pos[l]);
      if (p !== NONE) {
        const w = foundWord;
        pos[l] = p;
        this.#slots[l] = w;
        const ahead = this.#ahead[l];
        if (ahead !== NONE && p >= ahead) this.#ahead[l] = this.#runAhead(n, p, RUN_AHEAD);
        this.#descendFirst(load(i32, w, c));
        return;
      }
      this.#top = l;
    }
    this.entry = 0;
  }

  /** Moves to the head of the last key before the path's, or invalid. */
  #retreatKey(): void {
    const c = this.#concurrent;
    const nodes = this.#nodes;
    const pos = this.#pos;
    while (this.#top > 0) {
      const l = this.#top - 1;
      const n = nodes[l];
      const i32 = this.arena.i32;
      const p = this.#prevPos(l, n, pos[l]);
      if (p !== NONE) {
        const w = foundWord;
        pos[l] = p;
        this.#slots[l] = w;
        this.#descendLast(load(i32, w, c));
        return;
      }
      this.#top = l;
    }
    this.entry = 0;
  }

  /** Takes the path to the first key >= key[0..klen); `entry` is its head, or 0. */
  #seekGE(key: Uint8Array, klen: number): void {
    this.#start();
    const c = this.#concurrent;
    let x = this.#load((this.#tree.header >> 2) + ROOT);
    let d = 0;
    for (;;) {
      if (x === 0) {
        this.entry = 0;
        return;
      }
      this.#cover(x);
      const i32 = this.arena.i32;
      const bytes = this.arena.bytes;
      if ((x & 1) === 1) {
        const t = this.#top - 1;
        if (t >= 0) this.#ahead[t] = this.#runAhead(this.#nodes[t], this.#pos[t], RUN_AHEAD);
        if (this.#compareKey(x ^ 1, key, klen) >= 0) this.entry = x ^ 1;
        else this.#advanceKey();
        return;
      }
      const nw = x >> 2;
      const p = i32[nw + PREFIX_LEN_WORD];
      const po = i32[nw + PREFIX_OFF_WORD];
      const rest = klen - d;
      const m = p < rest ? p : rest;
      for (let i = 0; i < m; i++) {
        const kb = key[d + i];
        const pb = bytes[po + i];
        if (kb !== pb) {
          if (kb < pb) this.#descendFirst(x);
          else this.#advanceKey();
          return;
        }
      }
      if (rest <= p) {
        this.#descendFirst(x);
        return;
      }
      d += p;
      const b = key[d];
      const w = childWord(i32, bytes, x, b, c);
      const child = w < 0 ? 0 : load(i32, w, c);
      this.#push(x, b, w, false);
      if (child === 0) {
        this.#advanceKey();
        return;
      }
      x = child;
      d++;
    }
  }

  /** Takes the path to the last key <= key[0..klen); `entry` is its head, or 0. */
  #seekLE(key: Uint8Array, klen: number): void {
    this.#start();
    const c = this.#concurrent;
    let x = this.#load((this.#tree.header >> 2) + ROOT);
    let d = 0;
    for (;;) {
      if (x === 0) {
        this.entry = 0;
        return;
      }
      this.#cover(x);
      const i32 = this.arena.i32;
      const bytes = this.arena.bytes;
      if ((x & 1) === 1) {
        if (this.#compareKey(x ^ 1, key, klen) <= 0) this.entry = x ^ 1;
        else this.#retreatKey();
        return;
      }
      const nw = x >> 2;
      const p = i32[nw + PREFIX_LEN_WORD];
      const po = i32[nw + PREFIX_OFF_WORD];
      const rest = klen - d;
      const m = p < rest ? p : rest;
      for (let i = 0; i < m; i++) {
        const kb = key[d + i];
        const pb = bytes[po + i];
        if (kb !== pb) {
          if (kb > pb) this.#descendLast(x);
          else this.#retreatKey();
          return;
        }
      }
      if (rest < p) {
        this.#retreatKey();
        return;
      }
      d += p;
      if (rest === p) {
        const end = load(i32, nw + END_WORD, c);
        if (end !== 0) {
          this.#push(x, END, nw + END_WORD, false);
          this.#cover(end);
          this.entry = end ^ 1;
        } else this.#retreatKey();
        return;
      }
      const b = key[d];
      const w = childWord(i32, bytes, x, b, c);
      const child = w < 0 ? 0 : load(i32, w, c);
      this.#push(x, b, w, false);
      if (child === 0) {
        this.#retreatKey();
        return;
      }
      x = child;
      d++;
    }
  }

  /**
   * `nextPos` of node `n` at path level `l`; a linear node through the level's byte set, but a
   * Node4 by its (at most four) keys: building a set for a node the walk leaves after two or
   * three steps cost more than it saved (the Node4s under a prefix's Node256, in a prefix scan).
   */
  #nextPos(l: number, n: number, p: number): number {
    const i32 = this.arena.i32;
    const c = this.#concurrent;
    const h = c ? Atomics.load(i32, n >> 2) : i32[n >> 2];
    const kind = h & KIND_MASK;
    if (kind > NODE32 || kind === NODE4) return nextPos(i32, this.arena.bytes, n, p, c);
    const b = p + 1;
    if (b > 255) return NONE;
    const count = h >>> 8;
    const bits = this.#sync(l, n, count);
    let w = b >> 5;
    let m = bits[w] & (-1 << (b & 31));
    while (m === 0) {
      if (++w === 8) return NONE;
      m = bits[w];
    }
    const found = (w << 5) + 31 - Math.clz32(m & -m);
    foundWord = (n >> 2) + SLOTS_WORD[kind] + this.#indexOf(l, found);
    return found;
  }

  /** `prevPos` of node `n` at path level `l`; as `#nextPos`, a Node4 by its keys. */
  #prevPos(l: number, n: number, p: number): number {
    const i32 = this.arena.i32;
    const c = this.#concurrent;
    const h = c ? Atomics.load(i32, n >> 2) : i32[n >> 2];
    const kind = h & KIND_MASK;
    if (kind > NODE32 || kind === NODE4) return prevPos(i32, this.arena.bytes, n, p, c);
    const b = p - 1;
    if (b >= 0) {
      const count = h >>> 8;
      const bits = this.#sync(l, n, count);
      let w = b >> 5;
      let m = bits[w] & (-1 >>> (31 - (b & 31)));
      while (m === 0 && --w >= 0) m = bits[w];
      if (m !== 0) {
        const found = (w << 5) + 31 - Math.clz32(m);
        foundWord = (n >> 2) + SLOTS_WORD[kind] + this.#indexOf(l, found);
        return found;
      }
    }
    const ew = (n >> 2) + END_WORD;
    if (p > END && (c ? Atomics.load(i32, ew) : i32[ew]) !== 0) {
      foundWord = ew;
      return END;
    }
    return NONE;
  }

  /** The position of key byte `b` in the linear node level `l`'s byte set holds. */
  #indexOf(l: number, b: number): number {
    return (this.#index[(l << 2) | (b >> 6)] as Uint8Array)[b & 63];
  }

  /** Makes level `l`'s byte set and index (the other levels' stay as they are, or unmade). */
  #levelSet(l: number): Int32Array {
    const all = this.#bits;
    while (all.length <= l) {
      all.push(null);
      for (let q = 0; q < 4; q++) this.#index.push(null);
    }
    const bits = new Int32Array(8);
    all[l] = bits;
    for (let q = 0; q < 4; q++) this.#index[(l << 2) | q] = new Uint8Array(64);
    return bits;
  }

  /** Makes level `l`'s byte set hold the first `count` keys of the linear node at `n`; returns it. */
  #sync(l: number, n: number, count: number): Int32Array {
    if (l === this.#nodes.length) this.#deepen();
    let bits = l < this.#bits.length ? this.#bits[l] : null;
    if (bits === null) bits = this.#levelSet(l);
    let from = 0;
    if (this.#setNode[l] === n) {
      from = this.#setCount[l];
      if (from === count) return bits;
    } else {
      bits.fill(0);
      this.#setNode[l] = n;
      this.#setsMade = true;
    }
    const bytes = this.arena.bytes;
    const index = this.#index;
    const k = n + KEYS_BYTE;
    for (let i = from; i < count; i++) {
      const b = bytes[k + i];
      bits[b >> 5] |= 1 << (b & 31);
      (index[(l << 2) | (b >> 6)] as Uint8Array)[b & 63] = i;
    }
    this.#setCount[l] = count;
    return bits;
  }

  // ---- entries -----------------------------------------------------------------------------

  #load(w: number): number {
    return load(this.arena.i32, w, this.#concurrent);
  }

  #next(e: number): number {
    const n = load(this.arena.i32, (e >> 2) + NEXT_WORD, this.#concurrent);
    if (n !== 0) this.#cover(n | 1);
    return n;
  }

  #oldest(e: number): number {
    for (;;) {
      const n = this.#next(e);
      if (n === 0) return e;
      e = n;
    }
  }

  /** Reader side: makes sure the views cover the node, or the leaf's record and key, at `x`. */
  #cover(x: number): void {
    if (!this.#concurrent) return;
    const arena = this.arena;
    const o = x & ~1;
    if (o + LARGEST_NODE > arena.bytes.length) arena.refresh();
    if ((x & 1) === 1 && o + KEY_BYTE + (arena.i32[o >> 2] >>> 6) > arena.bytes.length) {
      arena.refresh();
    }
  }

  /** The key of the entry at `e` against key[0..klen). */
  #compareKey(e: number, key: Uint8Array, klen: number): number {
    const i32 = this.arena.i32;
    const bytes = this.arena.bytes;
    const el = i32[e >> 2] >>> 6;
    const ko = e + KEY_BYTE;
    const m = el < klen ? el : klen;
    for (let i = 0; i < m; i++) {
      const diff = bytes[ko + i] - key[i];
      if (diff !== 0) return diff;
    }
    return el - klen;
  }

  #keyIs(e: number, key: Uint8Array, klen: number): boolean {
    return this.#compareKey(e, key, klen) === 0;
  }
}
