/**
 * The flush workload's one encoder: entries in internal order become LevelDB-style data
 * blocks in memory, as a table builder writes an SST. Every system feeds the same code; only
 * where the bytes come from differs (a memrep cursor's copy-out methods, or a peer's views
 * through `ViewSource`).
 *
 * Block format (LevelDB `table/block_builder.cc`):
 *   entry*      varint32 shared, varint32 nonShared, varint32 valueLength,
 *               key bytes [shared, shared + nonShared), value
 *   restart*    fixed32 LE offset of each restart entry from the block's start
 *   fixed32 LE  number of restarts
 * The key of an entry is the internal key: the user key, then the fixed64 LE trailer
 * `seq << 8 | kind` (kind 1 put, 0 delete, 0x0f a range tombstone, whose value is its end).
 * `shared` is the prefix the key shares with the previous one; every `restartInterval`-th
 * entry is a restart point with `shared` 0. A block is closed once it reaches `blockSize`.
 *
 * Invariants:
 * 1. `add` allocates nothing once the output and scratch buffers have grown to fit (after
 *    one pass, `reset()` keeps them): a timed pass after a warm-up allocates nothing.
 * 2. Decoding every block (`decodeBlock`) gives back every entry added, in order, with its
 *    key, seq, kind and value.
 */

/** Where `add` copies one entry's bytes from: a memrep cursor, or `ViewSource`. */
export interface EntrySource {
  readonly keyLength: number;
  readonly valueLength: number;
  /** Copies the key into `target` at `offset`; returns the bytes written. */
  copyKey(target: Uint8Array, offset?: number): number;
  copyValue(target: Uint8Array, offset?: number): number;
}

export const KIND_DELETE = 0x00;
export const KIND_PUT = 0x01;
export const KIND_RANGE_DELETE = 0x0f;
/** Bytes of the internal key's trailer (seq << 8 | kind). */
export const TRAILER_SIZE = 8;
export const DEFAULT_BLOCK_SIZE = 4096;
export const DEFAULT_RESTART_INTERVAL = 16;

const TWO_24 = 2 ** 24;
const MAX_SEQ = 2 ** 53 - 1;

/** Copies `length` bytes of `source` into `target` at `offset` (a loop for short keys). */
function copyBytes(source: Uint8Array, length: number, target: Uint8Array, offset: number): void {
  if (length <= 32) for (let i = 0; i < length; i++) target[offset + i] = source[i];
  else target.set(length === source.length ? source : source.subarray(0, length), offset);
}

/** An `EntrySource` over a key and a value the caller holds as arrays (peers, fallbacks). */
export class ViewSource implements EntrySource {
  key: Uint8Array = new Uint8Array(0);
  /** Bytes of `key` that are the key (a reused buffer may be longer). */
  keyLength = 0;
  value: Uint8Array = new Uint8Array(0);

  /** Points the source at this entry's key and value (`undefined`: a tombstone). */
  set(key: Uint8Array, value: Uint8Array | undefined, keyLength = key.length): this {
    this.key = key;
    this.keyLength = keyLength;
    this.value = value ?? EMPTY;
    return this;
  }

  get valueLength(): number {
    return this.value.length;
  }

  copyKey(target: Uint8Array, offset = 0): number {
    copyBytes(this.key, this.keyLength, target, offset);
    return this.keyLength;
  }

  copyValue(target: Uint8Array, offset = 0): number {
    const v = this.value;
    copyBytes(v, v.length, target, offset);
    return v.length;
  }
}

const EMPTY = new Uint8Array(0);

export interface BlockEncoderOptions {
  /** A block is closed once its size reaches this (default 4096). */
  readonly blockSize?: number;
  /** Entries between restart points (default 16). */
  readonly restartInterval?: number;
}

export class BlockEncoder {
  readonly blockSize: number;
  readonly restartInterval: number;
  /** Entries added since `reset()`. */
  entries = 0;
  /** Key and value bytes added since `reset()` (user keys, no trailers). */
  bytes = 0;
  /** Closed blocks end to end, then the open one. */
  #out = new Uint8Array(1 << 16);
  #length = 0;
  #blockStart = 0;
  /** Block ends, in `#out`. */
  #blockEnds = new Uint32Array(256);
  #blockCount = 0;
  #restarts = new Uint32Array(64);
  #restartCount = 0;
  /** Entries since the last restart point. */
  #counter = 0;
  /** The internal key being added, and the previous one of this block. */
  #key = new Uint8Array(64);
  #last = new Uint8Array(64);
  #lastLength = 0;

  constructor(options: BlockEncoderOptions = {}) {
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.restartInterval = options.restartInterval ?? DEFAULT_RESTART_INTERVAL;
    if (!Number.isInteger(this.blockSize) || this.blockSize < 1) {
      throw new RangeError(`blockSize must be an integer >= 1; got ${this.blockSize}`);
    }
    if (!Number.isInteger(this.restartInterval) || this.restartInterval < 1) {
      throw new RangeError(`restartInterval must be an integer >= 1; got ${this.restartInterval}`);
    }
    this.reset();
  }

  /** Forgets everything added, keeping the buffers for the next pass. */
  reset(): void {
    this.entries = 0;
    this.bytes = 0;
    this.#length = 0;
    this.#blockCount = 0;
    this.#startBlock();
  }

  /**
   * Appends one entry; entries must come in internal order (key ascending, seq descending).
   * REQUIRES: `seq` an integer in [0, 2^53), `kind` a byte.
   */
  add(source: EntrySource, seq: number, kind: number): void {
    const kl = source.keyLength;
    const vl = source.valueLength;
    const ikl = kl + TRAILER_SIZE;
    if (ikl > this.#key.length) this.#growKeys(ikl);
    let key = this.#key;
    source.copyKey(key, 0);
    writeTrailer(key, kl, seq, kind);
    let shared = 0;
    if (this.#counter < this.restartInterval) {
      const last = this.#last;
      const n = ikl < this.#lastLength ? ikl : this.#lastLength;
      while (shared < n && key[shared] === last[shared]) shared++;
    } else {
      this.#addRestart();
    }
    const nonShared = ikl - shared;
    this.#reserve(15 + nonShared + vl);
    const out = this.#out;
    let at = putVarint(out, this.#length, shared);
    at = putVarint(out, at, nonShared);
    at = putVarint(out, at, vl);
    for (let i = shared; i < ikl; i++) out[at++] = key[i];
    if (vl > 0) at += source.copyValue(out, at);
    this.#length = at;
    // The key just added is the one the next entry shares with.
    key = this.#last;
    this.#last = this.#key;
    this.#key = key;
    this.#lastLength = ikl;
    this.#counter++;
    this.entries++;
    this.bytes += kl + vl;
    if (this.#length - this.#blockStart + 4 * this.#restartCount + 4 >= this.blockSize) {
      this.#closeBlock();
    }
  }

  /** Closes the open block, if it holds anything. */
  finish(): void {
    if (this.#length > this.#blockStart) this.#closeBlock();
  }

  /** Closed blocks. */
  get blockCount(): number {
    return this.#blockCount;
  }

  /** Bytes of the closed blocks. */
  get size(): number {
    return this.#blockCount === 0 ? 0 : this.#blockEnds[this.#blockCount - 1];
  }

  /** Closed block `i`, a view into the output. */
  block(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.#blockCount) {
      throw new RangeError(`block ${i} does not exist; ${this.#blockCount} are closed`);
    }
    const start = i === 0 ? 0 : this.#blockEnds[i - 1];
    return this.#out.subarray(start, this.#blockEnds[i]);
  }

  #startBlock(): void {
    this.#blockStart = this.#length;
    this.#restarts[0] = 0;
    this.#restartCount = 1;
    this.#counter = 0;
    this.#lastLength = 0;
  }

  #addRestart(): void {
    if (this.#restartCount === this.#restarts.length) {
      const grown = new Uint32Array(this.#restarts.length * 2);
      grown.set(this.#restarts);
      this.#restarts = grown;
    }
    this.#restarts[this.#restartCount++] = this.#length - this.#blockStart;
    this.#counter = 0;
  }

  #closeBlock(): void {
    const count = this.#restartCount;
    this.#reserve(4 * count + 4);
    const out = this.#out;
    let at = this.#length;
    for (let i = 0; i < count; i++) at = putFixed32(out, at, this.#restarts[i]);
    at = putFixed32(out, at, count);
    this.#length = at;
    if (this.#blockCount === this.#blockEnds.length) {
      const grown = new Uint32Array(this.#blockEnds.length * 2);
      grown.set(this.#blockEnds);
      this.#blockEnds = grown;
    }
    this.#blockEnds[this.#blockCount++] = at;
    this.#startBlock();
  }

  /** Room for `more` bytes of entry plus the open block's restart trailer. */
  #reserve(more: number): void {
    const need = this.#length + more + 4 * this.#restartCount + 8;
    if (need <= this.#out.length) return;
    let size = this.#out.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#out.subarray(0, this.#length));
    this.#out = grown;
  }

  #growKeys(need: number): void {
    let size = this.#key.length * 2;
    while (size < need) size *= 2;
    const key = new Uint8Array(size);
    const last = new Uint8Array(size);
    last.set(this.#last.subarray(0, this.#lastLength));
    this.#key = key;
    this.#last = last;
  }
}

function putVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

function putFixed32(out: Uint8Array, at: number, n: number): number {
  out[at] = n;
  out[at + 1] = n >>> 8;
  out[at + 2] = n >>> 16;
  out[at + 3] = n >>> 24;
  return at + 4;
}

/** `seq << 8 | kind` as fixed64 LE at `at`, without leaving integer arithmetic. */
function writeTrailer(out: Uint8Array, at: number, seq: number, kind: number): void {
  putFixed32(out, at, (seq % TWO_24) * 256 + kind);
  putFixed32(out, at + 4, Math.floor(seq / TWO_24));
}

/** One entry read back from a block. */
export interface DecodedEntry {
  readonly key: Uint8Array;
  readonly seq: number;
  readonly kind: number;
  readonly value: Uint8Array;
}

/** A block that does not parse: what is wrong and where. */
export class BlockFormatError extends Error {
  override readonly name = 'BlockFormatError';
}

/**
 * Every entry of one block, in order. Checks the format as it goes: the restart array, that
 * each restart point's entry shares nothing, and that no entry runs past the entries' end.
 */
export function decodeBlock(block: Uint8Array): DecodedEntry[] {
  if (block.length < 4)
    throw new BlockFormatError(`a block of ${block.length} bytes has no trailer`);
  const count = readFixed32(block, block.length - 4);
  const end = block.length - 4 - 4 * count;
  if (count < 1 || end < 0) throw new BlockFormatError(`bad restart count ${count}`);
  const restarts = new Set<number>();
  for (let i = 0; i < count; i++) restarts.add(readFixed32(block, end + 4 * i));
  const entries: DecodedEntry[] = [];
  let key = new Uint8Array(0);
  let at = 0;
  const varint = (): number => {
    let n = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      if (at >= end) throw new BlockFormatError(`an entry header at ${at} runs past the entries`);
      const b = block[at++];
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
    throw new BlockFormatError(`a varint at ${at} is longer than 5 bytes`);
  };
  while (at < end) {
    const start = at;
    const shared = varint();
    const nonShared = varint();
    const valueLength = varint();
    if (restarts.has(start) && shared !== 0) {
      throw new BlockFormatError(`the restart entry at ${start} shares ${shared} bytes`);
    }
    if (shared > key.length || at + nonShared + valueLength > end) {
      throw new BlockFormatError(`the entry at ${start} runs past its block`);
    }
    const next = new Uint8Array(shared + nonShared);
    next.set(key.subarray(0, shared));
    next.set(block.subarray(at, at + nonShared), shared);
    at += nonShared;
    key = next;
    if (key.length < TRAILER_SIZE) throw new BlockFormatError(`the key at ${start} has no trailer`);
    const t = key.length - TRAILER_SIZE;
    const low = readFixed32(key, t);
    const high = readFixed32(key, t + 4);
    const seq = high * TWO_24 + Math.floor(low / 256);
    if (seq > MAX_SEQ) throw new BlockFormatError(`the key at ${start} has seq ${seq}`);
    entries.push({
      key: key.slice(0, t),
      seq,
      kind: low & 0xff,
      value: block.slice(at, at + valueLength),
    });
    at += valueLength;
  }
  if (!restarts.has(0) || [...restarts].some((r) => r >= Math.max(end, 1))) {
    throw new BlockFormatError('a restart offset lies outside the entries');
  }
  return entries;
}

function readFixed32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}
