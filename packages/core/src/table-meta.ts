import type { Arena } from './arena.js';

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

export function metaCount(arena: Arena, meta: number): number {
  return arena.f64[(meta + COUNT_BYTE) >> 3];
}

export function metaDataSize(arena: Arena, meta: number): number {
  return arena.f64[(meta + DATA_SIZE_BYTE) >> 3];
}

export function metaLastSeq(arena: Arena, meta: number): number {
  return arena.f64[(meta + LAST_SEQ_BYTE) >> 3];
}

export function metaFrozen(arena: Arena, meta: number): boolean {
  return Atomics.load(arena.i32, (meta + FROZEN_BYTE) >> 2) === 1;
}

export function setMetaFrozen(arena: Arena, meta: number): void {
  Atomics.store(arena.i32, (meta + FROZEN_BYTE) >> 2, 1);
}

/** The newest range tombstone record, 0 when none: one word load, the no-tombstone fast path. */
export function metaRangeTombstones(arena: Arena, meta: number): number {
  return Atomics.load(arena.i32, (meta + RANGE_TOMBSTONES_BYTE) >> 2);
}

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
 * one allocation, each hot word on its own 64-byte line:
 *
 *   line 0  next       int32, Atomics.add: seqs taken from the shared counter, relative to base
 *   line 1  turn       int32: the relative seq whose writer publishes next (Pebble's visible
 *                      seq: published in order); waiters: int32, threads asleep on turn
 *   line 2  lock       int32: held while count, dataSize, lastSeq or the range tombstone list
 *                      change
 *   line 3  base       float64: the first seq the counter hands out (lastSeq + 1 when shared)
 */
const WRITERS_ALLOCATION = 256;
export const WRITERS_NEXT_WORD = 0;
export const WRITERS_TURN_WORD = 16;
export const WRITERS_WAITERS_WORD = 17;
export const WRITERS_LOCK_WORD = 32;
const WRITERS_BASE_BYTE = 192;

/** Allocates the shared writers' words, 64-aligned, counting seqs from `base`; returns their offset. */
export function allocateWriters(arena: Arena, base: number): number {
  const at = (arena.allocate(WRITERS_ALLOCATION) + 63) & ~63;
  arena.f64[(at + WRITERS_BASE_BYTE) >> 3] = base;
  return at;
}

/** The first seq the shared counter of the writers' words at `writers` hands out. */
export function writersBase(arena: Arena, writers: number): number {
  return arena.f64[(writers + WRITERS_BASE_BYTE) >> 3];
}

/** Takes the lock word of the writers' words at `writers` (a spin: it is held for a few stores). */
export function lockMeta(arena: Arena, writers: number): void {
  const word = (writers >> 2) + WRITERS_LOCK_WORD;
  while (Atomics.compareExchange(arena.i32, word, 0, 1) !== 0) {
    /* spin */
  }
}

export function unlockMeta(arena: Arena, writers: number): void {
  Atomics.store(arena.i32, (writers >> 2) + WRITERS_LOCK_WORD, 0);
}
