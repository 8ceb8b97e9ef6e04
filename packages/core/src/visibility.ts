import type { Arena } from './arena.js';
import { compareKeyToArena, keyPrefix32 } from './bytes.js';
import {
  entryKey,
  entryKeyLength,
  entryKeyOffset,
  entryKeysEqual,
  entryPrefix32,
  entrySeq,
  entryValue,
  TOMBSTONE,
} from './entry.js';
import type { RangeTombstoneCoverage } from './range-tombstones.js';
import type { RawCursor } from './raw-cursor.js';
import type { RangeBounds } from './validate.js';

/** Seq above every real one: `seek(key, MAX_SEQ)` lands on the key's newest entry. */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER + 1;

/** What a `VisibleIterator` yields: `[key, value]` pairs, keys, or values. */
export type VisibleMode = 0 | 1 | 2;
/** Yield `[key, value]` pairs. */
export const YIELD_ENTRIES: VisibleMode = 0;
/** Yield keys only. */
export const YIELD_KEYS: VisibleMode = 1;
/** Yield values only. */
export const YIELD_VALUES: VisibleMode = 2;

/**
 * The visibility layer (LevelDB's `DBIter`): live keys in a range, over any `RawCursor`. For
 * each key, the newest entry at or below the snapshot; a point tombstone hides the key, and so
 * does a range tombstone of `coverage` whose seq is above that entry's. Bounds, direction and
 * limit are `bounds`' (from `normalizeRange`).
 *
 * To run it over several tables (an LSM's memtables), give it a raw cursor that merges their
 * raw cursors in internal order (each child's `entry` with the child's `arena`, ties of equal
 * (key, seq) broken newest table first) and a coverage that answers the highest covering seq
 * over every table's range tombstones. It reads entry bytes from `raw.arena` at each step, so
 * consecutive entries may lie in different arenas.
 *
 * Invariants:
 * 1. The snapshot and the coverage are fixed at creation; positions are arena offsets that
 *    later writes never move, so writes made while it is open neither show up nor break it.
 * 2. Nothing is allocated per entry beyond what it yields (the views and, in entries mode,
 *    the pair) and the result object. The result is fresh each step, not reused: the iterator
 *    protocol lets a caller keep results (`[it.next(), it.next()]`, as the conformance suite's
 *    iterator checks do), and a reused one would change under it.
 * 3. A step compares a key with the bound that can stop the walk by prefix32 first, and with
 *    the full bound only when the prefixes are equal; the version skip compares header and key
 *    words (`entryKeysEqual`).
 *
 * REQUIRES: `raw` is unpositioned (or `null` for a read known to be empty) and used by nothing
 * else; `coverage` null when no range tombstone can apply (the fast path: no call per key).
 */
export class VisibleIterator<T> implements IterableIterator<T> {
  readonly #raw: RawCursor | null;
  readonly #mode: VisibleMode;
  readonly #coverage: RangeTombstoneCoverage | null;
  readonly #reverse: boolean;
  readonly #snapshot: number;
  /** Where the walk starts (forward: the lower bound; reverse: the upper). */
  readonly #from: Uint8Array | undefined;
  readonly #fromExclusive: boolean;
  /** The bound that stops the walk (forward: the upper bound; reverse: the lower). */
  readonly #to: Uint8Array | undefined;
  readonly #toExclusive: boolean;
  /** `keyPrefix32(#to)`: most keys are decided against the bound by this alone. */
  readonly #toPrefix: number;
  #remaining: number;
  #started = false;
  /** The arena of the entry the last step found. */
  #hit: Arena | null = null;

  constructor(
    raw: RawCursor | null,
    bounds: RangeBounds,
    mode: VisibleMode,
    coverage: RangeTombstoneCoverage | null,
  ) {
    this.#raw = raw;
    this.#mode = mode;
    this.#coverage = coverage;
    this.#remaining = bounds.limit;
    this.#reverse = bounds.reverse;
    this.#snapshot = bounds.snapshot;
    const reverse = bounds.reverse;
    this.#from = reverse ? bounds.upper : bounds.lower;
    this.#fromExclusive = reverse ? bounds.upperExclusive : bounds.lowerExclusive;
    const to = reverse ? bounds.lower : bounds.upper;
    this.#to = to;
    this.#toExclusive = reverse ? bounds.lowerExclusive : bounds.upperExclusive;
    this.#toPrefix = to === undefined ? 0 : keyPrefix32(to);
  }

  /** Returns this iterator: it is iterable once. */
  [Symbol.iterator](): IterableIterator<T> {
    return this;
  }

  /** The next live entry in the range and direction, or done when the range or limit is used up. */
  next(): IteratorResult<T> {
    const raw = this.#raw;
    if (raw === null || this.#remaining <= 0) return { done: true, value: undefined };
    const off = this.#reverse ? this.#nextReverse(raw) : this.#nextForward(raw);
    if (off === 0) {
      this.#remaining = 0;
      return { done: true, value: undefined };
    }
    this.#remaining--;
    const arena = this.#hit as Arena;
    const mode = this.#mode;
    const value =
      mode === YIELD_KEYS
        ? entryKey(arena, off)
        : mode === YIELD_VALUES
          ? entryValue(arena, off)
          : [entryKey(arena, off), entryValue(arena, off)];
    return { done: false, value: value as T };
  }

  /** Ends the iteration early: every later `next` returns done. */
  return(): IteratorResult<T> {
    this.#remaining = 0;
    return { done: true, value: undefined };
  }

  /** Whether a range tombstone hides the entry at `off` (its newest visible version). */
  #covered(arena: Arena, off: number): boolean {
    const coverage = this.#coverage;
    if (coverage === null) return false;
    const i32 = arena.i32;
    const covering = coverage.coveringSeq(
      arena.bytes,
      entryKeyOffset(i32, off),
      entryKeyLength(i32, off),
      this.#snapshot,
    );
    return covering > entrySeq(arena.f64, off);
  }

  /**
   * Positive when the entry at `off` is past the bound that stops the walk, in walk order
   * (at or past it for an exclusive bound). REQUIRES: a bound (`#to` defined).
   */
  #pastBound(arena: Arena, off: number, sign: number): boolean {
    const p = entryPrefix32(arena.i32, arena.bytes, off);
    const tp = this.#toPrefix;
    if (p !== tp) return (p > tp ? 1 : -1) === sign;
    const c = compareEntryTo(arena, off, this.#to as Uint8Array) * sign;
    return c > 0 || (c === 0 && this.#toExclusive);
  }

  #nextForward(raw: RawCursor): number {
    if (!this.#started) {
      this.#started = true;
      const from = this.#from;
      if (from === undefined) raw.first();
      else {
        raw.seek(from, MAX_SEQ);
        if (this.#fromExclusive) {
          while (raw.entry !== 0 && compareEntryTo(raw.arena, raw.entry, from) === 0) raw.next();
        }
      }
    }
    const snapshot = this.#snapshot;
    const bounded = this.#to !== undefined;
    for (;;) {
      const off = raw.entry;
      if (off === 0) return 0;
      const arena = raw.arena;
      if (bounded && this.#pastBound(arena, off, 1)) return 0;
      raw.next();
      if (entrySeq(arena.f64, off) > snapshot) continue;
      while (raw.entry !== 0 && entryKeysEqual(raw.arena, raw.entry, arena, off)) raw.next();
      if (arena.i32[(off >> 2) + 1] !== TOMBSTONE && !this.#covered(arena, off)) {
        this.#hit = arena;
        return off;
      }
    }
  }

  #nextReverse(raw: RawCursor): number {
    if (!this.#started) {
      this.#started = true;
      const from = this.#from;
      if (from === undefined) raw.last();
      else {
        raw.seekForPrev(from, -1);
        if (this.#fromExclusive) {
          while (raw.entry !== 0 && compareEntryTo(raw.arena, raw.entry, from) === 0) raw.prev();
        }
      }
    }
    const snapshot = this.#snapshot;
    const bounded = this.#to !== undefined;
    for (;;) {
      const off = raw.entry;
      if (off === 0) return 0;
      const arena = raw.arena;
      if (bounded && this.#pastBound(arena, off, -1)) return 0;
      // Going backwards a key's versions come oldest first: the visible one is the last seen.
      let visible = 0;
      let visibleArena = arena;
      let cur = off;
      let curArena = arena;
      do {
        if (entrySeq(curArena.f64, cur) <= snapshot) {
          visible = cur;
          visibleArena = curArena;
        }
        raw.prev();
        cur = raw.entry;
        curArena = raw.arena;
      } while (cur !== 0 && entryKeysEqual(curArena, cur, arena, off));
      if (
        visible !== 0 &&
        visibleArena.i32[(visible >> 2) + 1] !== TOMBSTONE &&
        !this.#covered(visibleArena, visible)
      ) {
        this.#hit = visibleArena;
        return visible;
      }
    }
  }
}

/** Compares the key of the entry at `off` with a caller's key (entry first). */
function compareEntryTo(arena: Arena, off: number, key: Uint8Array): number {
  const i32 = arena.i32;
  return -compareKeyToArena(key, arena.bytes, entryKeyOffset(i32, off), entryKeyLength(i32, off));
}
