/**
 * A sparse prefix index over a sorted run, so that a point read touches the arena a few times
 * instead of log2(n) times. Every FENCE_STRIDE-th entry of the run contributes 4 key bytes
 * (taken after the prefix every key of the run shares, zero-padded past a key's end, as a
 * signed int with the sign bit flipped so that int order is unsigned byte order). A lookup
 * binary-searches that small array, which stays in cache, and then the one stride of the run
 * it narrowed to. Cost: 4 / FENCE_STRIDE bytes per entry.
 *
 * Why equal fence words only narrow, never decide: zero padding makes a key and its
 * extensions share a word, so a strict word order implies key order and nothing else.
 */
import { arenaPrefix32, entryKeyLength, entryKeyOffset } from '@memrep/core/backend';

export const FENCE_SHIFT = 4;
export const FENCE_STRIDE = 1 << FENCE_SHIFT;

/** Words a fence over `n` entries holds. */
export function fenceLength(n: number): number {
  return (n + FENCE_STRIDE - 1) >>> FENCE_SHIFT;
}

/** How many leading key bytes every entry of a sorted, non-empty run shares. */
export function sharedPrefixLength(bytes: Uint8Array, i32: Int32Array, run: Int32Array): number {
  const first = run[0];
  const last = run[run.length - 1];
  const lf = entryKeyLength(i32, first);
  const ll = entryKeyLength(i32, last);
  const kf = entryKeyOffset(i32, first);
  const kl = entryKeyOffset(i32, last);
  const n = lf < ll ? lf : ll;
  let i = 0;
  while (i < n && bytes[kf + i] === bytes[kl + i]) i++;
  return i;
}

/** The fence word of `len` key bytes at `k` in `mem`, from byte `depth` on: core's prefix32. */
function word(mem: Uint8Array, k: number, len: number, depth: number): number {
  return arenaPrefix32(mem, k + depth, len - depth);
}

/** Fills `fence` (fenceLength(run.length) words) for `run`, whose keys share `depth` bytes. */
export function fillFence(
  bytes: Uint8Array,
  i32: Int32Array,
  run: Int32Array,
  depth: number,
  fence: Int32Array,
): void {
  const m = fence.length;
  for (let j = 0; j < m; j++) {
    const off = run[j << FENCE_SHIFT];
    fence[j] = word(bytes, entryKeyOffset(i32, off), entryKeyLength(i32, off), depth);
  }
}

/** Set by `narrow`: the part of the run [lo, hi] that a bound of the key must lie in. */
export let narrowLo = 0;
export let narrowHi = 0;

/**
 * Narrows where any entry with the key of `kl` bytes at `k` in `src` (a caller's key, or a key
 * in the arena) sorts in `run` (see the module comment), into `narrowLo`/`narrowHi`: the
 * key's lower and upper bounds both lie in [narrowLo, narrowHi].
 * REQUIRES: `run` is non-empty, `fence` and `depth` were built for it.
 */
export function narrow(
  bytes: Uint8Array,
  i32: Int32Array,
  run: Int32Array,
  fence: Int32Array,
  depth: number,
  src: Uint8Array,
  k: number,
  kl: number,
): void {
  const n = run.length;
  if (depth > 0) {
    const shared = entryKeyOffset(i32, run[0]);
    const m = kl < depth ? kl : depth;
    for (let i = 0; i < m; i++) {
      const d = src[k + i] - bytes[shared + i];
      if (d !== 0) {
        narrowLo = narrowHi = d < 0 ? 0 : n;
        return;
      }
    }
    if (kl < depth) {
      // A proper prefix of every key in the run sorts before all of them.
      narrowLo = narrowHi = 0;
      return;
    }
  }
  const p = word(src, k, kl, depth);
  const m = fence.length;
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fence[mid] < p) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  if (lo < m && fence[lo] === p) {
    hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fence[mid] <= p) lo = mid + 1;
      else hi = mid;
    }
  }
  narrowLo = below === 0 ? 0 : ((below - 1) << FENCE_SHIFT) + 1;
  const above = lo << FENCE_SHIFT;
  narrowHi = above < n ? above : n;
}
