import { compareBytes } from './bytes.js';
import { invalidArgument, MemrepError, MemrepRangeError } from './errors.js';
import { assertBytes, assertSeq } from './validate.js';

/**
 * An atomic group of writes: puts, deletes and range deletes, applied all or none by
 * `TableMut.write(batch, seq?)` with consecutive seqs, and logged as one record by
 * `@memrep/wal`.
 *
 * The batch is its own encoding (LevelDB's `WriteBatch::rep_`), so a log writes it as it is and
 * recovery reads it back without a second format:
 *
 *   0..7    sequence: the seq of the first operation, uint64 little-endian (0 until set)
 *   8..11   count: operations, uint32 little-endian
 *   then    count records, each a tag byte and its fields:
 *           0x01 put          varint32 keyLength, key, varint32 valueLength, value
 *           0x00 delete       varint32 keyLength, key
 *           0x0f range delete varint32 startLength, start, varint32 endLength, end
 *
 * The tags are LevelDB's `kTypeValue`/`kTypeDeletion` and RocksDB's `kTypeRangeDeletion`.
 * Operation i gets seq `sequence + i`.
 *
 * Invariants:
 * 1. Every record in `rep` was checked when it was added (bytes, `start < end`); a failed add
 *    leaves the batch as it was.
 * 2. The batch holds copies: the caller may reuse its buffers after an add returns.
 */
export class WriteBatch {
  #rep: Uint8Array;
  #length = BATCH_HEADER_SIZE;
  #count = 0;
  #byteSize = 0;
  #maxKeyLength = 0;
  #maxValueLength = 0;
  #rangeDeletes = 0;

  constructor() {
    this.#rep = new Uint8Array(256);
  }

  /** Operations held. */
  get count(): number {
    return this.#count;
  }

  /** Key, value and bound bytes held (the encoding's framing not included). */
  get byteSize(): number {
    return this.#byteSize;
  }

  /**
   * The longest key (or range bound) and the longest value held, and how many of the
   * operations are range deletes: what `TableMut.write` checks limits and arena room against
   * without a pass over the records.
   */
  get maxKeyLength(): number {
    return this.#maxKeyLength;
  }

  /** See `maxKeyLength`: the longest value (or range end) held. */
  get maxValueLength(): number {
    return this.#maxValueLength;
  }

  /** See `maxKeyLength`: how many of the operations are range deletes. */
  get rangeDeletes(): number {
    return this.#rangeDeletes;
  }

  /** Queues a put. Throws `MEMREP_INVALID_ARGUMENT` (batch unchanged) unless both are bytes. */
  put(key: Uint8Array, value: Uint8Array): this {
    assertBytes(key, 'key');
    assertBytes(value, 'value');
    const kl = key.length;
    const vl = value.length;
    this.#reserve(1 + 10 + kl + vl);
    const rep = this.#rep;
    let at = this.#length;
    rep[at++] = TAG_PUT;
    at = appendSlice(rep, at, key, kl);
    this.#length = appendSlice(rep, at, value, vl);
    this.#added(kl, vl);
    return this;
  }

  /** Queues a point delete (a tombstone). */
  delete(key: Uint8Array): this {
    assertBytes(key, 'key');
    this.#reserve(1 + 5 + key.length);
    const rep = this.#rep;
    rep[this.#length] = TAG_DELETE;
    this.#length = appendSlice(rep, this.#length + 1, key, key.length);
    this.#added(key.length, 0);
    return this;
  }

  /**
   * Queues a range delete of `[start, end)`. Throws `MEMREP_INVALID_ARGUMENT` (batch unchanged)
   * unless both are bytes and `start` sorts before `end`.
   */
  deleteRange(start: Uint8Array, end: Uint8Array): this {
    assertRangeBounds(start, end);
    this.#reserve(1 + 10 + start.length + end.length);
    const rep = this.#rep;
    rep[this.#length] = TAG_RANGE_DELETE;
    const at = appendSlice(rep, this.#length + 1, start, start.length);
    this.#length = appendSlice(rep, at, end, end.length);
    this.#added(start.length, end.length);
    this.#rangeDeletes++;
    return this;
  }

  /** Empties the batch (its buffer is kept for reuse). */
  clear(): void {
    this.#length = BATCH_HEADER_SIZE;
    this.#count = 0;
    this.#byteSize = 0;
    this.#maxKeyLength = 0;
    this.#maxValueLength = 0;
    this.#rangeDeletes = 0;
    this.#rep.fill(0, 0, BATCH_HEADER_SIZE);
  }

  /**
   * The seq of the first operation, as recorded in the encoding: set by `TableMut.write` and
   * by a log before it writes the record; 0 until then.
   */
  get sequence(): number {
    const rep = this.#rep;
    return readUint32(rep, 0) + readUint32(rep, 4) * 2 ** 32;
  }

  /**
   * Writes `seq` into the header (bytes 0..7, little-endian); the records are not touched.
   * Throws `MEMREP_INVALID_ARGUMENT` unless `seq` is an integer in [0, 2^53), before any change.
   */
  set sequence(seq: number) {
    assertSeq(seq);
    writeUint32(this.#rep, 0, seq >>> 0);
    writeUint32(this.#rep, 4, Math.floor(seq / 2 ** 32));
  }

  /**
   * The encoding (header and records), a view valid until the batch next changes. What a log
   * writes; `WriteBatch.fromRep` reads it back.
   */
  get rep(): Uint8Array {
    writeUint32(this.#rep, 8, this.#count);
    return this.#rep.subarray(0, this.#length);
  }

  /**
   * A batch decoded from `rep` (copied). Throws `MEMREP_CORRUPTION` when the bytes are not a
   * whole, well-formed batch: a short header, a count that disagrees with the records, an
   * unknown tag, a length past the end, a range with `start >= end`.
   */
  static fromRep(rep: Uint8Array): WriteBatch {
    assertBytes(rep, 'rep');
    const reader = new WriteBatchReader(rep);
    const batch = new WriteBatch();
    while (reader.next()) {
      if (reader.tag === TAG_RANGE_DELETE) {
        if (compareBytes(reader.key(), reader.value()) >= 0) {
          throw corruption(`range delete ${reader.index} has start >= end`);
        }
        batch.#rangeDeletes++;
      }
      batch.#added(reader.keyLength, reader.valueLength);
    }
    batch.#reserve(rep.length);
    batch.#rep.set(rep, 0);
    batch.#length = rep.length;
    return batch;
  }

  #added(keyLength: number, valueLength: number): void {
    this.#count++;
    this.#byteSize += keyLength + valueLength;
    if (keyLength > this.#maxKeyLength) this.#maxKeyLength = keyLength;
    if (valueLength > this.#maxValueLength) this.#maxValueLength = valueLength;
  }

  #reserve(more: number): void {
    const need = this.#length + more;
    if (need <= this.#rep.length) return;
    if (need > MAX_BATCH_BYTES) {
      throw new MemrepRangeError(
        `a write batch holds at most ${MAX_BATCH_BYTES} bytes of encoding; this one would need ${need}`,
      );
    }
    let size = this.#rep.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(Math.min(size, MAX_BATCH_BYTES));
    grown.set(this.#rep.subarray(0, this.#length));
    this.#rep = grown;
  }
}

/** Writes `bytes` (`length` of them) at `at` as a varint32 length and the bytes; returns the end. */
function appendSlice(rep: Uint8Array, at: number, bytes: Uint8Array, length: number): number {
  let n = length;
  while (n >= 0x80) {
    rep[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  rep[at++] = n;
  rep.set(bytes, at);
  return at + length;
}

/** Bytes of a batch's header: sequence (8) and count (4). */
export const BATCH_HEADER_SIZE = 12;
/** Most bytes a batch's encoding may take (2^31 - 1). */
export const MAX_BATCH_BYTES = 2 ** 31 - 1;
/** Record tag of a point delete: the tag, then the key as a varint-prefixed slice. */
export const TAG_DELETE = 0x00;
/** Record tag of a put: the tag, then the key and the value, each a varint-prefixed slice. */
export const TAG_PUT = 0x01;
/** Record tag of a range delete: the tag, then start and end (end exclusive) as slices (RocksDB's `kTypeRangeDeletion`). */
export const TAG_RANGE_DELETE = 0x0f;

/**
 * Walks the records of a batch encoding without allocating: `next()` moves to the next record
 * and sets `tag`, `keyOffset`/`keyLength` and `valueOffset`/`valueLength` (a range delete's
 * start and end; 0 and 0 for a delete's value), offsets into `bytes`. It checks the framing as
 * it goes and throws `MEMREP_CORRUPTION` at the first record that does not fit, and at the
 * end if the header's count disagrees.
 */
export class WriteBatchReader {
  /** The encoding walked (header included), as given; read, never copied or changed. */
  readonly bytes: Uint8Array;
  /** The header's operation count. */
  readonly count: number;
  /** The header's sequence (the seq of operation 0). */
  readonly sequence: number;
  /** Index of the current record, -1 before the first `next()`. */
  index = -1;
  /** Tag of the current record: `TAG_PUT`, `TAG_DELETE` or `TAG_RANGE_DELETE`. */
  tag = 0;
  /** Offset in `bytes` of the current record's key (a range delete's start). */
  keyOffset = 0;
  /** Length of the current record's key. */
  keyLength = 0;
  /** Offset in `bytes` of the current record's value (a range delete's end; just past the key for a delete). */
  valueOffset = 0;
  /** Length of the current record's value; 0 for a delete. */
  valueLength = 0;
  #at = BATCH_HEADER_SIZE;
  /** `bytes.buffer` and `bytes.byteOffset`, read once: each getter costs a call per view. */
  readonly #buffer: ArrayBufferLike;
  readonly #base: number;

  constructor(bytes: Uint8Array) {
    if (bytes.length < BATCH_HEADER_SIZE) {
      throw corruption(
        `a batch needs a ${BATCH_HEADER_SIZE}-byte header; got ${bytes.length} bytes`,
      );
    }
    this.bytes = bytes;
    this.#buffer = bytes.buffer;
    this.#base = bytes.byteOffset;
    this.count = readUint32(bytes, 8);
    this.sequence = readUint32(bytes, 0) + readUint32(bytes, 4) * 2 ** 32;
    if (this.sequence >= 2 ** 53)
      throw corruption(`the batch's sequence ${this.sequence} is past 2^53`);
  }

  /** Moves to the next record; false once past the last (the header's count checked). */
  next(): boolean {
    const bytes = this.bytes;
    const at = this.#at;
    if (at >= bytes.length) {
      if (this.index + 1 !== this.count) {
        throw corruption(
          `the header counts ${this.count} records; the batch holds ${this.index + 1}`,
        );
      }
      this.index = this.count;
      return false;
    }
    const index = ++this.index;
    if (index >= this.count) {
      throw corruption(`the header counts ${this.count} records; the batch holds more`);
    }
    const tag = bytes[at];
    if (tag !== TAG_PUT && tag !== TAG_DELETE && tag !== TAG_RANGE_DELETE) {
      throw corruption(`record ${index} has unknown tag 0x${tag.toString(16)}`);
    }
    this.tag = tag;
    this.#at = at + 1;
    const kl = this.#length();
    this.keyLength = kl;
    this.keyOffset = this.#at;
    this.#at += kl;
    if (tag === TAG_DELETE) {
      this.valueOffset = this.#at;
      this.valueLength = 0;
      return true;
    }
    const vl = this.#length();
    this.valueLength = vl;
    this.valueOffset = this.#at;
    this.#at += vl;
    return true;
  }

  /** A slice's length at `#at`, moving past it: a one-byte length inline, the rest `#slice`. */
  #length(): number {
    const bytes = this.bytes;
    const at = this.#at;
    const n = at < bytes.length ? bytes[at] : 0x80;
    if (n < 0x80 && n < bytes.length - at) {
      this.#at = at + 1;
      return n;
    }
    return this.#slice();
  }

  /** A view of the current record's key (or range start). */
  key(): Uint8Array {
    return new Uint8Array(this.#buffer, this.#base + this.keyOffset, this.keyLength);
  }

  /** A view of the current record's value (or range end); empty for a delete. */
  value(): Uint8Array {
    return new Uint8Array(this.#buffer, this.#base + this.valueOffset, this.valueLength);
  }

  /** Reads a varint32 length at `#at` and checks that many bytes follow it. */
  #slice(): number {
    const bytes = this.bytes;
    let n = 0;
    let shift = 0;
    for (;;) {
      if (this.#at >= bytes.length) throw corruption(`record ${this.index} is cut short`);
      const b = bytes[this.#at++];
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
      if (shift > 28) throw corruption(`record ${this.index} has a length longer than 5 bytes`);
    }
    if (n > bytes.length - this.#at) throw corruption(`record ${this.index} runs past the batch`);
    return n;
  }
}

/** Throws `MEMREP_INVALID_ARGUMENT` unless both are bytes and `start` sorts before `end`. */
export function assertRangeBounds(start: unknown, end: unknown): void {
  assertBytes(start, 'start');
  assertBytes(end, 'end');
  if (compareBytes(start, end) >= 0) {
    throw invalidArgument(
      `a range delete needs start < end (bytewise); got start of ${start.length} bytes ` +
        `not below end of ${end.length} bytes`,
    );
  }
}

function corruption(message: string): MemrepError {
  return new MemrepError('MEMREP_CORRUPTION', `corrupt write batch: ${message}`);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

function writeUint32(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = v & 0xff;
  bytes[at + 1] = (v >>> 8) & 0xff;
  bytes[at + 2] = (v >>> 16) & 0xff;
  bytes[at + 3] = (v >>> 24) & 0xff;
}
