import { compareBytes } from '@memrep/core';
import { describe, expect, it } from 'vitest';
import { createTable } from '../src/index.js';

interface ModelEntry {
  key: Uint8Array;
  seq: number;
  value: Uint8Array | undefined;
}

function internalOrder(a: ModelEntry, b: ModelEntry): number {
  return compareBytes(a.key, b.key) || b.seq - a.seq;
}

function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function randomKey(next: () => number, maxLength: number, alphabet: number): Uint8Array {
  const n = Math.floor(next() * (maxLength + 1));
  const key = new Uint8Array(n);
  for (let i = 0; i < n; i++) key[i] = Math.floor(next() * alphabet);
  return key;
}

describe('SkipListTable against a sorted model', () => {
  for (const [name, maxLength, alphabet] of [
    ['short keys over a tiny alphabet (prefix ties everywhere)', 6, 3],
    ['keys sharing long prefixes', 12, 2],
    ['random 16-byte-ish keys', 16, 256],
  ] as const) {
    it(`holds every entry in internal order: ${name}`, () => {
      const next = rng(maxLength * 977 + alphabet);
      const table = createTable({ blockSize: 4096 });
      const model: ModelEntry[] = [];
      for (let i = 0; i < 5000; i++) {
        const key = randomKey(next, maxLength, alphabet);
        const seq = Math.floor(next() * 1e6);
        const value = next() < 0.2 ? undefined : randomKey(next, 8, 256);
        if (model.some((e) => e.seq === seq && compareBytes(e.key, key) === 0)) {
          expect(() => (value ? table.put(key, value, seq) : table.delete(key, seq))).toThrow(
            expect.objectContaining({ code: 'MEMREP_DUPLICATE_SEQ' }),
          );
          continue;
        }
        if (value === undefined) table.delete(key, seq);
        else table.put(key, value, seq);
        model.push({ key, seq, value });
      }
      model.sort(internalOrder);
      expect(table.count).toBe(model.length);

      const cursor = table.cursor();
      const forward: ModelEntry[] = [];
      for (cursor.first(); cursor.valid; cursor.next()) {
        forward.push({ key: cursor.key, seq: cursor.seq, value: cursor.value });
      }
      expect(forward).toEqual(model);

      const backward: ModelEntry[] = [];
      for (cursor.last(); cursor.valid; cursor.prev()) {
        backward.push({ key: cursor.key, seq: cursor.seq, value: cursor.value });
      }
      expect(backward).toEqual([...model].reverse());

      for (let i = 0; i < 500; i++) {
        const key = randomKey(next, maxLength, alphabet);
        const snapshot = Math.floor(next() * 1e6);
        const visible = model.find((e) => compareBytes(e.key, key) === 0 && e.seq <= snapshot);
        const found = table.find(key, { snapshot });
        if (visible === undefined) expect(found).toBeUndefined();
        else {
          expect(found?.seq).toBe(visible.seq);
          expect(table.get(key, { snapshot })).toEqual(visible.value);
        }
        cursor.seek(key);
        const at = model.findIndex((e) => compareBytes(e.key, key) >= 0);
        if (at < 0) expect(cursor.valid).toBe(false);
        else expect([cursor.key, cursor.seq]).toEqual([model[at].key, model[at].seq]);
        cursor.seekForPrev(key);
        let before = -1;
        for (let j = 0; j < model.length; j++) if (compareBytes(model[j].key, key) <= 0) before = j;
        if (before < 0) expect(cursor.valid).toBe(false);
        else expect([cursor.key, cursor.seq]).toEqual([model[before].key, model[before].seq]);
      }
    });
  }
});
