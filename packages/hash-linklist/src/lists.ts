import {
  bytesAt,
  compareInternal,
  compareInternalAt,
  duplicateSeqError,
  ENTRY_HEADER_SIZE,
  entryEnd,
  entryKeyLength,
  entryKeyOffset,
  writeEntryAt,
} from '@memrep/core/backend';
import { NEXT0_WORD, SkipListCore } from '@memrep/skiplist';

/**
 * The bucket directory and the lists it names.
 *
 * A directory slot is one Int32 word:
 *
 *   0            the bucket is empty
 *   even offset  the first node of a sorted linked list (list mode)
 *   odd          a skip-list head's offset + 1 (skip mode: the head's level 0 is the list)
 *
 * A list node is an entry record with one aux word, the next offset at word 4: exactly a
 * skip-list node of height 1 (see `@memrep/skiplist` core.ts). So turning a list into a skip
 * list copies nothing: a new head's level 0 is set to the list's first node, and later
 * inserts through `SkipListCore` grow towers over it.
 *
 * A bucket is named to code that walks heads (hash-skiplist's `MergeCursor`, `buildSortedOrder`)
 * by a head offset: a skip list's real head (a multiple of 8) or, for a list, the odd
 * "pseudo-head" `slotByteOffset - 15`, whose level-0 word `(head >> 2) + 4` is the slot itself.
 * The overrides below resolve a pseudo-head through its slot on every call, so a bucket that
 * turns into a skip list under a cursor is read as one from then on.
 *
 * Invariants:
 * 1. Every list is in internal order (key ascending, then seq descending), and every next
 *    offset names an entry later in internal order, or 0: a walk always ends, even one that
 *    races with a directory growth (`HashLinkListTable`, invariant 3).
 * 2. A node is fully written before the `Atomics.store` that links it (into a slot or a
 *    predecessor's next word); after that only its tower words change.
 */
export class BucketLists extends SkipListCore {
  /** Whether `head` is a pseudo-head (a list bucket's slot) rather than a skip-list head. */
  static isPseudoHead(head: number): boolean {
    return (head & 1) === 1;
  }

  /** The pseudo-head of the slot at Int32 word `slotWord`. */
  static pseudoHead(slotWord: number): number {
    return ((slotWord - NEXT0_WORD) << 2) | 1;
  }

  /** The slot's value: 0, a list's first node, or a skip head + 1. Covered by the views. */
  loadSlot(pseudo: number): number {
    const w = (pseudo >> 2) + NEXT0_WORD;
    if (!this.concurrent) return this.arena.i32[w];
    // A slot of a directory the writer grew since this reader's views were made lies past them.
    if (w >= this.arena.i32.length) this.arena.refresh();
    const s = Atomics.load(this.arena.i32, w);
    if (s !== 0) this.cover(s & ~1);
    return s;
  }

  override first(head: number): number {
    if (!BucketLists.isPseudoHead(head)) return super.first(head);
    const s = this.loadSlot(head);
    return (s & 1) === 0 ? s : super.first(s - 1);
  }

  override last(head: number): number {
    if (!BucketLists.isPseudoHead(head)) return super.last(head);
    const s = this.loadSlot(head);
    if ((s & 1) === 1) return super.last(s - 1);
    let node = s;
    if (node === 0) return 0;
    for (let n = this.next(node); n !== 0; n = this.next(n)) node = n;
    return node;
  }

  override seek(head: number, key: Uint8Array, seq: number, klen: number = key.length): number {
    if (!BucketLists.isPseudoHead(head)) return super.seek(head, key, seq, klen);
    const s = this.loadSlot(head);
    if ((s & 1) === 1) return super.seek(s - 1, key, seq, klen);
    return this.listSeek(s, klen === key.length ? key : key.subarray(0, klen), seq);
  }

  override seekForPrev(head: number, key: Uint8Array, seq: number): number {
    if (!BucketLists.isPseudoHead(head)) return super.seekForPrev(head, key, seq);
    const s = this.loadSlot(head);
    if ((s & 1) === 1) return super.seekForPrev(s - 1, key, seq);
    let before = 0;
    for (let node = s; node !== 0; node = this.next(node)) {
      const c = compareInternal(key, seq, this.arena, node);
      if (c < 0) break;
      before = node;
      if (c === 0) break;
    }
    return before;
  }

  override prev(head: number, node: number): number {
    if (!BucketLists.isPseudoHead(head)) return super.prev(head, node);
    const s = this.loadSlot(head);
    if ((s & 1) === 1) return super.prev(s - 1, node);
    let before = 0;
    for (let n = s; n !== 0 && n !== node; n = this.next(n)) before = n;
    return before;
  }

  /** The first node of the list from `first` at or after (key, seq), or 0. */
  listSeek(first: number, key: Uint8Array, seq: number): number {
    const arena = this.arena;
    let node = first;
    if (this.concurrent && node !== 0) this.cover(node);
    while (node !== 0 && compareInternal(key, seq, arena, node) > 0) node = this.next(node);
    return node;
  }

  /** The newest node for `key` with seq <= snapshot in the list from `first`, or 0. */
  listFindNewest(first: number, key: Uint8Array, snapshot: number): number {
    const node = this.listSeek(first, key, snapshot);
    if (node === 0) return 0;
    const arena = this.arena;
    const off = entryKeyOffset(arena.i32, node);
    const len = entryKeyLength(arena.i32, node);
    if (len !== key.length) return 0;
    const bytes = arena.bytes;
    for (let i = 0; i < len; i++) if (bytes[off + i] !== key[i]) return 0;
    return node;
  }

  /**
   * Links a new node for (key, value, seq) into the bucket whose directory slot is the Int32
   * word `slotWord`, and returns it: into the skip list at `head` unless it is 0
   * (`SkipListCore.insertAt`), else into the slot's sorted list. The key is `kl` bytes at `ko`
   * in `key`, the value `vl` bytes at `vo` in `value` (undefined: a tombstone), as `insertAt`
   * takes them. REQUIRES: the writer's thread.
   * Throws `MEMREP_DUPLICATE_SEQ` (unless `fresh`) or `MEMREP_ARENA_FULL` before any change.
   */
  add(
    slotWord: number,
    head: number,
    key: Uint8Array,
    ko: number,
    kl: number,
    value: Uint8Array | undefined,
    vo: number,
    vl: number,
    seq: number,
    fresh: boolean,
  ): number {
    if (head !== 0) return this.insertAt(head, key, ko, kl, value, vo, vl, seq, fresh);
    const arena = this.arena;
    let i32 = arena.i32;
    const { bytes, f64 } = arena;
    let predWord = slotWord;
    let next = i32[slotWord];
    for (;;) {
      if (next === 0) break;
      const c = compareInternalAt(key, ko, kl, seq, bytes, i32, f64, next, 0);
      if (c < 0) break;
      if (c === 0 && !fresh) throw duplicateSeqError(bytesAt(key, ko, kl), seq);
      predWord = (next >> 2) + NEXT0_WORD;
      next = i32[predWord];
    }
    const node = writeEntryAt(arena, 1, key, ko, kl, value, vo, vl, seq);
    i32 = arena.i32;
    i32[(node >> 2) + NEXT0_WORD] = next;
    Atomics.store(i32, predWord, node);
    return node;
  }

  /** Reader side: makes sure the views cover the whole entry at `node`. */
  cover(node: number): void {
    const arena = this.arena;
    const limit = arena.bytes.length;
    if (node + ENTRY_HEADER_SIZE > limit) {
      arena.refresh();
      return;
    }
    const end = entryEnd(arena.i32, node);
    if (end > limit) arena.refresh();
  }
}
