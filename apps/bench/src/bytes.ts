/**
 * Byte helpers for the peers. `compareBytes` is the comparator every sorted peer gets: core's
 * plain byte loop, measured fastest for short keys (`Buffer.compare` pays a native call per
 * compare, and checking the first byte ahead of the loop bought nothing). It is the loop
 * memory-level ships and our backends use, so no peer is handicapped by its comparator.
 */
export { compareBytes, hasPrefix } from '@memrep/core';

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
const nativeLatin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice })
  .latin1Slice;

/**
 * The key as a one-byte string, one char per byte: how a `Map` can be keyed by bytes. Node's
 * `latin1Slice` reads any `Uint8Array` without wrapping it in a Buffer (2x faster than
 * `Buffer.from(...).toString('latin1')`, 4x faster than a `TextDecoder`).
 */
export const latin1: (key: Uint8Array) => string =
  typeof nativeLatin1Slice === 'function'
    ? (key) => nativeLatin1Slice.call(key, 0, key.length)
    : (key) => Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
