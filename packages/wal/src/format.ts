import { crc32cExtend, maskCrc, unmaskCrc } from './crc32c.js';

/**
 * The log format: LevelDB's (`doc/log_format.md`), byte for byte. The README writes it down.
 *
 * A log is a sequence of 32 KiB blocks (the last may be partial). A record is one or more
 * fragments; a fragment never crosses a block boundary:
 *
 *   0..3   masked CRC32C of the type byte and the payload, uint32 little-endian
 *   4..5   payload length, uint16 little-endian
 *   6      type: FULL 1, FIRST 2, MIDDLE 3, LAST 4
 *   7..    payload
 *
 * Fewer than 7 bytes left in a block are a trailer of zeros, skipped by the reader. With
 * exactly 7 left, a non-empty record starts with an empty FIRST fragment there. A writer that
 * preallocates extends the file with zeros to a block boundary; a header of zeros with only
 * zeros after it to such an end is the end of the log.
 */
export const BLOCK_SIZE = 32768;
/** Bytes of a fragment header (checksum, length, type) before its payload. */
export const HEADER_SIZE = 7;
/** Fragment type of preallocated or zero-filled space; a reader skips it and writes none. */
export const TYPE_ZERO = 0;
/** Fragment type of a record held whole in one fragment. */
export const TYPE_FULL = 1;
/** Fragment type of the first fragment of a record that spans blocks. */
export const TYPE_FIRST = 2;
/** Fragment type of an inner fragment of a record that spans three or more blocks. */
export const TYPE_MIDDLE = 3;
/** Fragment type of the fragment that ends a record begun by a FIRST. */
export const TYPE_LAST = 4;

/** Bytes `encodeRecord` writes for a payload of `length` bytes starting at `blockOffset`. */
export function framedSize(length: number, blockOffset: number): number {
  let size = 0;
  let offset = blockOffset;
  if (BLOCK_SIZE - offset < HEADER_SIZE) {
    size = BLOCK_SIZE - offset;
    offset = 0;
  }
  const room = BLOCK_SIZE - offset - HEADER_SIZE;
  if (length <= room) return size + HEADER_SIZE + length;
  const left = length - room;
  const blocks = Math.ceil(left / (BLOCK_SIZE - HEADER_SIZE));
  return (
    size +
    (BLOCK_SIZE - offset) +
    (blocks - 1) * BLOCK_SIZE +
    HEADER_SIZE +
    left -
    (blocks - 1) * (BLOCK_SIZE - HEADER_SIZE)
  );
}

/**
 * Frames `payload` as one record into `out` at `at`, the log's position being `blockOffset`
 * bytes into its current block (`out` must hold `framedSize(payload.length, blockOffset)`
 * bytes from `at`). Returns the index in `out` just past the record.
 */
export function encodeRecord(
  payload: Uint8Array,
  blockOffset: number,
  out: Uint8Array,
  at: number,
): number {
  let left = payload.length;
  let from = 0;
  let offset = blockOffset;
  let begin = true;
  do {
    const leftover = BLOCK_SIZE - offset;
    if (leftover < HEADER_SIZE) {
      out.fill(0, at, at + leftover);
      at += leftover;
      offset = 0;
    }
    const fragment = Math.min(left, BLOCK_SIZE - offset - HEADER_SIZE);
    const end = left === fragment;
    const type = begin ? (end ? TYPE_FULL : TYPE_FIRST) : end ? TYPE_LAST : TYPE_MIDDLE;
    out[at + 4] = fragment & 0xff;
    out[at + 5] = fragment >>> 8;
    out[at + 6] = type;
    if (fragment === payload.length) out.set(payload, at + HEADER_SIZE);
    else out.set(payload.subarray(from, from + fragment), at + HEADER_SIZE);
    // The type byte and the payload lie side by side in `out`: one checksum call covers both.
    const crc = maskCrc(crc32cExtend(0, out, at + 6, at + HEADER_SIZE + fragment));
    out[at] = crc & 0xff;
    out[at + 1] = (crc >>> 8) & 0xff;
    out[at + 2] = (crc >>> 16) & 0xff;
    out[at + 3] = crc >>> 24;
    at += HEADER_SIZE + fragment;
    offset += HEADER_SIZE + fragment;
    from += fragment;
    left -= fragment;
    begin = false;
  } while (left > 0);
  return at;
}

/** What a reader skipped: `bytes` bytes from file offset `offset`, and why (LevelDB's `Reporter`). */
export interface LogDrop {
  /** File offset of the first skipped byte. */
  readonly offset: number;
  /** Count of bytes skipped from `offset`. */
  readonly bytes: number;
  /** Why, in LevelDB's words (`checksum mismatch`, `bad record length`, `truncated ...` for a torn tail). */
  readonly reason: string;
}

const EOF = -1;
const BAD = -2;

/**
 * Reads the records of one log held in memory, as LevelDB's `log::Reader` does (checksums
 * always verified), and reports every byte range it skips through `report`.
 *
 * Invariants:
 * 1. `next()` returns each record whose fragments are all intact, in file order, and never a
 *    record assembled across a drop (a FIRST whose LAST is missing is dropped, not joined).
 * 2. Every call advances through the input or returns null: on any input, a pass ends after at
 *    most one step per fragment header; nothing throws.
 * 3. A fault at the end of the input (a header or payload cut short in the final, partial
 *    block, a FIRST without its LAST) is reported with a reason starting `truncated`.
 * 4. After a bad fragment the reader drops the rest of its block and resumes at the next
 *    FULL or FIRST fragment, reporting any MIDDLE or LAST before it (so a caller decides what
 *    to make of records after a drop).
 * 5. A preallocated tail is the clean end: where a fragment header is due, zero bytes from
 *    there to the end of an input whose length is a whole number of blocks end the log with
 *    no drop. Zeroed bytes anywhere else (any non-zero byte after them, or an input ending
 *    inside a block, which no preallocation leaves) are dropped as `zeroed bytes`.
 */
export class LogReader {
  readonly #bytes: Uint8Array;
  readonly #report: ((drop: LogDrop) => void) | undefined;
  #pos = 0;
  #fragmentStart = 0;
  #fragmentEnd = 0;
  #physicalOffset = 0;
  #scratch = new Uint8Array(0);
  #scratchLength = 0;
  /** Offset just past the last non-zero byte of the input; -1 until a zeroed header needs it. */
  #zeroTail = -1;
  /** File offset of the first fragment of the record `next()` returned last; -1 before. */
  recordOffset = -1;
  /** File offset just past the record `next()` returned last; 0 before. */
  recordEnd = 0;

  constructor(bytes: Uint8Array, report?: (drop: LogDrop) => void) {
    this.#bytes = bytes;
    this.#report = report;
  }

  /**
   * The next intact record, or null at the end. A FULL record is a view of the input; a
   * fragmented one is a fresh copy.
   */
  next(): Uint8Array | null {
    let inFragmented = false;
    let prospective = 0;
    this.#scratchLength = 0;
    for (;;) {
      const type = this.#readPhysical();
      const fragmentLength = this.#fragmentEnd - this.#fragmentStart;
      switch (type) {
        case TYPE_FULL:
          if (inFragmented && this.#scratchLength > 0) {
            this.#drop(prospective, this.#scratchLength, 'partial record without end (1)');
          }
          this.recordOffset = this.#physicalOffset;
          this.recordEnd = this.#fragmentEnd;
          return this.#bytes.subarray(this.#fragmentStart, this.#fragmentEnd);
        case TYPE_FIRST:
          if (inFragmented && this.#scratchLength > 0) {
            this.#drop(prospective, this.#scratchLength, 'partial record without end (2)');
          }
          prospective = this.#physicalOffset;
          this.#scratchLength = 0;
          this.#appendScratch();
          inFragmented = true;
          break;
        case TYPE_MIDDLE:
          if (!inFragmented) {
            this.#drop(
              this.#physicalOffset,
              fragmentLength,
              'missing start of fragmented record (1)',
            );
          } else this.#appendScratch();
          break;
        case TYPE_LAST:
          if (!inFragmented) {
            this.#drop(
              this.#physicalOffset,
              fragmentLength,
              'missing start of fragmented record (2)',
            );
            break;
          }
          this.#appendScratch();
          this.recordOffset = prospective;
          this.recordEnd = this.#fragmentEnd;
          return this.#scratch.slice(0, this.#scratchLength);
        case EOF:
          if (inFragmented) {
            this.#drop(prospective, this.#pos - prospective, 'truncated record at end of file');
          }
          return null;
        case BAD:
          if (inFragmented) {
            this.#drop(prospective, this.#scratchLength, 'error in middle of record');
            inFragmented = false;
            this.#scratchLength = 0;
          }
          break;
        default:
          this.#drop(
            inFragmented ? prospective : this.#physicalOffset,
            fragmentLength + (inFragmented ? this.#scratchLength : 0),
            `unknown record type ${type}`,
          );
          inFragmented = false;
          this.#scratchLength = 0;
          break;
      }
    }
  }

  #readPhysical(): number {
    const bytes = this.#bytes;
    const n = bytes.length;
    for (;;) {
      const pos = this.#pos;
      const blockStart = pos - (pos % BLOCK_SIZE);
      const blockEnd = Math.min(blockStart + BLOCK_SIZE, n);
      const partial = blockEnd < blockStart + BLOCK_SIZE;
      this.#fragmentStart = this.#fragmentEnd = pos;
      if (blockEnd - pos < HEADER_SIZE) {
        if (!partial) {
          this.#pos = blockEnd;
          continue;
        }
        if (pos < n) this.#drop(pos, n - pos, 'truncated header at end of file');
        this.#pos = n;
        return EOF;
      }
      const length = bytes[pos + 4] | (bytes[pos + 5] << 8);
      const type = bytes[pos + 6];
      if (pos + HEADER_SIZE + length > blockEnd) {
        this.#pos = blockEnd;
        if (partial) {
          this.#drop(pos, n - pos, 'truncated record at end of file');
          return EOF;
        }
        this.#drop(pos, blockEnd - pos, 'bad record length');
        return BAD;
      }
      if (type === TYPE_ZERO && length === 0) {
        if (n % BLOCK_SIZE === 0 && pos >= this.#zeroTailStart()) {
          this.#pos = n;
          return EOF;
        }
        this.#drop(pos, blockEnd - pos, 'zeroed bytes');
        this.#pos = blockEnd;
        return BAD;
      }
      const expected = unmaskCrc(
        (bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24)) >>>
          0,
      );
      const actual = crc32cExtend(0, bytes, pos + 6, pos + HEADER_SIZE + length);
      if (actual !== expected) {
        // The length itself may be what is corrupt: trust nothing else in this block.
        this.#drop(pos, blockEnd - pos, 'checksum mismatch');
        this.#pos = blockEnd;
        return BAD;
      }
      this.#physicalOffset = pos;
      this.#fragmentStart = pos + HEADER_SIZE;
      this.#fragmentEnd = this.#pos = pos + HEADER_SIZE + length;
      return type;
    }
  }

  #zeroTailStart(): number {
    if (this.#zeroTail < 0) {
      const bytes = this.#bytes;
      let end = bytes.length;
      while (end > 0 && bytes[end - 1] === 0) end--;
      this.#zeroTail = end;
    }
    return this.#zeroTail;
  }

  #appendScratch(): void {
    const length = this.#fragmentEnd - this.#fragmentStart;
    const need = this.#scratchLength + length;
    if (need > this.#scratch.length) {
      const grown = new Uint8Array(Math.max(need, this.#scratch.length * 2, 1024));
      grown.set(this.#scratch.subarray(0, this.#scratchLength));
      this.#scratch = grown;
    }
    this.#scratch.set(
      this.#bytes.subarray(this.#fragmentStart, this.#fragmentEnd),
      this.#scratchLength,
    );
    this.#scratchLength = need;
  }

  #drop(offset: number, bytes: number, reason: string): void {
    this.#report?.({ offset, bytes, reason });
  }
}
