import { describe, expect, it } from 'vitest';
import {
  Arena,
  compareInternal,
  entryKey,
  entryKeyLength,
  entrySeq,
  entryValue,
  entryValueLength,
  MAX_KEY_LENGTH,
  normalizeRange,
  resolveLimits,
  resolveSnapshot,
  sameEntryKey,
  writeEntry,
} from '../src/backend.js';

const b = (...bytes: number[]) => new Uint8Array(bytes);

describe('entry records', () => {
  it('round-trip key, value, seq and tombstones, with aux words before the key', () => {
    const arena = new Arena({ blockSize: 256 });
    const put = writeEntry(arena, 3, b(1, 2, 3), b(9, 8), 2 ** 53 - 1);
    const del = writeEntry(arena, 0, b(1, 2, 3), undefined, 7);
    expect([...entryKey(arena, put)]).toEqual([1, 2, 3]);
    expect([...entryValue(arena, put)!]).toEqual([9, 8]);
    expect(entrySeq(arena.f64, put)).toBe(2 ** 53 - 1);
    expect(entryKeyLength(arena.i32, put)).toBe(3);
    expect(entryValueLength(arena.i32, put)).toBe(2);
    expect(entryValue(arena, del)).toBeUndefined();
    expect(sameEntryKey(arena, put, del)).toBe(true);
  });

  it('orders internally by key ascending, then seq descending', () => {
    const arena = new Arena({ blockSize: 256 });
    const e = writeEntry(arena, 0, b(5), b(), 10);
    expect(compareInternal(b(4), 0, arena, e)).toBeLessThan(0);
    expect(compareInternal(b(5), 11, arena, e)).toBeLessThan(0);
    expect(compareInternal(b(5), 10, arena, e)).toBe(0);
    expect(compareInternal(b(5), 9, arena, e)).toBeGreaterThan(0);
    expect(compareInternal(b(5, 0), 99, arena, e)).toBeGreaterThan(0);
  });
});

describe('argument validation', () => {
  it('rejects both gt and gte, or both lt and lte, as MEMREP_INVALID_ARGUMENT TypeErrors', () => {
    for (const options of [
      { gt: b(1), gte: b(1) },
      { lt: b(1), lte: b(2) },
    ]) {
      expect(() => normalizeRange(options, 0)).toThrow(TypeError);
      expect(() => normalizeRange(options, 0)).toThrow(
        expect.objectContaining({ code: 'MEMREP_INVALID_ARGUMENT' }),
      );
    }
  });

  it('intersects a prefix with the bounds given', () => {
    const r = normalizeRange({ gt: b(1, 5), lte: b(9) }, 3, b(1));
    expect([...r.lower!]).toEqual([1, 5]);
    expect(r.lowerExclusive).toBe(true);
    expect([...r.upper!]).toEqual([2]);
    expect(r.upperExclusive).toBe(true);
    expect(r.snapshot).toBe(3);
  });

  it('marks inverted and exclusive-equal ranges empty, and limit 0 empty', () => {
    expect(normalizeRange({ gte: b(2), lte: b(1) }, 0).empty).toBe(true);
    expect(normalizeRange({ gt: b(2), lte: b(2) }, 0).empty).toBe(true);
    expect(normalizeRange({ gte: b(2), lte: b(2) }, 0).empty).toBe(false);
    expect(normalizeRange({ limit: 0 }, 0).empty).toBe(true);
    expect(normalizeRange({ limit: -1 }, 0).limit).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects bad snapshots and accepts -1 as "sees nothing"', () => {
    expect(resolveSnapshot(undefined, 5)).toBe(5);
    expect(resolveSnapshot({ snapshot: -1 }, 5)).toBe(-1);
    for (const snapshot of [-2, 1.5, Number.NaN, 2 ** 53, '3']) {
      expect(() => resolveSnapshot({ snapshot } as never, 5)).toThrow(
        expect.objectContaining({ code: 'MEMREP_INVALID_ARGUMENT' }),
      );
    }
  });

  it('checks limit options once, at construction', () => {
    expect(resolveLimits(undefined).maxKeySize).toBe(MAX_KEY_LENGTH);
    expect(() => resolveLimits({ maxKeySize: MAX_KEY_LENGTH + 1 })).toThrow(
      expect.objectContaining({ code: 'MEMREP_INVALID_ARGUMENT' }),
    );
  });
});
