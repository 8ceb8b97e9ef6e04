import { describe, expect, it } from 'vitest';
import { createTable } from '../src/index.js';

const b = (s: string) => new TextEncoder().encode(s);
const d = (u: Uint8Array | undefined) => (u ? new TextDecoder().decode(u) : u);
describe('smoke', () => {
  for (const opts of [
    {},
    { prefixExtractor: 1, bucketCount: 2 },
    { prefixExtractor: 0 },
    { prefixExtractor: (k: Uint8Array) => k.length, bucketCount: 7 },
  ]) {
    it(`works ${JSON.stringify(opts)}`, () => {
      const t = createTable(opts);
      t.put(b('b'), b('1'));
      t.put(b('a'), b('2'));
      t.delete(b('b'));
      t.put(b('c'), b('3'));
      expect(d(t.get(b('a')))).toBe('2');
      expect(t.get(b('b'))).toBeUndefined();
      expect(d(t.get(b('b'), { snapshot: 0 }))).toBe('1');
      expect([...t.keys()].map(d)).toEqual(['a', 'c']);
      expect([...t.keys({ reverse: true })].map(d)).toEqual(['c', 'a']);
      expect([...t.keys({ snapshot: 1 })].map(d)).toEqual(['a', 'b']);
      expect([...t.keys({ snapshot: 1, reverse: true })].map(d)).toEqual(['b', 'a']);
      expect([...t.keys({ gt: b('a') })].map(d)).toEqual(['c']);
      expect([...t.prefix(b('c'))].map(([k]) => d(k))).toEqual(['c']);
      const c = t.cursor();
      c.first();
      const seen: string[] = [];
      while (c.valid) {
        seen.push(`${d(c.key)}@${c.seq}:${c.kind}`);
        c.next();
      }
      expect(seen).toEqual(['a@1:put', 'b@2:delete', 'b@0:put', 'c@3:put']);
      c.seekForPrev(b('bz'));
      expect(d(c.key)).toBe('b');
      expect(c.seq).toBe(0);
      c.next();
      expect(d(c.key)).toBe('c');
      c.prev();
      c.prev();
      expect(d(c.key)).toBe('b');
      expect(c.seq).toBe(2);
      expect(() => t.put(b('a'), b('x'), 1)).toThrow(
        expect.objectContaining({ code: 'MEMREP_DUPLICATE_SEQ' }),
      );
      expect(t.count).toBe(4);
      expect(t.lastSeq).toBe(3);
      expect(t.dataSize).toBe(7);
    });
  }
});
