import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Arena, DEFAULT_BLOCK_SIZE, memoryRegionBytes, WASM_PAGE_SIZE } from '../src/backend.js';

const PAGE = WASM_PAGE_SIZE;

describe('Arena', () => {
  it('hands out 8-byte aligned, non-null, non-overlapping offsets', () => {
    const arena = new Arena({ blockSize: 1024 });
    let last = 0;
    for (const size of [1, 7, 8, 9, 15, 16, 17, 100, 3]) {
      const off = arena.allocate(size);
      expect(off % 8).toBe(0);
      expect(off).toBeGreaterThan(last);
      expect(off).toBeGreaterThanOrEqual(8);
      last = off + size - 1;
    }
  });

  it('counts padding in allocated and reserves whole blocks in memoryUsage', () => {
    const arena = new Arena({ blockSize: 4096 });
    expect(arena.memoryUsage).toBe(4096);
    expect(arena.allocated).toBe(0);
    arena.allocate(1);
    arena.allocate(9);
    expect(arena.allocated).toBe(8 + 16);
    arena.allocate(4096);
    expect(arena.memoryUsage).toBe(8192);
  });

  it('defaults to 4 MiB blocks over shared memory', () => {
    const arena = new Arena();
    expect(arena.blockSize).toBe(DEFAULT_BLOCK_SIZE);
    expect(arena.memoryUsage).toBe(4 * 1024 * 1024);
    expect(arena.shared).toBe(true);
  });

  it('serves an allocation larger than a block', () => {
    const arena = new Arena({ blockSize: 1024 });
    const off = arena.allocate(10_000);
    arena.bytes[off + 9_999] = 42;
    expect(arena.bytes[off + 9_999]).toBe(42);
    expect(arena.memoryUsage).toBeGreaterThanOrEqual(off + 10_000);
  });

  it('keeps views handed out earlier valid and unchanged across growth', () => {
    const arena = new Arena({ blockSize: 256 });
    const off = arena.allocate(4);
    arena.bytes.set([1, 2, 3, 4], off);
    const view = arena.bytes.subarray(off, off + 4);
    for (let i = 0; i < 100; i++) arena.allocate(200);
    expect(arena.memoryUsage).toBeGreaterThan(256 * 50);
    expect([...view]).toEqual([1, 2, 3, 4]);
    arena.bytes[off] = 9;
    expect(view[0]).toBe(9);
  });

  it('throws MEMREP_ARENA_FULL past maxSize and changes nothing', () => {
    const arena = new Arena({ blockSize: 512, maxSize: 1024 });
    arena.allocate(900);
    const before = { allocated: arena.allocated, memoryUsage: arena.memoryUsage, top: arena.top };
    expect(() => arena.allocate(200)).toThrow(
      expect.objectContaining({ code: 'MEMREP_ARENA_FULL' }),
    );
    expect({ allocated: arena.allocated, memoryUsage: arena.memoryUsage, top: arena.top }).toEqual(
      before,
    );
    expect(arena.allocate(100) % 8).toBe(0);
  });

  it('falls back to a resizable ArrayBuffer when shared memory is not wanted', () => {
    const arena = new Arena({ blockSize: 256, shared: false });
    expect(arena.shared).toBe(false);
    arena.allocate(1000);
    expect(arena.memoryUsage).toBe(1024);
    expect(() => arena.share()).toThrow(expect.objectContaining({ code: 'MEMREP_UNSUPPORTED' }));
  });

  it('rejects bad options with MEMREP_INVALID_ARGUMENT', () => {
    for (const options of [
      { blockSize: 100 },
      { blockSize: 0 },
      { maxSize: 2 ** 32 },
      { maxSize: 1.5 },
    ]) {
      expect(() => new Arena(options)).toThrow(
        expect.objectContaining({ code: 'MEMREP_INVALID_ARGUMENT' }),
      );
    }
  });

  it('attaches read-only over the same memory and refreshes its views after growth', () => {
    const arena = new Arena({ blockSize: 256 });
    const off = arena.allocate(8);
    arena.i32[off >> 2] = 1234;
    const reader = Arena.attach(arena.share());
    expect(reader.readOnly).toBe(true);
    expect(reader.i32[off >> 2]).toBe(1234);
    const end = arena.allocate(5000) + 4992;
    arena.i32[end >> 2] = 77;
    expect(reader.bytes.length).toBeLessThanOrEqual(end);
    expect(reader.refresh()).toBe(true);
    expect(reader.i32[end >> 2]).toBe(77);
    expect(() => reader.allocate(1 << 20)).toThrow(
      expect.objectContaining({ code: 'MEMREP_READ_ONLY' }),
    );
  });
});

describe('Arena.allocateGrouped', () => {
  it('gives a group chunks of 1, 2, 4, ... allocations, each group filling its own', () => {
    const arena = new Arena({ blockSize: 4096 });
    const state = new Int32Array(4);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 7; i++) {
      a.push(arena.allocateGrouped(20, state, 0, 1024));
      b.push(arena.allocateGrouped(24, state, 2, 1024));
    }
    // Chunks of 1, 2 and 4 allocations of 24 bytes (20 rounds up to 24): within a chunk the
    // group's allocations are consecutive, whatever the other group allocated in between.
    for (const g of [a, b]) {
      expect(g[2] - g[1]).toBe(24);
      expect([g[4] - g[3], g[5] - g[4], g[6] - g[5]]).toEqual([24, 24, 24]);
      expect(new Set(g).size).toBe(7);
    }
    expect(state[0]).toBe(a[6] + 24);
    expect(state[1] & 7).toBe(3);
    expect(state[1] & ~7).toBe(a[3] + 4 * 24);
    expect(arena.allocated).toBe(2 * 7 * 24);
  });

  it('caps a chunk at a whole number of allocations within maxChunk, and serves bigger ones alone', () => {
    const arena = new Arena({ blockSize: 4096 });
    const state = new Int32Array(2);
    let last = 0;
    for (let i = 0; i < 40; i++) last = arena.allocateGrouped(40, state, 0, 200);
    // 200 holds five 40-byte allocations: the chunk ends exactly after the fifth.
    expect((state[1] & ~7) - (state[0] - 40)).toBeLessThanOrEqual(200);
    expect(((state[1] & ~7) - last) % 40).toBe(0);
    const big = arena.allocateGrouped(300, state, 0, 200);
    expect(state[0]).toBe(big + 304);
    expect(state[1] & ~7).toBe(big + 304);
  });

  it('keeps the state in the arena when state is null, across growth', () => {
    const arena = new Arena({ blockSize: 256 });
    const word = arena.allocate(8) >> 2;
    const offs: number[] = [];
    for (let i = 0; i < 50; i++) offs.push(arena.allocateGrouped(16, null, word, 128));
    expect(arena.memoryUsage).toBeGreaterThan(256);
    expect(arena.i32[word]).toBe(offs[49] + 16);
    expect(new Set(offs).size).toBe(50);
    for (const off of offs) expect(off % 8).toBe(0);
  });

  it('shrinks a chunk to the allocation near maxSize; past it throws and changes nothing', () => {
    const arena = new Arena({ blockSize: 1024, maxSize: 1024 });
    arena.allocate(1024 - 8 - 160);
    const state = new Int32Array(2);
    const first = arena.allocateGrouped(64, state, 0, 1024);
    // The second chunk would hold two: that passes maxSize, so it holds this one alone.
    const second = arena.allocateGrouped(64, state, 0, 1024);
    expect(second).toBe(first + 64);
    expect(state[1] & ~7).toBe(second + 64);
    const top = arena.top;
    const before = Array.from(state);
    expect(() => arena.allocateGrouped(64, state, 0, 1024)).toThrow(
      expect.objectContaining({ code: 'MEMREP_ARENA_FULL' }),
    );
    expect(arena.top).toBe(top);
    expect(Array.from(state)).toEqual(before);
    expect(arena.allocateGrouped(32, state, 0, 1024)).toBe(top);
    expect(arena.top).toBe(1024);
  });
});

describe('Arena regions', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('picks a shared WebAssembly.Memory for whole-page blocks, else a growable or resizable buffer', () => {
    expect(new Arena().regionKind).toBe('wasm-memory');
    expect(new Arena({ blockSize: PAGE, maxSize: 4 * PAGE }).regionKind).toBe('wasm-memory');
    expect(new Arena({ blockSize: 4096 }).regionKind).toBe('growable-sab');
    expect(new Arena({ blockSize: PAGE, maxSize: 2 ** 31 - 8 }).regionKind).toBe('growable-sab');
    expect(new Arena({ shared: false }).regionKind).toBe('resizable-ab');
  });

  it('keeps views made on a buffer before a grow valid and unchanged after it (wasm-memory)', () => {
    const arena = new Arena({ blockSize: PAGE, maxSize: 64 * PAGE });
    const off = arena.allocate(16);
    arena.bytes.set([1, 2, 3, 4, 5, 6, 7, 8], off);
    const before = arena.buffer;
    // Made as entry.ts makes them: the typed-array constructor over `buffer`.
    const view = new Uint8Array(arena.buffer, off, 8);
    const words = arena.i32;
    for (let i = 0; i < 10; i++) arena.allocate(PAGE);
    expect(arena.memoryUsage).toBe(11 * PAGE);
    expect(arena.buffer).not.toBe(before);
    expect(arena.buffer.byteLength).toBe(11 * PAGE);
    expect(before.byteLength).toBe(PAGE);
    expect([...view]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The same memory, not a copy: writes after the grow show through the earlier views.
    arena.bytes[off + 2] = 99;
    expect(view[2]).toBe(99);
    arena.i32[(off + 12) >> 2] = 4321;
    expect(words[(off + 12) >> 2]).toBe(4321);
    expect(new Uint8Array(arena.buffer, off, 8)[2]).toBe(99);
  });

  it('grows a wasm-memory region by whole blocks up to maxSize, then throws and changes nothing', () => {
    const arena = new Arena({ blockSize: 2 * PAGE, maxSize: 5 * PAGE });
    expect(arena.memoryUsage).toBe(2 * PAGE);
    arena.allocate(2 * PAGE + 8);
    expect(arena.memoryUsage).toBe(4 * PAGE);
    arena.allocate(2 * PAGE - 64);
    expect(arena.memoryUsage).toBe(4 * PAGE);
    // The last block is cut at maxSize.
    arena.allocate(PAGE);
    expect(arena.memoryUsage).toBe(5 * PAGE);
    const before = { top: arena.top, usage: arena.memoryUsage, buffer: arena.buffer };
    expect(() => arena.allocate(64)).toThrow(
      expect.objectContaining({ code: 'MEMREP_ARENA_FULL' }),
    );
    expect({ top: arena.top, usage: arena.memoryUsage, buffer: arena.buffer }).toEqual(before);
    expect(arena.bytes.length).toBe(5 * PAGE);
    expect(arena.allocate(40)).toBe(before.top);
  });

  it('falls back to a resizable ArrayBuffer where SharedArrayBuffer is unavailable', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const arena = new Arena({ blockSize: PAGE });
    expect(arena.shared).toBe(false);
    expect(arena.regionKind).toBe('resizable-ab');
    expect(arena.buffer).toBeInstanceOf(ArrayBuffer);
    const off = arena.allocate(8);
    arena.bytes.set([5, 6, 7], off);
    const view = new Uint8Array(arena.buffer, off, 3);
    arena.allocate(3 * PAGE);
    expect(arena.memoryUsage).toBe(4 * PAGE);
    expect([...view]).toEqual([5, 6, 7]);
    expect(() => arena.share()).toThrow(expect.objectContaining({ code: 'MEMREP_UNSUPPORTED' }));
  });

  it('falls back to a growable SharedArrayBuffer where no WebAssembly.Memory can be made', () => {
    class OutOfAddressSpace {
      constructor() {
        throw new RangeError('WebAssembly.Memory(): could not allocate memory');
      }
    }
    vi.stubGlobal('WebAssembly', { Memory: OutOfAddressSpace });
    const arena = new Arena({ blockSize: PAGE });
    expect(arena.regionKind).toBe('growable-sab');
    arena.allocate(2 * PAGE);
    expect(arena.memoryUsage).toBe(3 * PAGE);
    expect(Arena.attach(arena.share()).memoryUsage).toBe(3 * PAGE);
    vi.stubGlobal('WebAssembly', undefined);
    expect(new Arena({ blockSize: PAGE }).regionKind).toBe('growable-sab');
  });

  it('counts the bytes of live wasm-memory regions in memoryRegionBytes', () => {
    const base = memoryRegionBytes();
    const arena = new Arena({ blockSize: PAGE, maxSize: 64 * PAGE });
    expect(memoryRegionBytes() - base).toBe(PAGE);
    arena.allocate(5 * PAGE);
    expect(memoryRegionBytes() - base).toBe(6 * PAGE);
    new Arena({ blockSize: 4096 }).allocate(100_000);
    Arena.attach(arena.share()).refresh();
    expect(memoryRegionBytes() - base).toBe(6 * PAGE);
  });

  for (const blockSize of [PAGE, 4096]) {
    it(`an attached reader in a worker keeps its earlier views across growth (blockSize ${blockSize})`, async () => {
      const arena = new Arena({ blockSize, maxSize: 256 * PAGE });
      const off = arena.allocate(16);
      arena.bytes.set([10, 20, 30, 40], off);
      const core = new URL('../dist/backend.js', import.meta.url).href;
      const worker = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
        (async () => {
          const { Arena } = await import(workerData.core);
          const reader = Arena.attach(workerData.handle);
          const view = new Uint8Array(reader.buffer, workerData.off, 4);
          const words = reader.i32;
          parentPort.postMessage({ kind: reader.regionKind, size: reader.bytes.length, first: [...view] });
          parentPort.once('message', ({ end }) => {
            const refreshed = reader.refresh();
            parentPort.postMessage({
              refreshed,
              view: [...view],
              word: words[(workerData.off + 12) >> 2],
              end: reader.i32[end >> 2],
              size: reader.bytes.length,
              usage: reader.memoryUsage,
            });
          });
        })().catch((error) => parentPort.postMessage({ error: String(error) }));`,
        { eval: true, workerData: { core, handle: arena.share(), off } },
      );
      const messages: Record<string, unknown>[] = [];
      const next = () =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          worker.once('message', (m) => {
            messages.push(m);
            resolve(m);
          });
          worker.once('error', reject);
        });
      try {
        const first = await next();
        expect(first).toEqual({
          kind: arena.regionKind,
          size: blockSize,
          first: [10, 20, 30, 40],
        });
        const end = arena.allocate(20 * PAGE) + 20 * PAGE - 8;
        arena.i32[end >> 2] = 77;
        // A tower word of an old node changes after growth: the reader's old views see it.
        arena.i32[(off + 12) >> 2] = 5150;
        const after = next();
        worker.postMessage({ end });
        expect(await after).toEqual({
          refreshed: true,
          view: [10, 20, 30, 40],
          word: 5150,
          end: 77,
          size: arena.memoryUsage,
          usage: arena.memoryUsage,
        });
      } finally {
        await worker.terminate();
      }
    });
  }
});
