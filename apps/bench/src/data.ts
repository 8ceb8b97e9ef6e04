/**
 * The benchmark's data, made up front and outside every timed part, from a seeded PRNG, so
 * that every system (each in its own process) gets the same keys in the same order.
 *
 * Keys live in one big `Uint8Array` (`keySize` bytes each); the timed loops copy a key into a
 * scratch buffer that they reuse, the way a caller reuses its buffers, so every system must
 * keep its own copy. Values come from a pool of `VALUE_POOL` distinct values: key `i` gets
 * `values[(i + shift) & VALUE_MASK]`, which lets a read be checked against what was written.
 */
import { latin1 } from './bytes.js';

export const VALUE_POOL = 1024;
export const VALUE_MASK = VALUE_POOL - 1;
/** Length of the shared key prefix in the prefixscan workload. */
export const PREFIX_LENGTH = 4;
/** Steps taken after each seek in seekrandom. */
export const SEEK_STEPS = 10;
/** The byte appended to a present key to make an absent one (as db_bench's readmissing). */
export const MISSING_SUFFIX = 0x2e;

/** Independent PRNG streams, so that each array is the same whichever others are made. */
const STREAM_KEYS = 1;
const STREAM_VALUES = 2;
const STREAM_READ = 3;
const STREAM_OVERWRITE = 4;
const STREAM_SEEK = 5;
const STREAM_PREFIX = 6;
const STREAM_EXTRA = 7;

/** xoshiro128**: fast, small state, good enough statistics for benchmark data. */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number, stream = 0) {
    // splitmix32 expands (seed, stream) into the four state words, never all zero.
    let s = (Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next() | 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** A uniform integer in [0, n), n <= 2^32. */
  below(n: number): number {
    return Math.floor((this.nextU32() / 4294967296) * n);
  }

  fill(bytes: Uint8Array): void {
    const n = bytes.length;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const r = this.nextU32();
      bytes[i] = r;
      bytes[i + 1] = r >>> 8;
      bytes[i + 2] = r >>> 16;
      bytes[i + 3] = r >>> 24;
    }
    if (i < n) {
      let r = this.nextU32();
      for (; i < n; i++, r >>>= 8) bytes[i] = r;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** 0..n-1 in a random order (Fisher-Yates). */
export function permutation(n: number, prng: Prng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Bytewise unsigned compare of two `len`-byte keys in `mem`. */
function compareAt(mem: Uint8Array, a: number, b: number, len: number): number {
  for (let i = 0; i < len; i++) {
    const d = mem[a + i] - mem[b + i];
    if (d !== 0) return d;
  }
  return 0;
}

/** The keys of the prefixscan workload and the prefixes it scans. */
export interface PrefixData {
  /** `num` keys of `keySize` bytes, each starting with one of `prefixes`. */
  readonly keys: Uint8Array;
  /** One view per prefix, `PREFIX_LENGTH` bytes each. */
  readonly prefixes: Uint8Array[];
  /** The exclusive upper bound of each prefix's range, or undefined for an all-0xff prefix. */
  readonly uppers: (Uint8Array | undefined)[];
  /** How many keys carry each prefix (to check the scans). */
  readonly counts: Uint32Array;
  /** The order in which the prefixes are scanned. */
  readonly scanOrder: Uint32Array;
}

export class Dataset {
  readonly num: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly seed: number;
  #keys: Uint8Array | undefined;
  #values: Uint8Array[] | undefined;
  #sortedOrder: Uint32Array | undefined;
  #readOrder: Uint32Array | undefined;
  #overwriteOrder: Uint32Array | undefined;
  #seekOrder: Uint32Array | undefined;
  #prefix: PrefixData | undefined;
  #extraKeys: Uint8Array | undefined;

  constructor(num: number, keySize: number, valueSize: number, seed: number) {
    if (!Number.isInteger(num) || num < 1) throw new RangeError(`num must be >= 1; got ${num}`);
    if (!Number.isInteger(keySize) || keySize < 1) {
      throw new RangeError(`key size must be >= 1; got ${keySize}`);
    }
    if (keySize < 8 && 256 ** keySize < num * 2) {
      throw new RangeError(`${num} distinct keys of ${keySize} bytes would be too dense`);
    }
    this.num = num;
    this.keySize = keySize;
    this.valueSize = valueSize;
    this.seed = seed;
  }

  /** `num` distinct random keys; their index order is the fillrandom order. */
  get keys(): Uint8Array {
    if (this.#keys === undefined) {
      const keys = new Uint8Array(this.num * this.keySize);
      const prng = new Prng(this.seed, STREAM_KEYS);
      prng.fill(keys);
      // Above 8 bytes a collision among random keys is too rare to matter (< 2^-24 at 10^7).
      if (this.keySize <= 8) makeDistinct(keys, this.keySize, prng);
      this.#keys = keys;
    }
    return this.#keys;
  }

  /** `VALUE_POOL` views of `valueSize` random bytes. */
  get values(): Uint8Array[] {
    if (this.#values === undefined) {
      const pool = new Uint8Array(VALUE_POOL * this.valueSize);
      new Prng(this.seed, STREAM_VALUES).fill(pool);
      const views: Uint8Array[] = [];
      for (let i = 0; i < VALUE_POOL; i++) {
        views.push(pool.subarray(i * this.valueSize, (i + 1) * this.valueSize));
      }
      this.#values = views;
    }
    return this.#values;
  }

  /** Key indices in ascending key order (fillseq). */
  get sortedOrder(): Uint32Array {
    if (this.#sortedOrder === undefined) {
      const keys = this.keys;
      const ks = this.keySize;
      const order = new Uint32Array(this.num);
      for (let i = 0; i < order.length; i++) order[i] = i;
      order.sort((a, b) => compareAt(keys, a * ks, b * ks, ks));
      this.#sortedOrder = order;
    }
    return this.#sortedOrder;
  }

  /** A permutation of the keys: readrandom, readmissing and the readers of readwhilewriting. */
  get readOrder(): Uint32Array {
    this.#readOrder ??= permutation(this.num, new Prng(this.seed, STREAM_READ));
    return this.#readOrder;
  }

  /** Another permutation: the order of overwrite. */
  get overwriteOrder(): Uint32Array {
    this.#overwriteOrder ??= permutation(this.num, new Prng(this.seed, STREAM_OVERWRITE));
    return this.#overwriteOrder;
  }

  /** `max(1, num / 10)` random key indices to seek to. */
  get seekOrder(): Uint32Array {
    if (this.#seekOrder === undefined) {
      const prng = new Prng(this.seed, STREAM_SEEK);
      const order = new Uint32Array(Math.max(1, Math.floor(this.num / 10)));
      for (let i = 0; i < order.length; i++) order[i] = prng.below(this.num);
      this.#seekOrder = order;
    }
    return this.#seekOrder;
  }

  /**
   * `max(1, num / 10)` more random keys, of another stream, that fillrandom does not write:
   * the puts of interleaved (at 8 bytes or less one may clash with a filled key: an overwrite).
   */
  get extraKeys(): Uint8Array {
    if (this.#extraKeys === undefined) {
      const keys = new Uint8Array(Math.max(1, Math.floor(this.num / 10)) * this.keySize);
      new Prng(this.seed, STREAM_EXTRA).fill(keys);
      this.#extraKeys = keys;
    }
    return this.#extraKeys;
  }

  /** Keys sharing `PREFIX_LENGTH`-byte prefixes from a pool of `max(1, num / 100)`. */
  get prefix(): PrefixData {
    if (this.#prefix === undefined) this.#prefix = this.#makePrefixData();
    return this.#prefix;
  }

  /** The value written for key `index` by a fill (`shift` 0) or an overwrite (`shift` 1). */
  valueFor(index: number, shift: number): Uint8Array {
    return this.values[(index + shift) & VALUE_MASK];
  }

  #makePrefixData(): PrefixData {
    const ks = this.keySize;
    if (ks <= PREFIX_LENGTH) {
      throw new RangeError(`prefixscan needs keys longer than ${PREFIX_LENGTH} bytes; got ${ks}`);
    }
    const prng = new Prng(this.seed, STREAM_PREFIX);
    const poolSize = Math.max(1, Math.floor(this.num / 100));
    const seen = new Set<number>();
    const pool = new Uint8Array(poolSize * PREFIX_LENGTH);
    for (let i = 0; i < poolSize; ) {
      const r = prng.nextU32();
      if (seen.has(r)) continue;
      seen.add(r);
      pool[i * 4] = r >>> 24;
      pool[i * 4 + 1] = r >>> 16;
      pool[i * 4 + 2] = r >>> 8;
      pool[i * 4 + 3] = r;
      i++;
    }
    const keys = new Uint8Array(this.num * ks);
    prng.fill(keys);
    const counts = new Uint32Array(poolSize);
    for (let i = 0; i < this.num; i++) {
      const p = prng.below(poolSize);
      counts[p]++;
      keys.set(pool.subarray(p * 4, p * 4 + 4), i * ks);
    }
    if (ks - PREFIX_LENGTH <= 8) makeDistinct(keys, ks, prng, PREFIX_LENGTH);
    const prefixes: Uint8Array[] = [];
    const uppers: (Uint8Array | undefined)[] = [];
    for (let i = 0; i < poolSize; i++) {
      const prefix = pool.subarray(i * 4, i * 4 + 4);
      prefixes.push(prefix);
      uppers.push(prefixSuccessor(prefix));
    }
    return { keys, prefixes, uppers, counts, scanOrder: permutation(poolSize, prng) };
  }
}

/** The least key above every key that starts with `prefix`; undefined if there is none. */
export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const upper = prefix.slice(0, end);
  upper[end - 1]++;
  return upper;
}

/** Redraws the bytes after `keep` of any key already seen, until all keys are distinct. */
function makeDistinct(keys: Uint8Array, ks: number, prng: Prng, keep = 0): void {
  const seen = new Set<string>();
  const n = keys.length / ks;
  for (let i = 0; i < n; i++) {
    const key = keys.subarray(i * ks, (i + 1) * ks);
    let s = latin1(key);
    while (seen.has(s)) {
      prng.fill(key.subarray(keep));
      s = latin1(key);
    }
    seen.add(s);
  }
}
