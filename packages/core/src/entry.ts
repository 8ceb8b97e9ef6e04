import type { Arena } from './arena.js';
import { compareKeyToArena } from './bytes.js';

/**
 * The entry record every backend writes into the arena, one allocation per entry:
 *
 *   word 0   keyLength << 6 | auxWords   (auxWords: 4-byte words of backend data after the header)
 *   word 1   valueLength, or TOMBSTONE for a delete
 *   8..15    seq, a float64 holding an integer in [0, 2^53)
 *   16..     auxWords * 4 bytes for the backend (a skip list keeps its tower here)
 *   then     key bytes, then value bytes
 *
 * Invariants:
 * 1. A record is fully written before its offset is published; after that it never changes,
 *    except aux words the backend owns (tower links).
 * 2. The key starts at a 4-byte boundary: offset + 16 + 4 * auxWords.
 */
export const ENTRY_HEADER_SIZE = 16;
export const TOMBSTONE = -1;
export const MAX_AUX_WORDS = 63;
/** The most a header can record: 2^26 - 1 bytes (64 MiB). */
export const MAX_KEY_LENGTH = 2 ** 26 - 1;
/** The most a header can record: 2^31 - 1 bytes. */
export const MAX_VALUE_LENGTH = 2 ** 31 - 1;
/** Exclusive upper bound of sequence numbers. */
export const SEQ_LIMIT = 2 ** 53;

/** Bytes an entry takes in the arena before alignment. */
export function entrySize(auxWords: number, keyLength: number, valueLength: number): number {
  return ENTRY_HEADER_SIZE + auxWords * 4 + keyLength + valueLength;
}

/**
 * Allocates and fills an entry record; aux words are left zero for the caller.
 * `value` undefined writes a tombstone. May throw `MEMREP_ARENA_FULL`, having changed nothing.
 */
export function writeEntry(
  arena: Arena,
  auxWords: number,
  key: Uint8Array,
  value: Uint8Array | undefined,
  seq: number,
): number {
  const keyLength = key.length;
  const valueLength = value === undefined ? 0 : value.length;
  const off = arena.allocate(entrySize(auxWords, keyLength, valueLength));
  const i32 = arena.i32;
  const w = off >> 2;
  i32[w] = (keyLength << 6) | auxWords;
  i32[w + 1] = value === undefined ? TOMBSTONE : valueLength;
  arena.f64[(off >> 3) + 1] = seq;
  const keyOff = off + ENTRY_HEADER_SIZE + (auxWords << 2);
  const bytes = arena.bytes;
  if (keyLength <= 32) for (let i = 0; i < keyLength; i++) bytes[keyOff + i] = key[i];
  else bytes.set(key, keyOff);
  if (value !== undefined) {
    const valueOff = keyOff + keyLength;
    if (valueLength <= 32) for (let i = 0; i < valueLength; i++) bytes[valueOff + i] = value[i];
    else bytes.set(value, valueOff);
  }
  return off;
}

export function entryKeyOffset(i32: Int32Array, off: number): number {
  return off + ENTRY_HEADER_SIZE + ((i32[off >> 2] & 63) << 2);
}

export function entryKeyLength(i32: Int32Array, off: number): number {
  return i32[off >> 2] >>> 6;
}

export function entryAuxWords(i32: Int32Array, off: number): number {
  return i32[off >> 2] & 63;
}

/** The value length, or TOMBSTONE (-1). */
export function entryValueLength(i32: Int32Array, off: number): number {
  return i32[(off >> 2) + 1];
}

export function entryIsTombstone(i32: Int32Array, off: number): boolean {
  return i32[(off >> 2) + 1] === TOMBSTONE;
}

export function entrySeq(f64: Float64Array, off: number): number {
  return f64[(off >> 3) + 1];
}

/** Compares a caller's key with the key of the entry at `off`. */
export function compareKeyToEntry(key: Uint8Array, arena: Arena, off: number): number {
  const i32 = arena.i32;
  const w = i32[off >> 2];
  return compareKeyToArena(key, arena.bytes, off + ENTRY_HEADER_SIZE + ((w & 63) << 2), w >>> 6);
}

/**
 * Internal order of a caller's (key, seq) against the entry at `off`: key ascending, then seq
 * descending. Negative when (key, seq) sorts first.
 */
export function compareInternal(key: Uint8Array, seq: number, arena: Arena, off: number): number {
  const c = compareKeyToEntry(key, arena, off);
  if (c !== 0) return c;
  const s = arena.f64[(off >> 3) + 1];
  return s < seq ? -1 : s > seq ? 1 : 0;
}

/** Whether the entries at `a` and `b` hold the same key. */
export function sameEntryKey(arena: Arena, a: number, b: number): boolean {
  const i32 = arena.i32;
  const wa = i32[a >> 2];
  const wb = i32[b >> 2];
  const len = wa >>> 6;
  if (len !== wb >>> 6) return false;
  const mem = arena.bytes;
  const ka = a + ENTRY_HEADER_SIZE + ((wa & 63) << 2);
  const kb = b + ENTRY_HEADER_SIZE + ((wb & 63) << 2);
  for (let i = len - 1; i >= 0; i--) if (mem[ka + i] !== mem[kb + i]) return false;
  return true;
}

/**
 * Zero-copy view of the key of the entry at `off`. Views are made with the typed-array
 * constructor: measured 1.5-2x faster than `subarray`, which looks up a species constructor.
 */
export function entryKey(arena: Arena, off: number): Uint8Array {
  const w = arena.i32[off >> 2];
  return new Uint8Array(arena.buffer, off + ENTRY_HEADER_SIZE + ((w & 63) << 2), w >>> 6);
}

/** Zero-copy view of the value of the entry at `off`; undefined for a tombstone. */
export function entryValue(arena: Arena, off: number): Uint8Array | undefined {
  const i32 = arena.i32;
  const w = i32[off >> 2];
  const valueLength = i32[(off >> 2) + 1];
  if (valueLength === TOMBSTONE) return undefined;
  const valueOff = off + ENTRY_HEADER_SIZE + ((w & 63) << 2) + (w >>> 6);
  return new Uint8Array(arena.buffer, valueOff, valueLength);
}
