import { AttachSlot } from './attach.js';
import { invalidArgument, MemrepError } from './errors.js';
import type { ArenaOptions } from './types.js';

/** Bytes the region grows by when `ArenaOptions.blockSize` is unset: 4 MiB, whole WASM pages. */
export const DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;
/** Bytes the region may grow to when `ArenaOptions.maxSize` is unset: 1 GiB, whole WASM pages. */
export const DEFAULT_MAX_SIZE = 1024 * 1024 * 1024;
/** Offsets are kept below 2^31 so that every offset is a small integer to V8. */
export const MAX_ARENA_SIZE = 2 ** 31 - 8;
/** Offset 0 is never handed out: it is the null offset of every structure in the arena. */
export const NULL_OFFSET = 0;
/** The Int32 word (bytes 4..7, in the null word) where the writer publishes the region's size. */
export const SIZE_WORD = 1;

/** The size of a WebAssembly page: a region of `WebAssembly.Memory` grows by whole pages. */
export const WASM_PAGE_SIZE = 65536;

/** The part of `WebAssembly.Memory` the arena uses (the DOM lib is not in this project's types). */
export interface SharedMemory {
  /** The memory's current fixed-length buffer; replaced by a larger one after each `grow`. */
  readonly buffer: SharedArrayBuffer;
  /** Grows the memory in place by `pages` WASM pages; returns the previous size in pages. */
  grow(pages: number): number;
}
type SharedMemoryClass = new (descriptor: {
  initial: number;
  maximum: number;
  shared: true;
}) => SharedMemory;

/** Looked up when used, not once: a host may lack WebAssembly, or stand in for it. */
function sharedMemoryClass(): SharedMemoryClass | undefined {
  return (globalThis as { WebAssembly?: { Memory?: SharedMemoryClass } }).WebAssembly?.Memory;
}

function isSharedMemory(region: unknown): region is SharedMemory {
  const SharedMemory = sharedMemoryClass();
  return SharedMemory !== undefined && region instanceof SharedMemory;
}

/**
 * The memory an arena lives in, fastest first (see packages/core/bench/region.mjs):
 * - `wasm-memory`: a shared `WebAssembly.Memory`. Its `buffer` is a fixed-length
 *   SharedArrayBuffer, replaced (not resized) when the memory grows in place; views made on an
 *   earlier one stay valid. Views over it cost what views over a fixed buffer cost, about 3/4
 *   of what they cost over a growable one. Used when shared memory is wanted and available and
 *   `blockSize` and `maxSize` are whole pages (WASM_PAGE_SIZE; the defaults are).
 * - `growable-sab`: a growable SharedArrayBuffer: shared memory with other block sizes, or where
 *   a `WebAssembly.Memory` cannot be made (each reserves about 10 GiB of address space).
 * - `resizable-ab`: a resizable ArrayBuffer, where SharedArrayBuffer is unavailable (a browser
 *   without cross-origin isolation) or `shared: false`; it cannot be shared.
 */
export type RegionKind = 'wasm-memory' | 'growable-sab' | 'resizable-ab';

/** A structured-clonable description of an arena, to post to a worker thread. */
export interface ArenaHandle {
  /** A shared `WebAssembly.Memory` (kind `wasm-memory`) or a growable SharedArrayBuffer. */
  readonly region: SharedArrayBuffer | SharedMemory;
  /** Bytes the region grows by at a time; a multiple of 8. */
  readonly blockSize: number;
  /** Bytes the region may never grow past; at most MAX_ARENA_SIZE. */
  readonly maxSize: number;
  /**
   * Offset of the shared allocation words (`Arena.shareWritable`): present, `attach` returns an
   * arena that allocates too; absent, a read-only one.
   */
  readonly control?: number;
}

/** Bytes a writer takes from the shared top at once, when several threads allocate. */
export const SHARED_CHUNK_SIZE = 64 * 1024;
/** Bytes of the shared allocation words: the top, then the grow lock on its own cache line. */
const CONTROL_SIZE = 128;
/** Word of the grow lock, relative to the control block's first word. */
const GROW_LOCK_WORD = 16;

type Region = SharedArrayBuffer | ArrayBuffer;

/**
 * The `WebAssembly.Memory` regions this thread's arenas made, for `memoryRegionBytes`: a region
 * counts while its memory or any buffer it handed out is reachable (a view keeps its buffer,
 * and so the memory's pages, alive after the arena is gone).
 */
interface RegionRecord {
  bytes: number;
  readonly holders: WeakRef<object>[];
}
let regionRecords: RegionRecord[] = [];
let pruneAt = 64;

function liveRecord(record: RegionRecord): boolean {
  for (const ref of record.holders) if (ref.deref() !== undefined) return true;
  return false;
}

function pruneRecords(): void {
  regionRecords = regionRecords.filter(liveRecord);
  pruneAt = Math.max(64, 2 * regionRecords.length);
}

/**
 * Bytes of the `wasm-memory` regions that arenas made in this thread (attached ones excluded)
 * and that are still reachable. `process.memoryUsage()` counts none of them (not in `external`,
 * not in `arrayBuffers`; only in `rss`, as far as touched): a memory measure adds this.
 */
export function memoryRegionBytes(): number {
  pruneRecords();
  let sum = 0;
  for (const record of regionRecords) sum += record.bytes;
  return sum;
}

/** A shared memory of `initial` bytes that can grow to `maximum`; null if none can be made. */
function makeSharedMemory(initial: number, maximum: number): SharedMemory | null {
  const SharedMemory = sharedMemoryClass();
  if (SharedMemory === undefined) return null;
  try {
    return new SharedMemory({
      initial: initial / WASM_PAGE_SIZE,
      maximum: maximum / WASM_PAGE_SIZE,
      shared: true,
    });
  } catch (error) {
    // Out of address space (each memory reserves ~10 GiB) or no shared memory here.
    if (error instanceof RangeError || error instanceof TypeError) return null;
    throw error;
  }
}

/** Holds the handle while `Arena.attach` runs the constructor over an existing region. */
const attaching = new AttachSlot<ArenaHandle>('Arena.share()');

/**
 * An off-heap bump allocator over one growable memory region (see `RegionKind`).
 *
 * Invariants:
 * 1. Every offset handed out is a multiple of 8 and is never 0 (0 is the null offset).
 * 2. Nothing is freed one by one; memory is never reused, so a published offset never points
 *    at anything but what was written there (no ABA).
 * 3. The region grows in place, a block at a time, never past `maxSize`, never copying: views
 *    handed out earlier (`subarray`s of `bytes`, views of an earlier `buffer`) stay valid and
 *    unchanged for the arena's whole life, in this thread and in attached ones.
 * 4. `bytes`, `i32` and `f64` are fixed-length views over the whole region, replaced only when
 *    it grows (fixed-length views are what V8 optimises; length-tracking ones are ~3x slower).
 *    `buffer` is what they view: for a `wasm-memory` region a new fixed-length buffer after each
 *    growth, over the same memory.
 * 5. Word SIZE_WORD holds the region's size, stored with `Atomics` after the region has grown,
 *    so a reader's `refresh` costs an atomic load (~13 ns; asking a `WebAssembly.Memory` its
 *    size, `memory.buffer.byteLength`, costs ~60 ns).
 *
 * 6. Once `shareWritable` ran, every thread that allocates (this one and those that attached
 *    its handle) takes chunks of SHARED_CHUNK_SIZE from a shared top word with one
 *    `Atomics.compareExchange` and bump-allocates inside its chunk with plain writes; the region
 *    grows under a lock word, by one thread at a time, so no allocation is lost or overlaps.
 *
 * Thread safety: one writer allocates, or, after `shareWritable`, any number of writers, one
 * arena object each. Readers in other threads `attach` a handle and call `refresh()` when they
 * meet an offset past the end of their views.
 */
export class Arena {
  /** Bytes the region grows by at a time; a multiple of 8, at least 64. */
  readonly blockSize: number;
  /** Bytes the region may never grow past, in [64, MAX_ARENA_SIZE]. */
  readonly maxSize: number;
  /** Whether the region is shared memory that `share` can hand to other threads. */
  readonly shared: boolean;
  /** Whether this is an attached view that cannot allocate (its handle had no `control`). */
  readonly readOnly: boolean;
  /** The kind of memory the region is; fixed for the arena's life. */
  readonly regionKind: RegionKind;
  /** The region `bytes`, `i32` and `f64` view (a field: the `.buffer` getter of a view costs ~20 ns). */
  buffer!: SharedArrayBuffer | ArrayBuffer;
  /** Byte view over the whole region; replaced (not resized) when the region grows. */
  bytes!: Uint8Array;
  /** Int32 view over the whole region: word `i` is bytes `4i..4i+3`. Replaced on growth. */
  i32!: Int32Array;
  /** Float64 view over the whole region: word `i` is bytes `8i..8i+7`. Replaced on growth. */
  f64!: Float64Array;
  /**
   * Bytes the rest of the write under way needs (a batch's records after the current one,
   * the current one's included), which `allocateGrouped` leaves free when it decides whether
   * to open a chunk; 0 between writes. Set by the table's `write`, on the writing thread.
   */
  held = 0;
  #region: Region;
  #memory: SharedMemory | null = null;
  #record: RegionRecord | null = null;
  /** The byte length of `#region` (= `bytes.length`), read without a getter call. */
  #size = 0;
  #top = 8;
  /** Where this thread's bump area ends: `#size` for one writer, its chunk's end when shared. */
  #limit = 0;
  /** Word index of the shared top (0: allocation is this arena's alone). */
  #control = 0;

  constructor(options: ArenaOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw invalidArgument(`options must be an object or undefined; got ${String(options)}`);
    }
    const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
    if (!Number.isInteger(blockSize) || blockSize < 64 || blockSize % 8 !== 0) {
      throw invalidArgument(
        `blockSize must be an integer multiple of 8, at least 64; got ${String(blockSize)}`,
      );
    }
    if (!Number.isInteger(maxSize) || maxSize < 64 || maxSize > MAX_ARENA_SIZE) {
      throw invalidArgument(
        `maxSize must be an integer in [64, ${MAX_ARENA_SIZE}]; got ${String(maxSize)}`,
      );
    }
    this.blockSize = blockSize;
    this.maxSize = maxSize;
    const handle = attaching.take();
    if (handle !== undefined) {
      this.readOnly = handle.control === undefined;
      this.shared = true;
      const region = handle.region;
      if (isSharedMemory(region)) {
        this.regionKind = 'wasm-memory';
        this.#memory = region;
        this.#region = region.buffer;
      } else {
        this.regionKind = 'growable-sab';
        this.#region = region as SharedArrayBuffer;
      }
      this.#makeViews();
      if (handle.control === undefined) this.#top = this.#size;
      else {
        this.#control = handle.control >> 2;
        this.#top = 0;
        this.#limit = 0;
      }
      return;
    }
    this.readOnly = false;
    const wantShared = options.shared ?? true;
    this.shared = wantShared && typeof SharedArrayBuffer === 'function';
    const initial = Math.min(blockSize, maxSize);
    const memory =
      this.shared && blockSize % WASM_PAGE_SIZE === 0 && maxSize % WASM_PAGE_SIZE === 0
        ? makeSharedMemory(initial, maxSize)
        : null;
    if (memory !== null) {
      this.regionKind = 'wasm-memory';
      this.#memory = memory;
      this.#region = memory.buffer;
      this.#record = { bytes: initial, holders: [new WeakRef(memory), new WeakRef(this.#region)] };
      if (regionRecords.length >= pruneAt) pruneRecords();
      regionRecords.push(this.#record);
    } else if (this.shared) {
      this.regionKind = 'growable-sab';
      this.#region = new SharedArrayBuffer(initial, { maxByteLength: maxSize });
    } else {
      this.regionKind = 'resizable-ab';
      this.#region = new ArrayBuffer(initial, { maxByteLength: maxSize });
    }
    this.#makeViews();
    Atomics.store(this.i32, SIZE_WORD, initial);
  }

  /** Bytes reserved: the region's current size (for an attached arena, as the writer grew it). */
  get memoryUsage(): number {
    return this.readOnly || this.#control !== 0 ? Atomics.load(this.i32, SIZE_WORD) : this.#size;
  }

  /**
   * Bytes handed out, alignment padding included (the null word at offset 0 is not counted);
   * when shared writable, the chunks all writers took.
   */
  get allocated(): number {
    return (this.#control !== 0 ? Atomics.load(this.i32, this.#control) : this.#top) - 8;
  }

  /** Whether several threads allocate here (`shareWritable` ran, or attached writable). */
  get concurrent(): boolean {
    return this.#control !== 0;
  }

  /** The offset the next allocation would get. */
  get top(): number {
    return this.#top;
  }

  /**
   * Returns the offset of `size` fresh zeroed bytes, 8-byte aligned.
   * Throws `MEMREP_ARENA_FULL` (and changes nothing) if that would pass `maxSize`.
   */
  allocate(size: number): number {
    return this.#bump(size);
  }

  #bump(size: number): number {
    const offset = this.#top;
    const end = offset + ((size + 7) & ~7);
    if (end > this.#limit) return this.#bumpSlow(size);
    this.#top = end;
    return offset;
  }

  #bumpSlow(size: number): number {
    const aligned = (size + 7) & ~7;
    if (this.#control === 0) {
      const offset = this.#top;
      this.#grow(offset + aligned, size);
      this.#top = offset + aligned;
      return offset;
    }
    const offset = this.#claim(aligned, size);
    this.#top = offset + aligned;
    return offset;
  }

  /**
   * Shared: takes a new chunk of at least `aligned` bytes (SHARED_CHUNK_SIZE, or just `aligned`
   * near maxSize) from the shared top, makes sure the region covers it, and makes it this
   * thread's bump area; returns its start. Throws `MEMREP_ARENA_FULL` (nothing taken) when
   * even `aligned` bytes do not fit.
   */
  #claim(aligned: number, size: number): number {
    const i32 = this.i32;
    const word = this.#control;
    let start = 0;
    let end = 0;
    for (;;) {
      const top = Atomics.load(i32, word);
      let take = aligned > SHARED_CHUNK_SIZE ? aligned : SHARED_CHUNK_SIZE;
      if (top + take > this.maxSize) take = aligned;
      if (top + take > this.maxSize) {
        throw new MemrepError(
          'MEMREP_ARENA_FULL',
          `allocating ${size} bytes would pass the arena's maxSize of ${this.maxSize} bytes ` +
            `(${top - 8} already allocated)`,
        );
      }
      if (Atomics.compareExchange(i32, word, top, top + take) === top) {
        start = top;
        end = top + take;
        break;
      }
    }
    this.#cover(end);
    this.#limit = end;
    return start;
  }

  /**
   * Shared: makes sure the region holds `end` bytes and the views cover them. One thread grows
   * at a time, under the grow lock; the others wait for it and see its growth.
   */
  #cover(end: number): void {
    const i32 = this.i32;
    const lock = this.#control + GROW_LOCK_WORD;
    while (Atomics.load(i32, SIZE_WORD) < end) {
      if (Atomics.compareExchange(i32, lock, 0, 1) !== 0) {
        Atomics.wait(i32, lock, 1, 1);
        continue;
      }
      try {
        const memory = this.#memory;
        const have = memory !== null ? memory.buffer.byteLength : this.#region.byteLength;
        if (have < end) {
          const grown = Math.min(Math.ceil(end / this.blockSize) * this.blockSize, this.maxSize);
          if (memory !== null) memory.grow((grown - have) / WASM_PAGE_SIZE);
          else (this.#region as SharedArrayBuffer).grow(grown);
          Atomics.store(i32, SIZE_WORD, grown);
        } else if (Atomics.load(i32, SIZE_WORD) < have) Atomics.store(i32, SIZE_WORD, have);
      } finally {
        Atomics.store(i32, lock, 0);
        Atomics.notify(i32, lock);
      }
    }
    if (this.#size < end) this.refresh();
  }

  /**
   * Makes sure that the next allocations of `size` bytes in all from this thread succeed, and
   * returns false (nothing changed) when they cannot. One writer: whether they fit. Shared:
   * this thread's chunk is made to hold them (a new chunk is taken if it does not), so that a
   * batch cannot run out of room halfway, whatever other threads allocate meanwhile.
   */
  reserve(size: number): boolean {
    if (this.#control === 0) return this.fits(size);
    const aligned = (size + 7) & ~7;
    if (this.#top + aligned <= this.#limit) return true;
    try {
      this.#top = this.#claim(aligned, size);
    } catch (error) {
      if (error instanceof MemrepError && error.code === 'MEMREP_ARENA_FULL') return false;
      throw error;
    }
    return true;
  }

  /**
   * A handle whose `attach` allocates too, and from now on this arena takes its allocations in
   * chunks from the shared top (invariant 6). Needs SharedArrayBuffer. Idempotent.
   */
  shareWritable(): ArenaHandle {
    const handle = this.share();
    if (this.readOnly) throw new MemrepError('MEMREP_READ_ONLY', 'an attached arena cannot share');
    if (this.#control === 0) {
      const control = this.#bump(CONTROL_SIZE);
      this.#control = control >> 2;
      Atomics.store(this.i32, this.#control, this.#top);
      this.#limit = this.#top;
    }
    return { ...handle, control: this.#control << 2 };
  }

  /**
   * Like `allocate`, but from the chunk of a group: allocations that a walk visits together (a
   * hash bucket's entries, the nodes of one key range) are placed together, so that the walk
   * touches few pages and stays within the TLB's reach.
   *
   * The group's chunk is two Int32 words of `state` at `word`: its top, then its end with the
   * number of chunks the group has opened so far (up to 7) in the low three bits; both 0 for a
   * group that has none yet. `state` null means the words are in this arena (read through
   * `i32`, which growth replaces). The k-th chunk a group opens holds 2^k allocations of the
   * size that opens it, at most `maxChunk` bytes, so a group of n allocations reserves less than
   * 2n allocations' worth and a group of one reserves nothing beyond it. Near `maxSize` a chunk
   * shrinks to the allocation itself: a chunk opens only if it fits beside `held`, the room the
   * rest of a batch needs, so placement never fails a write the arena's room was checked for. Throws `MEMREP_ARENA_FULL` (and changes nothing, the
   * state words included) as `allocate` does.
   */
  allocateGrouped(size: number, state: Int32Array | null, word: number, maxChunk: number): number {
    const aligned = (size + 7) & ~7;
    let words = state ?? this.i32;
    const top = words[word];
    const endWord = words[word + 1];
    if (top !== 0 && top + aligned <= (endWord & ~7)) {
      words[word] = top + aligned;
      return top;
    }
    const opened = endWord & 7;
    let chunk = aligned << opened;
    if (chunk > maxChunk) chunk = aligned >= maxChunk ? aligned : maxChunk - (maxChunk % aligned);
    if (!this.fits(chunk + this.held)) chunk = aligned;
    const offset = this.#bump(chunk);
    if (state === null) words = this.i32;
    words[word] = offset + aligned;
    words[word + 1] = (offset + chunk) | (opened < 7 ? opened + 1 : 7);
    return offset;
  }

  /** Whether `size` more bytes fit under `maxSize`. */
  fits(size: number): boolean {
    const aligned = (size + 7) & ~7;
    if (this.#control === 0) return this.#top + aligned <= this.maxSize;
    return (
      this.#top + aligned <= this.#limit ||
      Atomics.load(this.i32, this.#control) + aligned <= this.maxSize
    );
  }

  /** Reader side: picks up growth made by the writer. Returns true if the views changed. */
  refresh(): boolean {
    if (Atomics.load(this.i32, SIZE_WORD) <= this.#size) return false;
    if (this.#memory !== null) this.#region = this.#memory.buffer;
    this.#makeViews();
    return true;
  }

  /** A handle for `Arena.attach` in a worker thread. Needs SharedArrayBuffer. */
  share(): ArenaHandle {
    if (!this.shared) {
      throw new MemrepError(
        'MEMREP_UNSUPPORTED',
        'this arena is not shared memory (SharedArrayBuffer unavailable or shared: false)',
      );
    }
    const region = this.#memory ?? (this.#region as SharedArrayBuffer);
    return { region, blockSize: this.blockSize, maxSize: this.maxSize };
  }

  /** A read-only arena over the memory of a shared one. */
  static attach(handle: ArenaHandle): Arena {
    return attaching.attach(
      handle,
      (h) =>
        (typeof SharedArrayBuffer === 'function' && h.region instanceof SharedArrayBuffer) ||
        isSharedMemory(h.region),
      () => new Arena({ blockSize: handle.blockSize, maxSize: handle.maxSize }),
    );
  }

  #grow(end: number, size: number): void {
    if (this.readOnly) {
      throw new MemrepError('MEMREP_READ_ONLY', 'an attached arena cannot allocate');
    }
    if (end > this.maxSize) {
      throw new MemrepError(
        'MEMREP_ARENA_FULL',
        `allocating ${size} bytes would pass the arena's maxSize of ${this.maxSize} bytes ` +
          `(${this.#top - 8} already allocated)`,
      );
    }
    const grown = Math.min(Math.ceil(end / this.blockSize) * this.blockSize, this.maxSize);
    const memory = this.#memory;
    const region = this.#region;
    if (memory !== null) {
      memory.grow((grown - this.#size) / WASM_PAGE_SIZE);
      this.#region = memory.buffer;
      const record = this.#record as RegionRecord;
      record.bytes = grown;
      record.holders.push(new WeakRef(this.#region));
    } else if (this.regionKind === 'growable-sab') (region as SharedArrayBuffer).grow(grown);
    else (region as ArrayBuffer).resize(grown);
    this.#makeViews();
    Atomics.store(this.i32, SIZE_WORD, grown);
  }

  #makeViews(): void {
    const length = this.#region.byteLength;
    this.#size = length;
    if (this.#control === 0) this.#limit = length;
    if (this.#record !== null) this.#record.bytes = length;
    this.buffer = this.#region;
    this.bytes = new Uint8Array(this.#region, 0, length);
    this.i32 = new Int32Array(this.#region, 0, length >>> 2);
    this.f64 = new Float64Array(this.#region, 0, length >>> 3);
  }
}
