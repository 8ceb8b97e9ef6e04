import { describe, expect, it } from 'vitest';
import { compareBytes, latin1 } from '../src/bytes.js';
import { Dataset, PREFIX_LENGTH, Prng, permutation, prefixSuccessor } from '../src/data.js';

const key = (d: Dataset, i: number) => d.keys.subarray(i * d.keySize, (i + 1) * d.keySize);

describe('Dataset', () => {
  it('is the same for the same seed, and differs for another', () => {
    const a = new Dataset(500, 16, 100, 7);
    const b = new Dataset(500, 16, 100, 7);
    const c = new Dataset(500, 16, 100, 8);
    expect(a.keys).toEqual(b.keys);
    expect(a.readOrder).toEqual(b.readOrder);
    expect(a.values[3]).toEqual(b.values[3]);
    expect(a.keys).not.toEqual(c.keys);
  });

  it('short keys are still distinct', () => {
    const d = new Dataset(20_000, 2, 8, 1);
    const seen = new Set<string>();
    for (let i = 0; i < d.num; i++) seen.add(latin1(key(d, i)));
    expect(seen.size).toBe(d.num);
    expect(() => new Dataset(40_000, 2, 8, 1)).toThrow(/too dense/);
  });

  it('sortedOrder walks the keys in ascending bytewise order', () => {
    const d = new Dataset(2000, 16, 10, 3);
    const order = d.sortedOrder;
    for (let i = 1; i < order.length; i++) {
      expect(compareBytes(key(d, order[i - 1]), key(d, order[i]))).toBeLessThan(0);
    }
  });

  it('the orders are permutations; seeks pick N/10 keys', () => {
    const d = new Dataset(1000, 16, 10, 3);
    expect([...d.readOrder].sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
    expect(d.overwriteOrder).not.toEqual(d.readOrder);
    expect(d.seekOrder).toHaveLength(100);
    expect(Math.max(...d.seekOrder)).toBeLessThan(1000);
  });

  it('prefixscan keys share prefixes from a pool of N/100, each scanned once', () => {
    const d = new Dataset(5000, 16, 10, 3);
    const p = d.prefix;
    expect(p.prefixes).toHaveLength(50);
    expect(p.scanOrder).toHaveLength(50);
    expect(p.counts.reduce((s, c) => s + c, 0)).toBe(5000);
    const pool = new Set(p.prefixes.map(latin1));
    for (let i = 0; i < 5000; i++) {
      expect(pool.has(latin1(p.keys.subarray(i * 16, i * 16 + PREFIX_LENGTH)))).toBe(true);
    }
  });
});

describe('helpers', () => {
  it('prefixSuccessor is the least key above every extension', () => {
    expect(prefixSuccessor(Uint8Array.of(1, 2))).toEqual(Uint8Array.of(1, 3));
    expect(prefixSuccessor(Uint8Array.of(1, 0xff))).toEqual(Uint8Array.of(2));
    expect(prefixSuccessor(Uint8Array.of(0xff, 0xff))).toBeUndefined();
  });

  it('compareBytes orders unsigned, a key before its extensions', () => {
    expect(compareBytes(Uint8Array.of(0x7f), Uint8Array.of(0x80))).toBeLessThan(0);
    expect(compareBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBeLessThan(0);
    expect(compareBytes(Uint8Array.of(), Uint8Array.of())).toBe(0);
  });

  it('latin1 keeps distinct keys distinct', () => {
    const all = new Set<string>();
    for (let b = 0; b < 256; b++) all.add(latin1(Uint8Array.of(b)));
    expect(all.size).toBe(256);
  });

  it('Prng.below stays in range and permutation is a permutation', () => {
    const prng = new Prng(1);
    for (let i = 0; i < 1000; i++) expect(prng.below(7)).toBeLessThan(7);
    expect([...permutation(10, prng)].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });
});
