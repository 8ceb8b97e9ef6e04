/**
 * Bytewise, unsigned key order: a key sorts before its own extensions, the empty key first.
 * Every compare here reads bytes where they lie (a caller's array or the arena) and allocates
 * nothing.
 */

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
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

/** Compares a caller's key with `len` bytes at `off` in `mem`. */
export function compareKeyToArena(
  key: Uint8Array,
  mem: Uint8Array,
  off: number,
  len: number,
): number {
  const kl = key.length;
  const n = kl < len ? kl : len;
  for (let i = 0; i < n; i++) {
    const d = key[i] - mem[off + i];
    if (d !== 0) return d;
  }
  return kl - len;
}

/** Compares two byte strings that both lie in `mem`. */
export function compareArena(
  mem: Uint8Array,
  aOff: number,
  aLen: number,
  bOff: number,
  bLen: number,
): number {
  const n = aLen < bLen ? aLen : bLen;
  for (let i = 0; i < n; i++) {
    const d = mem[aOff + i] - mem[bOff + i];
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

/**
 * The key's first four bytes as a big-endian integer with the sign bit flipped, so that a
 * signed compare of two prefixes orders like an unsigned compare of the bytes. Shorter keys are
 * padded with zeros: equal prefixes mean "compare the bytes", never "equal keys".
 */
export function keyPrefix32(key: Uint8Array): number {
  return arenaPrefix32(key, 0, key.length);
}

/** `keyPrefix32` of `len` bytes at `off` in `mem` (a caller's key or the arena). */
export function arenaPrefix32(mem: Uint8Array, off: number, len: number): number {
  if (len >= 4) {
    return (
      ((mem[off] << 24) | (mem[off + 1] << 16) | (mem[off + 2] << 8) | mem[off + 3]) ^ 0x80000000
    );
  }
  let p = 0;
  for (let i = 0; i < 4; i++) p = (p << 8) | (i < len ? mem[off + i] : 0);
  return p ^ 0x80000000;
}

/**
 * The `length` bytes at `offset` in `bytes`: `bytes` itself when that is all of it (a single
 * write's whole key: no view made), else a view (`subarray`). For a backend whose insert needs
 * a key of its own from `TableBase.insertEntry`'s (bytes, offset, length).
 */
export function bytesAt(bytes: Uint8Array, offset: number, length: number): Uint8Array {
  return offset === 0 && length === bytes.length ? bytes : bytes.subarray(offset, offset + length);
}

/** Whether `key` starts with `prefix`. */
export function hasPrefix(key: Uint8Array, prefix: Uint8Array): boolean {
  const n = prefix.length;
  if (key.length < n) return false;
  for (let i = 0; i < n; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/**
 * The least key greater than every key that starts with `prefix` (the exclusive upper bound of
 * a prefix scan), or undefined when there is none (the prefix is empty or all 0xff).
 */
export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  // A copy, never `slice`: on a Buffer that is a view, and the increment would edit the caller's prefix.
  const upper = new Uint8Array(prefix.subarray(0, end));
  upper[end - 1]++;
  return upper;
}

/** Whether an Int32Array word holds its bytes little-endian here (`copyFromWords` needs it). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Copies `length` bytes at `offset` in `source` into a region at byte `at`, through `mem` and
 * `words` (the region's Uint8Array and Int32Array views): bytes up to a word boundary of the
 * region, then whole words (four source loads, one store), then the tail; past 64 bytes,
 * `mem.set` (a memcpy, through a subarray when `source` is not copied whole). Measured in one
 * process against a byte loop (packages/core/bench/copy-in.mjs, loaded machine): 16 and 32
 * bytes 1.5-1.7x faster; past 64 bytes the word loop lost to `mem.set` on an unaligned target.
 *
 * REQUIRES: `[offset, offset + length)` inside `source`, `[at, at + length)` inside the region.
 */
export function copyToWords(
  mem: Uint8Array,
  words: Int32Array,
  at: number,
  source: Uint8Array,
  offset: number,
  length: number,
): void {
  if (length > 64) {
    mem.set(bytesAt(source, offset, length), at);
    return;
  }
  let i = 0;
  if (LITTLE_ENDIAN && length >= 8) {
    for (; ((at + i) & 3) !== 0; i++) mem[at + i] = source[offset + i];
    let w = (at + i) >> 2;
    let o = offset + i;
    for (const end = length - 4; i <= end; i += 4, o += 4) {
      words[w++] = source[o] | (source[o + 1] << 8) | (source[o + 2] << 16) | (source[o + 3] << 24);
    }
  }
  for (; i < length; i++) mem[at + i] = source[offset + i];
}

/**
 * Copies `length` bytes at byte `at` of a region to `target` at `offset`, reading the region
 * through `mem` and `words` (its Uint8Array and Int32Array views), four bytes a load; with
 * `view` (a DataView over exactly `target`), four bytes a store too. Measured against a byte
 * loop in one process (packages/core/bench/copy-out.mjs, loaded machine): 100 bytes 2.0-2.5x
 * faster with `view`, 1.4x without; 16 bytes 1.6x and 1.2x. `target.set` of a view over the
 * region is 1.0-1.4x for 100 bytes (a SharedArrayBuffer source is copied with relaxed
 * atomics), 0.4x for 16, and allocates the view.
 * An unaligned `at` reads aligned words and shifts (never a word past the region's last byte's).
 *
 * REQUIRES: `[at, at + length)` inside the region and `[offset, offset + length)` inside
 * `target`; checked by the caller.
 */
export function copyFromWords(
  mem: Uint8Array,
  words: Int32Array,
  at: number,
  length: number,
  target: Uint8Array,
  offset: number,
  view: DataView | null,
): void {
  let j = 0;
  if (LITTLE_ENDIAN && length >= 4) {
    const end = length - 4;
    const s = (at & 3) << 3;
    let w = at >> 2;
    if (s === 0 && view !== null) {
      for (; j <= end; j += 4) view.setInt32(offset + j, words[w++], true);
    } else if (view !== null) {
      let lo = words[w];
      for (; j <= end; j += 4) {
        const hi = words[++w];
        view.setInt32(offset + j, (lo >>> s) | (hi << (32 - s)), true);
        lo = hi;
      }
    } else {
      for (; j <= end; j += 4) {
        let word = words[w];
        if (s !== 0) word = (word >>> s) | (words[w + 1] << (32 - s));
        w++;
        const o = offset + j;
        target[o] = word;
        target[o + 1] = word >> 8;
        target[o + 2] = word >> 16;
        target[o + 3] = word >> 24;
      }
    }
  }
  for (; j < length; j++) target[offset + j] = mem[at + j];
}
