import type { Arena } from './arena.js';
import { compareKeyToArena } from './bytes.js';
import { ENTRY_HEADER_SIZE, entryKey, entryValue, sameEntryKey, TOMBSTONE } from './entry.js';
import type { RangeTombstoneCoverage } from './range-tombstones.js';
import type { RawCursor } from './raw-cursor.js';
import type { RangeBounds } from './validate.js';

/** Seq above every real one: `seek(key, MAX_SEQ)` lands on the key's newest entry. */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER + 1;

/** What a `VisibleIterator` yields: `[key, value]` pairs, keys, or values. */
export type VisibleMode = 0 | 1 | 2;
export const YIELD_ENTRIES: VisibleMode = 0;
export const YIELD_KEYS: VisibleMode = 1;
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
 *    the pair).
 *
 * REQUIRES: `raw` is unpositioned (or `null` for a read known to be empty) and used by nothing
 * else; `coverage` null when no range tombstone can apply (the fast path: no call per key).
 */
export class VisibleIterator<T> implements IterableIterator<T> {
  readonly #raw: RawCursor | null;
  readonly #bounds: RangeBounds;
  readonly #mode: VisibleMode;
  readonly #coverage: RangeTombstoneCoverage | null;
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
    this.#bounds = bounds;
    this.#mode = mode;
    this.#coverage = coverage;
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

  return(): IteratorResult<T> {
    this.#remaining = 0;
    return { done: true, value: undefined };
  }

  /** Whether a range tombstone hides the entry at `off` (its newest visible version). */
  #covered(arena: Arena, off: number): boolean {
    const coverage = this.#coverage;
    if (coverage === null) return false;
    const w = arena.i32[off >> 2];
    const covering = coverage.coveringSeq(
      arena.bytes,
      off + ENTRY_HEADER_SIZE + ((w & 63) << 2),
      w >>> 6,
      this.#bounds.snapshot,
    );
    return covering > arena.f64[(off >> 3) + 1];
  }

  #nextForward(raw: RawCursor): number {
    const b = this.#bounds;
    if (!this.#started) {
      this.#started = true;
      if (b.lower === undefined) raw.first();
      else {
        raw.seek(b.lower, MAX_SEQ);
        if (b.lowerExclusive) {
          while (raw.entry !== 0 && compareEntryTo(raw.arena, raw.entry, b.lower) === 0) {
            raw.next();
          }
        }
      }
    }
    const snapshot = b.snapshot;
    const upper = b.upper;
    for (;;) {
      const off = raw.entry;
      if (off === 0) return 0;
      const arena = raw.arena;
      if (upper !== undefined) {
        const c = compareEntryTo(arena, off, upper);
        if (c > 0 || (c === 0 && b.upperExclusive)) return 0;
      }
      raw.next();
      if (arena.f64[(off >> 3) + 1] > snapshot) continue;
      while (raw.entry !== 0 && sameKey(raw.arena, raw.entry, arena, off)) raw.next();
      if (arena.i32[(off >> 2) + 1] !== TOMBSTONE && !this.#covered(arena, off)) {
        this.#hit = arena;
        return off;
      }
    }
  }

  #nextReverse(raw: RawCursor): number {
    const b = this.#bounds;
    if (!this.#started) {
      this.#started = true;
      if (b.upper === undefined) raw.last();
      else {
        raw.seekForPrev(b.upper, -1);
        if (b.upperExclusive) {
          while (raw.entry !== 0 && compareEntryTo(raw.arena, raw.entry, b.upper) === 0) {
            raw.prev();
          }
        }
      }
    }
    const snapshot = b.snapshot;
    const lower = b.lower;
    for (;;) {
      const off = raw.entry;
      if (off === 0) return 0;
      const arena = raw.arena;
      if (lower !== undefined) {
        const c = compareEntryTo(arena, off, lower);
        if (c < 0 || (c === 0 && b.lowerExclusive)) return 0;
      }
      // Going backwards a key's versions come oldest first: the visible one is the last seen.
      let visible = 0;
      let visibleArena = arena;
      let cur = off;
      let curArena = arena;
      do {
        if (curArena.f64[(cur >> 3) + 1] <= snapshot) {
          visible = cur;
          visibleArena = curArena;
        }
        raw.prev();
        cur = raw.entry;
        curArena = raw.arena;
      } while (cur !== 0 && sameKey(curArena, cur, arena, off));
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
  const w = arena.i32[off >> 2];
  return -compareKeyToArena(key, arena.bytes, off + ENTRY_HEADER_SIZE + ((w & 63) << 2), w >>> 6);
}

/** Whether entry `a` (in `arenaA`) and entry `b` (in `arenaB`) hold the same key. */
function sameKey(arenaA: Arena, a: number, arenaB: Arena, b: number): boolean {
  if (arenaA === arenaB) return sameEntryKey(arenaA, a, b);
  const wa = arenaA.i32[a >> 2];
  const wb = arenaB.i32[b >> 2];
  const len = wa >>> 6;
  if (len !== wb >>> 6) return false;
  const ma = arenaA.bytes;
  const mb = arenaB.bytes;
  const ka = a + ENTRY_HEADER_SIZE + ((wa & 63) << 2);
  const kb = b + ENTRY_HEADER_SIZE + ((wb & 63) << 2);
  for (let i = len - 1; i >= 0; i--) if (ma[ka + i] !== mb[kb + i]) return false;
  return true;
}
