import type { Arena } from './arena.js';
import { MemrepRangeError } from './errors.js';

/**
 * A table's state words, kept in its arena so that attached readers in other threads see them.
 * One 32-byte allocation; every offset below is in bytes from its start:
 *
 *   0..7    count             float64: entries held, point and range tombstones included
 *   8..15   dataSize          float64: key and value bytes (range bounds) of those entries
 *   16..23  lastSeq           float64: highest seq written, -1 when empty
 *   24..27  frozen            int32, Atomics: 1 once frozen
 *   28..31  rangeTombstones   int32, Atomics: offset of the newest range tombstone record, 0
 *                             when there is none (see range-tombstones.ts)
 *
 * Invariants:
 * 1. `count`, `dataSize` and `lastSeq` move once per write or batch, after everything it
 *    inserted is published: a read whose snapshot is `lastSeq` never sees part of a batch.
 * 2. `rangeTombstones` is stored with `Atomics.store` after the record it points at is fully
 *    written, so a reader that loads it sees that record, and every older one, whole.
 */
export const META_SIZE = 32;
const COUNT_BYTE = 0;
const DATA_SIZE_BYTE = 8;
const LAST_SEQ_BYTE = 16;
const FROZEN_BYTE = 24;
const RANGE_TOMBSTONES_BYTE = 28;

/** Allocates and initialises a table's state words; returns their offset. */
export function allocateMeta(arena: Arena): number {
  const meta = arena.allocate(META_SIZE);
  arena.f64[(meta + LAST_SEQ_BYTE) >> 3] = -1;
  return meta;
}

/** Entries the table holds, point and range tombstones included (invariant 1). */
export function metaCount(arena: Arena, meta: number): number {
  return arena.f64[(meta + COUNT_BYTE) >> 3];
}

/** Key and value bytes (range bounds) of the entries held (invariant 1). */
export function metaDataSize(arena: Arena, meta: number): number {
  return arena.f64[(meta + DATA_SIZE_BYTE) >> 3];
}

/** Highest seq written, -1 while empty (invariant 1). */
export function metaLastSeq(arena: Arena, meta: number): number {
  return arena.f64[(meta + LAST_SEQ_BYTE) >> 3];
}

/** Whether the table is frozen; an atomic load, so a reader in another thread sees a freeze. */
export function metaFrozen(arena: Arena, meta: number): boolean {
  return Atomics.load(arena.i32, (meta + FROZEN_BYTE) >> 2) === 1;
}

/** Marks the table frozen for every reader of the arena (atomic store). Irreversible; the caller checks it is not frozen already if that matters. */
export function setMetaFrozen(arena: Arena, meta: number): void {
  Atomics.store(arena.i32, (meta + FROZEN_BYTE) >> 2, 1);
}

/** The newest range tombstone record, 0 when none: one word load, the no-tombstone fast path. */
export function metaRangeTombstones(arena: Arena, meta: number): number {
  return Atomics.load(arena.i32, (meta + RANGE_TOMBSTONES_BYTE) >> 2);
}

/**
 * Publishes `record` as the newest range tombstone record (atomic store).
 * REQUIRES: `record` and every record it links to are fully written (invariant 2).
 */
export function setMetaRangeTombstones(arena: Arena, meta: number, record: number): void {
  Atomics.store(arena.i32, (meta + RANGE_TOMBSTONES_BYTE) >> 2, record);
}

/**
 * Publishes a write or a whole batch: `entries` more entries of `bytes` more data, and
 * `lastSeq` raised to `seq` if it is higher.
 */
export function publishWrites(
  arena: Arena,
  meta: number,
  entries: number,
  bytes: number,
  seq: number,
): void {
  const f64 = arena.f64;
  f64[(meta + COUNT_BYTE) >> 3] += entries;
  f64[(meta + DATA_SIZE_BYTE) >> 3] += bytes;
  const last = (meta + LAST_SEQ_BYTE) >> 3;
  if (seq > f64[last]) f64[last] = seq;
}

/**
 * The words several writer threads meet on (`TableBase` after `share({ writable: true })`),
 * one allocation; each hot word on its own 64-byte line (byte offsets from its start):
 *
 *   0       next      int32, Atomics.add: seqs taken from the shared counter, relative to base
 *   64      visible   int32: every relative seq below it is in (Pebble's visible seq)
 *   128     lock      int32: held while lastSeq (explicit seqs) or the range tombstone list
 *                     change
 *   192     slots     int32, Atomics.add: writer slots handed out
 *   256     base      float64: the first seq the counter hands out (lastSeq + 1 when shared);
 *                     then count and dataSize as of the share, float64 each
 *   320     slot i    at 320 + 64 i, i < MAX_WRITERS: count and dataSize, float64 each, that
 *                     writer i added (written by that writer alone)
 *   RING_SEQ_BYTE     int32 x RING: a done mark, `relative seq + 1` of a write whose seqs are
 *                     all in, 0 when the slot is free; then RING int32 lengths: its seqs
 *
 * Publication (visibility in seq order): a writer whose first seq is `visible` moves it past
 * its own seqs with one exchange; one that finishes early leaves a done mark in the ring, and
 * whoever moves `visible` to a marked seq consumes the mark (an exchange on it, so exactly one
 * thread does) and moves on past it. A writer never waits for another to publish its seqs.
 */
export const MAX_WRITERS = 64;
/** Done-mark slots in the writers' ring: at most this many writes may finish ahead of `visible`. */
export const RING = 1024;
/** Int32 word, from the writers' words' start, of `next`: the shared seq counter, from base. */
export const WRITERS_NEXT_WORD = 0;
/** Int32 word of `visible`: every relative seq below it is published. */
export const WRITERS_VISIBLE_WORD = 16;
/** Int32 word of the lock (0 free, 1 held) taken by `lockMeta`. */
export const WRITERS_LOCK_WORD = 32;
/** Int32 word of `slots`: the writer slots handed out so far (may exceed MAX_WRITERS). */
export const WRITERS_SLOTS_WORD = 48;
const WRITERS_BASE_BYTE = 256;
const WRITERS_SLOT_BYTE = 320;
/** First Int32 word of the ring's done marks (RING words, `relative seq + 1`, 0 when free). */
export const RING_SEQ_WORD = (WRITERS_SLOT_BYTE + 64 * MAX_WRITERS) >> 2;
/** First Int32 word of the ring's lengths (RING words: the seq count of the marked write). */
export const RING_LENGTH_WORD = RING_SEQ_WORD + RING;
const WRITERS_ALLOCATION = 4 * (RING_LENGTH_WORD + RING) + 64;

/**
 * Allocates the shared writers' words, 64-aligned, counting seqs from `base` and counts from
 * `count` and `dataSize`; returns their offset.
 */
export function allocateWriters(
  arena: Arena,
  base: number,
  count: number,
  dataSize: number,
): number {
  const at = (arena.allocate(WRITERS_ALLOCATION) + 63) & ~63;
  const f64 = arena.f64;
  f64[(at + WRITERS_BASE_BYTE) >> 3] = base;
  f64[(at + WRITERS_BASE_BYTE + 8) >> 3] = count;
  f64[(at + WRITERS_BASE_BYTE + 16) >> 3] = dataSize;
  return at;
}

/** The first seq the shared counter of the writers' words at `writers` hands out. */
export function writersBase(arena: Arena, writers: number): number {
  return arena.f64[(writers + WRITERS_BASE_BYTE) >> 3];
}

/** Takes a writer slot; returns the byte offset of its two counters. */
export function takeWriterSlot(arena: Arena, writers: number): number {
  const slot = Atomics.add(arena.i32, (writers >> 2) + WRITERS_SLOTS_WORD, 1);
  if (slot >= MAX_WRITERS) {
    Atomics.sub(arena.i32, (writers >> 2) + WRITERS_SLOTS_WORD, 1);
    throw new MemrepRangeError(
      `a table takes at most ${MAX_WRITERS} writers (MAX_WRITERS); all are attached`,
    );
  }
  return writers + WRITERS_SLOT_BYTE + 64 * slot;
}

/** Adds one writer's entries and bytes to its slot (`takeWriterSlot`). */
export function addToSlot(arena: Arena, slot: number, entries: number, bytes: number): void {
  const f64 = arena.f64;
  f64[slot >> 3] += entries;
  f64[(slot >> 3) + 1] += bytes;
}

/** The count (`which` 0) or dataSize (`which` 1) over every writer since the share. */
export function writersSum(arena: Arena, writers: number, which: 0 | 1): number {
  const f64 = arena.f64;
  const slots = Math.min(Atomics.load(arena.i32, (writers >> 2) + WRITERS_SLOTS_WORD), MAX_WRITERS);
  let sum = f64[((writers + WRITERS_BASE_BYTE) >> 3) + 1 + which];
  for (let i = 0; i < slots; i++) sum += f64[((writers + WRITERS_SLOT_BYTE + 64 * i) >> 3) + which];
  return sum;
}

/** Takes the lock word of the writers' words at `writers` (a spin: it is held for a few stores). */
export function lockMeta(arena: Arena, writers: number): void {
  const word = (writers >> 2) + WRITERS_LOCK_WORD;
  while (Atomics.compareExchange(arena.i32, word, 0, 1) !== 0) {
    /* spin */
  }
}

/** Releases the lock word that `lockMeta` took; called by the thread that holds it, once. */
export function unlockMeta(arena: Arena, writers: number): void {
  Atomics.store(arena.i32, (writers >> 2) + WRITERS_LOCK_WORD, 0);
}

/** Raises lastSeq to `seq` if it is higher (under `lockMeta` when writes are shared). */
export function raiseLastSeq(arena: Arena, meta: number, seq: number): void {
  const f64 = arena.f64;
  const last = (meta + LAST_SEQ_BYTE) >> 3;
  if (seq > f64[last]) f64[last] = seq;
}

/**
 * Shared writers: the seqs `[turn, turn + n)` (relative) are all in; publishes them in seq
 * order (see above). Never waits for another writer to publish, only, when RING writes are
 * in flight ahead of it, for a ring slot.
 */
export function publishTurn(arena: Arena, writers: number, turn: number, n: number): void {
  const i32 = arena.i32;
  const w = writers >> 2;
  const visible = w + WRITERS_VISIBLE_WORD;
  if (Atomics.compareExchange(i32, visible, turn, turn + n) !== turn) {
    for (let v = Atomics.load(i32, visible); turn - v >= RING; v = Atomics.load(i32, visible)) {
      Atomics.wait(i32, visible, v, 1);
    }
    const slot = turn & (RING - 1);
    i32[w + RING_LENGTH_WORD + slot] = n;
    Atomics.store(i32, w + RING_SEQ_WORD + slot, turn + 1);
  }
  for (;;) {
    const v = Atomics.load(i32, visible);
    const slot = v & (RING - 1);
    if (Atomics.compareExchange(i32, w + RING_SEQ_WORD + slot, v + 1, 0) !== v + 1) return;
    Atomics.store(i32, visible, v + i32[w + RING_LENGTH_WORD + slot]);
  }
}

/** The relative visible seq: every relative seq below it is in. */
export function visibleTurn(arena: Arena, writers: number): number {
  return Atomics.load(arena.i32, (writers >> 2) + WRITERS_VISIBLE_WORD);
}
