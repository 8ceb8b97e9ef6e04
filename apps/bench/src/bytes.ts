/**
 * Byte helpers for the peers. `compareBytes` is the comparator every sorted peer gets: a plain
 * byte loop measured fastest for short keys (`Buffer.compare` pays a native call per compare,
 * and checking the first byte ahead of the loop bought nothing). It is the same loop
 * memory-level ships and our backends use, so no peer is handicapped by its comparator.
 */

/** Bytewise unsigned order: negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const al = a.length;
  const bl = b.length;
  const n = al < bl ? al : bl;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return al - bl;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function hasPrefix(key: Uint8Array, prefix: Uint8Array): boolean {
  const n = prefix.length;
  if (key.length < n) return false;
  for (let i = 0; i < n; i++) if (key[i] !== prefix[i]) return false;
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
