import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arenaPrefix32,
  compareArena,
  compareBytes,
  compareKeyToArena,
  copyFromWords,
  copyToWords,
  hasPrefix,
  keyPrefix32,
  prefixSuccessor,
} from '../src/backend.js';

const edgeBytes = fc
  .uint8Array({ maxLength: 8 })
  .chain((a) => fc.constant(a.map((b) => [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff][b % 6])));
const key = fc.oneof(fc.uint8Array({ maxLength: 8 }), edgeBytes);

function reference(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

describe('bytewise compare', () => {
  it('orders unsigned, a key before its extensions, the empty key first', () => {
    expect(compareBytes(new Uint8Array([0x7f]), new Uint8Array([0x80]))).toBeLessThan(0);
    expect(compareBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBeLessThan(0);
    expect(compareBytes(new Uint8Array([]), new Uint8Array([0]))).toBeLessThan(0);
    expect(compareBytes(new Uint8Array([0xff, 0xff]), new Uint8Array([0xff, 0xff]))).toBe(0);
  });

  it('agrees with Buffer.compare in sign, for caller keys and arena bytes alike', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const expected = Math.sign(reference(a, b));
        const mem = new Uint8Array(a.length + b.length + 3);
        mem.set(a, 1);
        mem.set(b, 2 + a.length);
        expect(Math.sign(compareBytes(a, b))).toBe(expected);
        expect(Math.sign(compareKeyToArena(a, mem, 2 + a.length, b.length))).toBe(expected);
        expect(Math.sign(compareArena(mem, 1, a.length, 2 + a.length, b.length))).toBe(expected);
      }),
    );
  });

  it('keyPrefix32 never contradicts the byte order: a < b implies prefix(a) <= prefix(b)', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const c = reference(a, b);
        const pa = keyPrefix32(a);
        const pb = keyPrefix32(b);
        if (c < 0) expect(pa).toBeLessThanOrEqual(pb);
        if (c > 0) expect(pa).toBeGreaterThanOrEqual(pb);
        if (pa !== pb) expect(Math.sign(pa - pb)).toBe(Math.sign(c));
        const mem = new Uint8Array(a.length + 2);
        mem.set(a, 2);
        expect(arenaPrefix32(mem, 2, a.length)).toBe(pa);
      }),
    );
  });

  it('prefixSuccessor bounds exactly the keys that start with the prefix', () => {
    fc.assert(
      fc.property(key, key, (prefix, k) => {
        const upper = prefixSuccessor(prefix);
        const inside = hasPrefix(k, prefix);
        const belowUpper = upper === undefined || compareBytes(k, upper) < 0;
        const atOrAbove = compareBytes(k, prefix) >= 0;
        expect(inside).toBe(atOrAbove && belowUpper);
      }),
    );
    expect(prefixSuccessor(new Uint8Array([0xff, 0xff]))).toBeUndefined();
    expect(prefixSuccessor(new Uint8Array([]))).toBeUndefined();
    expect([...prefixSuccessor(new Uint8Array([1, 0xff]))!]).toEqual([2]);
  });
});

describe('copyFromWords', () => {
  const region = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 255);
  const words = new Int32Array(region.buffer);

  it('copies every length at every source alignment and target offset, with and without a DataView, and nothing around it', () => {
    for (let at = 0; at < 8; at++) {
      for (let length = 0; at + length <= region.length; length++) {
        for (const offset of [0, 1, 3]) {
          for (const withView of [false, true]) {
            const target = new Uint8Array(offset + length + 2).fill(0xaa);
            const view = withView ? new DataView(target.buffer) : null;
            copyFromWords(region, words, at, length, target, offset, view);
            const where = `at ${at}, length ${length}, offset ${offset}, view ${withView}`;
            expect([...target.subarray(offset, offset + length)], where).toEqual([
              ...region.subarray(at, at + length),
            ]);
            expect(target[offset - 1] ?? 0xaa, `${where}: before`).toBe(0xaa);
            expect(target[offset + length], `${where}: after`).toBe(0xaa);
          }
        }
      }
    }
  });
});

describe('copyToWords', () => {
  const source = new Uint8Array(100).map((_, i) => (i * 37 + 11) & 255);

  it('copies every length up to past the memcpy cut, from every source offset, to every target alignment, and nothing around it', () => {
    for (let at = 8; at < 16; at++) {
      for (const offset of [0, 1, 2, 3]) {
        for (let length = 0; offset + length <= source.length; length++) {
          const region = new Uint8Array(128).fill(0xaa);
          const words = new Int32Array(region.buffer);
          const from = offset === 0 ? source.subarray(0, length) : source;
          copyToWords(region, words, at, from, offset, length);
          const where = `at ${at}, offset ${offset}, length ${length}`;
          expect([...region.subarray(at, at + length)], where).toEqual([
            ...source.subarray(offset, offset + length),
          ]);
          expect(region[at - 1], `${where}: before`).toBe(0xaa);
          expect(region[at + length], `${where}: after`).toBe(0xaa);
        }
      }
    }
  });
});
