import type { Arena } from './arena.js';
import {
  compareInternalAt,
  entryKeyLength,
  entryKeyOffset,
  entryPrefix32,
  entrySeq,
} from './entry.js';
import type { RawCursor } from './raw-cursor.js';

/** What a `MergingCursor` merges: its children, and whether they changed under it. */
export interface MergeChildren {
  /**
   * The cursors to merge. Called at every positioning (first, last, seek, seekForPrev, and a
   * re-positioning after `changed()`), so a source may add children between calls; the array
   * is the merge's until the next call (a source may hand out the same array each time).
   */
  children(): readonly RawCursor[];
  /**
   * Whether something changed since the last `children()` that the merge may have to see (a
   * write into a child behind the heap or into an exhausted one, a new child). The next step
   * then re-positions every child around the current entry.
   */
  changed(): boolean;
}

const FIRST = 0;
const SEEK = 1;

/**
 * A k-way merge of raw cursors in internal order (key ascending, seq descending), itself a
 * `RawCursor`: LevelDB's MergingIterator over arena offsets. Children may lie in different
 * arenas (the tables of an LSM memtable list): `entry` and `arena` are the current child's.
 * It merges; it does not filter: every entry of every child comes out, versions and
 * tombstones included, and snapshot and tombstone handling is the reader's above it.
 *
 * The heap is two Int32Arrays, the child index of each member and the first four bytes of its
 * key (`keyPrefix32`, bitwise negated backwards so the heap is always a min-heap): most
 * compares never touch a key. Moving on is stepping the top child and sifting it down, so a
 * step in one direction allocates nothing.
 *
 * Invariants:
 * 1. Forward, every member is positioned on its child's first entry after the current one;
 *    backward, on its last entry before it. Switching direction re-positions every child
 *    around the current entry (seek to (key, seq - 1) or seekForPrev to (key, seq + 1)), as
 *    LevelDB does.
 * 2. Members with equal (key, seq), which a well-formed LSM never has, come out in child order.
 * 3. When `changed()` says so, the next step re-positions every child as in 1, so a child's
 *    write behind the heap, or a new child, is seen.
 */
export class MergingCursor implements RawCursor {
  entry = 0;
  /** The current child's arena; the one given to the constructor while unpositioned. */
  arena: Arena;
  readonly #source: MergeChildren;
  readonly #emptyArena: Arena;
  #children: readonly RawCursor[] = [];
  #members = new Int32Array(8);
  #keys = new Int32Array(8);
  #size = 0;
  #forward = true;

  /** A merge of what `source` hands out; `arena` is what `arena` reads while unpositioned. */
  constructor(source: MergeChildren, arena: Arena) {
    this.#source = source;
    this.#emptyArena = arena;
    this.arena = arena;
  }

  /** A merge of a fixed list of cursors (none of them may be empty of an arena). */
  static of(children: readonly RawCursor[], arena: Arena): MergingCursor {
    return new MergingCursor({ children: () => children, changed: () => false }, arena);
  }

  first(): void {
    this.#fill(true, FIRST, undefined, 0);
  }

  last(): void {
    this.#fill(false, FIRST, undefined, 0);
  }

  seek(key: Uint8Array, seq: number): void {
    this.#fill(true, SEEK, key, seq);
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    this.#fill(false, SEEK, key, seq);
  }

  next(): void {
    if (this.entry === 0) return;
    if (!this.#forward || this.#source.changed()) {
      // (key, seq - 1): the first entry after the current one, in every child.
      this.#fill(true, SEEK, this.#currentKey(), entrySeq(this.arena.f64, this.entry) - 1);
      return;
    }
    const top = this.#members[0];
    const child = this.#children[top];
    child.next();
    this.#replaceTop(top, child);
  }

  prev(): void {
    if (this.entry === 0) return;
    if (this.#forward || this.#source.changed()) {
      this.#fill(false, SEEK, this.#currentKey(), entrySeq(this.arena.f64, this.entry) + 1);
      return;
    }
    const top = this.#members[0];
    const child = this.#children[top];
    child.prev();
    this.#replaceTop(top, child);
  }

  /** The top child moved: sift it down, or drop it when it is done. */
  #replaceTop(top: number, child: RawCursor): void {
    if (child.entry !== 0) this.#siftDown(0, top, this.#keyWord(child));
    else {
      const last = --this.#size;
      if (last > 0) this.#siftDown(0, this.#members[last], this.#keys[last]);
    }
    this.#settle();
  }

  #fill(forward: boolean, mode: number, key: Uint8Array | undefined, seq: number): void {
    const children = this.#source.children();
    this.#children = children;
    this.#forward = forward;
    const n = children.length;
    if (n > this.#members.length) {
      this.#members = new Int32Array(n);
      this.#keys = new Int32Array(n);
    }
    const members = this.#members;
    const keys = this.#keys;
    let size = 0;
    for (let i = 0; i < n; i++) {
      const child = children[i];
      if (mode === FIRST) {
        if (forward) child.first();
        else child.last();
      } else if (forward) child.seek(key as Uint8Array, seq);
      else child.seekForPrev(key as Uint8Array, seq);
      if (child.entry === 0) continue;
      members[size] = i;
      keys[size] = this.#keyWord(child);
      size++;
    }
    this.#size = size;
    for (let i = (size >> 1) - 1; i >= 0; i--) this.#siftDown(i, members[i], keys[i]);
    this.#settle();
  }

  #settle(): void {
    if (this.#size === 0) {
      this.entry = 0;
      this.arena = this.#emptyArena;
      return;
    }
    const child = this.#children[this.#members[0]];
    this.entry = child.entry;
    this.arena = child.arena;
  }

  /** Places (member, key) at `i` or below, moving smaller children up. */
  #siftDown(i: number, member: number, key: number): void {
    const members = this.#members;
    const keys = this.#keys;
    const size = this.#size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      let ck = keys[c];
      const r = c + 1;
      if (r < size) {
        const rk = keys[r];
        if (rk < ck || (rk === ck && this.#before(members[r], members[c]))) {
          c = r;
          ck = rk;
        }
      }
      if (key < ck || (key === ck && this.#before(member, members[c]))) break;
      members[i] = members[c];
      keys[i] = ck;
      i = c;
    }
    members[i] = member;
    keys[i] = key;
  }

  /** Whether child `a` comes before child `b` in this cursor's direction (prefixes equal). */
  #before(a: number, b: number): boolean {
    const ca = this.#children[a];
    const cb = this.#children[b];
    const aa = ca.arena;
    const ab = cb.arena;
    const ea = ca.entry;
    const i32 = aa.i32;
    const c = compareInternalAt(
      aa.bytes,
      entryKeyOffset(i32, ea),
      entryKeyLength(i32, ea),
      entrySeq(aa.f64, ea),
      ab.bytes,
      ab.i32,
      ab.f64,
      cb.entry,
      4,
    );
    if (c === 0) return this.#forward ? a < b : a > b;
    return this.#forward ? c < 0 : c > 0;
  }

  #keyWord(child: RawCursor): number {
    const arena = child.arena;
    const p = entryPrefix32(arena.i32, arena.bytes, child.entry);
    return this.#forward ? p : ~p;
  }

  /** A view of the current entry's key (made on a change of direction or a re-position only). */
  #currentKey(): Uint8Array {
    const arena = this.arena;
    const i32 = arena.i32;
    return new Uint8Array(
      arena.buffer,
      entryKeyOffset(i32, this.entry),
      entryKeyLength(i32, this.entry),
    );
  }
}
