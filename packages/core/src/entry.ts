import type { Arena } from './arena.js';
import { arenaPrefix32, compareKeyToArena, copyToWords } from './bytes.js';

/**
 * The entry record every backend writes into the arena, one allocation per entry. This file
 * is its one layout: every read of a record in `packages/*\/src` goes through the functions
 * below. Each is a few loads, small enough for V8 to inline, and takes the arena's views so
 * that a hot loop keeps them in locals.
 *
 *   word 0   keyLength << 6 | auxWords   (auxWords: 4-byte words of backend data after the header)
 *   word 1   valueLength, or TOMBSTONE for a delete
 *   8..15    seq, a float64 holding an integer in [0, 2^53)  (float64 index `(off >> 3) + 1`)
 *   16..     auxWords * 4 bytes for the backend (a skip list keeps its tower here)
 *   then     key bytes, then value bytes
 *
 * Invariants:
 * 1. A record is fully written before its offset is published; after that it never changes,
 *    except aux words the backend owns (tower links).
 * 2. The key starts at a 4-byte boundary: offset + 16 + 4 * auxWords.
 * 3. A record takes `entrySize(auxWords, keyLength, valueLength)` bytes, rounded up to 8 by
 *    the arena; so the record after one written back to back starts at `entryNext`.
 */
export const ENTRY_HEADER_SIZE = 16;
/** The value length (word 1) that marks a record as a delete; such a record has no value bytes. */
export const TOMBSTONE = -1;
/** The most aux words a record can carry: the 6-bit field of word 0. */
export const MAX_AUX_WORDS = 63;
/** The most a header can record: 2^26 - 1 bytes (64 MiB). */
export const MAX_KEY_LENGTH = 2 ** 26 - 1;
/** The most a header can record: 2^31 - 1 bytes. */
export const MAX_VALUE_LENGTH = 2 ** 31 - 1;
/** Exclusive upper bound of sequence numbers. */
export const SEQ_LIMIT = 2 ** 53;
/**
 * The most bytes a record takes beyond its key and value: the header, the most aux words a
 * backend may keep and the arena's alignment.
 */
export const MAX_ENTRY_OVERHEAD = ENTRY_HEADER_SIZE + MAX_AUX_WORDS * 4 + 8;

/** Bytes an entry takes in the arena before alignment. */
export function entrySize(auxWords: number, keyLength: number, valueLength: number): number {
  return ENTRY_HEADER_SIZE + auxWords * 4 + keyLength + valueLength;
}

/**
 * Allocates and fills an entry record; aux words are left zero for the caller.
 * `value` undefined writes a tombstone. May throw `MEMREP_ARENA_FULL`, having changed nothing.
 *
 * Placement is an argument: with `word` >= 0 the record comes from the chunk of an allocation
 * group whose state is the two words at `word` of `state` (null: of the arena's own words),
 * chunks of at most `maxChunk` bytes (see `Arena.allocateGrouped`); with `word` < 0 (the
 * default) it is a plain allocation.
 */
export function writeEntry(
  arena: Arena,
  auxWords: number,
  key: Uint8Array,
  value: Uint8Array | undefined,
  seq: number,
  word = -1,
  state: Int32Array | null = null,
  maxChunk = 0,
): number {
  const valueLength = value === undefined ? 0 : value.length;
  return writeEntryAt(
    arena,
    auxWords,
    key,
    0,
    key.length,
    value,
    0,
    valueLength,
    seq,
    word,
    state,
    maxChunk,
  );
}

/**
 * `writeEntry` of the key `keyLength` bytes at `keyOffset` in `key` and the value
 * `valueLength` bytes at `valueOffset` in `value` (undefined: a tombstone), so that a write
 * batch's records are inserted straight from its encoding, with no view made per record.
 */
export function writeEntryAt(
  arena: Arena,
  auxWords: number,
  key: Uint8Array,
  keyOffset: number,
  keyLength: number,
  value: Uint8Array | undefined,
  valueOffset: number,
  valueLength: number,
  seq: number,
  word = -1,
  state: Int32Array | null = null,
  maxChunk = 0,
): number {
  const size = entrySize(auxWords, keyLength, valueLength);
  const off = word < 0 ? arena.allocate(size) : arena.allocateGrouped(size, state, word, maxChunk);
  const i32 = arena.i32;
  const w = off >> 2;
  i32[w] = (keyLength << 6) | auxWords;
  i32[w + 1] = value === undefined ? TOMBSTONE : valueLength;
  arena.f64[(off >> 3) + 1] = seq;
  const keyOff = off + ENTRY_HEADER_SIZE + (auxWords << 2);
  copyToWords(arena.bytes, i32, keyOff, key, keyOffset, keyLength);
  if (value !== undefined) {
    copyToWords(arena.bytes, i32, keyOff + keyLength, value, valueOffset, valueLength);
  }
  return off;
}

/** Offset of the key bytes of the entry at `off`. */
export function entryKeyOffset(i32: Int32Array, off: number): number {
  return off + ENTRY_HEADER_SIZE + ((i32[off >> 2] & 63) << 2);
}

/** The key length in bytes of the record at `off` (word 0, above the aux-word bits). */
export function entryKeyLength(i32: Int32Array, off: number): number {
  return i32[off >> 2] >>> 6;
}

/** The 4-byte backend words after the header of the record at `off`, in [0, MAX_AUX_WORDS]. */
export function entryAuxWords(i32: Int32Array, off: number): number {
  return i32[off >> 2] & 63;
}

/** The value length, or TOMBSTONE (-1). */
export function entryValueLength(i32: Int32Array, off: number): number {
  return i32[(off >> 2) + 1];
}

/** Whether the record at `off` is a delete (its value length is TOMBSTONE). */
export function entryIsTombstone(i32: Int32Array, off: number): boolean {
  return i32[(off >> 2) + 1] === TOMBSTONE;
}

/** The seq of the record at `off`: an integer in [0, 2^53) held in a float64 (bytes 8..15). */
export function entrySeq(f64: Float64Array, off: number): number {
  return f64[(off >> 3) + 1];
}

/** Offset just past the last byte of the entry at `off` (before alignment). */
export function entryEnd(i32: Int32Array, off: number): number {
  const w = i32[off >> 2];
  const valueLength = i32[(off >> 2) + 1];
  return (
    off +
    ENTRY_HEADER_SIZE +
    ((w & 63) << 2) +
    (w >>> 6) +
    (valueLength === TOMBSTONE ? 0 : valueLength)
  );
}

/** Offset of the record written right after the one at `off` (records back to back). */
export function entryNext(i32: Int32Array, off: number): number {
  return (entryEnd(i32, off) + 7) & ~7;
}

/** `keyPrefix32` of the key of the entry at `off`. */
export function entryPrefix32(i32: Int32Array, bytes: Uint8Array, off: number): number {
  const w = i32[off >> 2];
  return arenaPrefix32(bytes, off + ENTRY_HEADER_SIZE + ((w & 63) << 2), w >>> 6);
}

/**
 * The one internal-order compare: the target (`klen` bytes at `keyOff` in `key`, with `seq`)
 * against the entry at `off` (views `bytes`, `i32`, `f64` of its arena). Key ascending, then
 * seq descending; the target may lie anywhere, another arena included.
 *
 * Returns -2 or 2 when the keys differ, -1 or 1 when only the seqs do, 0 when both are equal;
 * negative when the target sorts first.
 * REQUIRES: the first `from` bytes of both keys are known equal, or `from` is at least the
 * shorter length (equal `keyPrefix32`s make 4 a valid `from`); pass 0 when nothing is known.
 */
export function compareInternalAt(
  key: Uint8Array,
  keyOff: number,
  klen: number,
  seq: number,
  bytes: Uint8Array,
  i32: Int32Array,
  f64: Float64Array,
  off: number,
  from: number,
): number {
  const w = i32[off >> 2];
  const ko = off + ENTRY_HEADER_SIZE + ((w & 63) << 2);
  const nl = w >>> 6;
  const m = klen < nl ? klen : nl;
  for (let i = from; i < m; i++) {
    const d = key[keyOff + i] - bytes[ko + i];
    if (d !== 0) return d < 0 ? -2 : 2;
  }
  if (klen !== nl) return klen < nl ? -2 : 2;
  const s = f64[(off >> 3) + 1];
  return seq > s ? -1 : seq < s ? 1 : 0;
}

/**
 * Internal order of the entries at `a` and `b` of one arena (see `compareInternalAt`).
 * REQUIRES: the first `depth` key bytes of both are known equal (pass 0 when unknown).
 */
export function compareEntries(
  bytes: Uint8Array,
  i32: Int32Array,
  f64: Float64Array,
  a: number,
  b: number,
  depth: number,
): number {
  const w = i32[a >> 2];
  return compareInternalAt(
    bytes,
    a + ENTRY_HEADER_SIZE + ((w & 63) << 2),
    w >>> 6,
    f64[(a >> 3) + 1],
    bytes,
    i32,
    f64,
    b,
    depth,
  );
}

/** Compares a caller's key with the key of the entry at `off`. */
export function compareKeyToEntry(key: Uint8Array, arena: Arena, off: number): number {
  const i32 = arena.i32;
  return compareKeyToArena(key, arena.bytes, entryKeyOffset(i32, off), i32[off >> 2] >>> 6);
}

/**
 * Internal order of a caller's (key, seq) against the entry at `off`: key ascending, then seq
 * descending. Negative when (key, seq) sorts first.
 */
export function compareInternal(key: Uint8Array, seq: number, arena: Arena, off: number): number {
  return compareInternalAt(key, 0, key.length, seq, arena.bytes, arena.i32, arena.f64, off, 0);
}

/** Whether the entry at `off` holds exactly `key`. */
export function entryHasKey(
  bytes: Uint8Array,
  i32: Int32Array,
  off: number,
  key: Uint8Array,
): boolean {
  const n = key.length;
  if (i32[off >> 2] >>> 6 !== n) return false;
  const k = entryKeyOffset(i32, off);
  for (let i = 0; i < n; i++) if (bytes[k + i] !== key[i]) return false;
  return true;
}

/** Whether the entries at `a` and `b` of one arena hold the same key (see `entryKeysEqual`). */
export function sameEntryKey(arena: Arena, a: number, b: number): boolean {
  return entryKeysEqual(arena, a, arena, b);
}

/**
 * Whether the entry at `a` (in `arenaA`) and the entry at `b` (in `arenaB`, which may be
 * `arenaA`) hold the same key. The lengths first (one header word each), then the key's tail
 * bytes and its Int32 words from the last one back (keys start at 4-byte boundaries): a
 * version skip that meets a different key usually stops at the first word it loads, where a
 * byte loop read the whole key of the next version. Measured in packages/core/bench/reads-ab.mjs.
 */
export function entryKeysEqual(arenaA: Arena, a: number, arenaB: Arena, b: number): boolean {
  const ia = arenaA.i32;
  const ib = arenaB.i32;
  const wa = ia[a >> 2];
  const wb = ib[b >> 2];
  if ((wa ^ wb) >>> 6 !== 0) return false;
  const len = wa >>> 6;
  const ka = a + ENTRY_HEADER_SIZE + ((wa & 63) << 2);
  const kb = b + ENTRY_HEADER_SIZE + ((wb & 63) << 2);
  const words = len >>> 2;
  if ((len & 3) !== 0) {
    const ma = arenaA.bytes;
    const mb = arenaB.bytes;
    for (let i = len - 1; i >= words << 2; i--) if (ma[ka + i] !== mb[kb + i]) return false;
  }
  const xa = ka >> 2;
  const xb = kb >> 2;
  for (let i = words - 1; i >= 0; i--) if (ia[xa + i] !== ib[xb + i]) return false;
  return true;
}

/**
 * Zero-copy view of the key of the entry at `off`. Views are made with the typed-array
 * constructor: measured 1.5-2x faster than `subarray`, which looks up a species constructor.
 */
export function entryKey(arena: Arena, off: number): Uint8Array {
  const i32 = arena.i32;
  return new Uint8Array(arena.buffer, entryKeyOffset(i32, off), i32[off >> 2] >>> 6);
}

/** Zero-copy view of the value of the entry at `off`; undefined for a tombstone. */
export function entryValue(arena: Arena, off: number): Uint8Array | undefined {
  const i32 = arena.i32;
  const valueLength = i32[(off >> 2) + 1];
  if (valueLength === TOMBSTONE) return undefined;
  const valueOff = entryKeyOffset(i32, off) + (i32[off >> 2] >>> 6);
  return new Uint8Array(arena.buffer, valueOff, valueLength);
}

/**
 * The index of the first offset of `run[from, to)` whose entry is at or after the target
 * (`klen` bytes at `keyOff` in `key`, with `seq`) in internal order, or strictly after it with
 * `after`; `to` when there is none. A binary search with `compareInternalAt`.
 * REQUIRES: `run[from, to)` is in internal order.
 */
export function searchEntries(
  bytes: Uint8Array,
  i32: Int32Array,
  f64: Float64Array,
  run: Int32Array,
  from: number,
  to: number,
  key: Uint8Array,
  keyOff: number,
  klen: number,
  seq: number,
  after: boolean,
): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareInternalAt(key, keyOff, klen, seq, bytes, i32, f64, run[mid], 0);
    if (c > 0 || (after && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
