import { describe, expect, it } from 'vitest';
import { Arena, DEFAULT_BLOCK_SIZE } from '../src/backend.js';

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
