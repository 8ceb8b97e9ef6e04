import { describe, expect, it } from 'vitest';
import {
  BATCH_HEADER_SIZE,
  TAG_DELETE,
  TAG_PUT,
  TAG_RANGE_DELETE,
  WriteBatch,
  WriteBatchReader,
} from '../src/backend.js';

const b = (...xs: number[]) => new Uint8Array(xs);

function ops(batch: WriteBatch): [number, number[], number[]][] {
  const r = new WriteBatchReader(batch.rep);
  const out: [number, number[], number[]][] = [];
  while (r.next()) out.push([r.tag, [...r.key()], [...r.value()]]);
  return out;
}

describe('WriteBatch', () => {
  it('records operations in order with their tags, and counts keys, values and bounds', () => {
    const batch = new WriteBatch().put(b(1), b(2, 3)).delete(b()).deleteRange(b(4), b(5, 0));
    expect(batch.count).toBe(3);
    expect(batch.byteSize).toBe(3 + 0 + 3);
    expect(ops(batch)).toEqual([
      [TAG_PUT, [1], [2, 3]],
      [TAG_DELETE, [], []],
      [TAG_RANGE_DELETE, [4], [5, 0]],
    ]);
  });

  it('copies what it is given', () => {
    const key = b(7);
    const batch = new WriteBatch().put(key, key);
    key[0] = 9;
    expect(ops(batch)).toEqual([[TAG_PUT, [7], [7]]]);
  });

  it('rejects a bad operation when it is added and stays as it was', () => {
    const batch = new WriteBatch().put(b(1), b(1));
    const before = [...batch.rep];
    expect(() => batch.put('k' as never, b())).toThrow(
      expect.objectContaining({ code: 'MEMREP_INVALID_ARGUMENT' }),
    );
    expect(() => batch.put(b(), null as never)).toThrow(TypeError);
    expect(() => batch.delete(1 as never)).toThrow(TypeError);
    expect(() => batch.deleteRange(b(2), b(2))).toThrow(
      expect.objectContaining({ code: 'MEMREP_INVALID_ARGUMENT' }),
    );
    expect(() => batch.deleteRange(b(3), b(2))).toThrow(TypeError);
    expect(() => batch.deleteRange(b(1, 0), b(1))).toThrow(TypeError);
    expect(batch.count).toBe(1);
    expect([...batch.rep]).toEqual(before);
  });

  it('grows past its first buffer and keeps long lengths (multi-byte varints)', () => {
    const big = new Uint8Array(70_000).fill(3);
    const batch = new WriteBatch();
    for (let i = 0; i < 50; i++) batch.put(b(i), b(i));
    batch.put(b(99), big);
    const decoded = ops(batch);
    expect(decoded.length).toBe(51);
    expect(decoded[50][2].length).toBe(70_000);
    expect(batch.byteSize).toBe(100 + 1 + 70_000);
  });

  it('round-trips through its encoding, sequence included', () => {
    const batch = new WriteBatch().put(b(1), b(2)).deleteRange(b(0), b(9));
    batch.sequence = 2 ** 40 + 5;
    const copy = WriteBatch.fromRep(batch.rep);
    expect(copy.sequence).toBe(2 ** 40 + 5);
    expect(copy.count).toBe(2);
    expect(copy.byteSize).toBe(batch.byteSize);
    expect([...copy.rep]).toEqual([...batch.rep]);
  });

  it('clear empties it for reuse', () => {
    const batch = new WriteBatch().put(b(1), b(2));
    batch.sequence = 4;
    batch.clear();
    expect(batch.count).toBe(0);
    expect(batch.byteSize).toBe(0);
    expect(batch.sequence).toBe(0);
    expect(batch.rep.length).toBe(BATCH_HEADER_SIZE);
  });

  it('rejects a sequence outside [0, 2^53)', () => {
    const batch = new WriteBatch();
    expect(() => {
      batch.sequence = -1;
    }).toThrow(TypeError);
    expect(() => {
      batch.sequence = 2 ** 53;
    }).toThrow(TypeError);
  });
});

describe('WriteBatch.fromRep', () => {
  const corrupt = expect.objectContaining({ code: 'MEMREP_CORRUPTION' });
  const good = () => new WriteBatch().put(b(1, 2), b(3)).delete(b(4)).deleteRange(b(1), b(2)).rep;

  it('rejects a short header', () => {
    expect(() => WriteBatch.fromRep(b(0, 0, 0))).toThrow(corrupt);
  });

  it('rejects a count that disagrees with the records', () => {
    const rep = new Uint8Array(good());
    rep[8] = 2;
    expect(() => WriteBatch.fromRep(rep)).toThrow(corrupt);
    rep[8] = 4;
    expect(() => WriteBatch.fromRep(rep)).toThrow(corrupt);
  });

  it('rejects an unknown tag, a cut record, a length past the end and an inverted range', () => {
    const rep = new Uint8Array(good());
    rep[BATCH_HEADER_SIZE] = 0x07;
    expect(() => WriteBatch.fromRep(rep)).toThrow(corrupt);
    expect(() => WriteBatch.fromRep(good().subarray(0, good().length - 1))).toThrow(corrupt);
    const long = new Uint8Array(good());
    long[BATCH_HEADER_SIZE + 1] = 0x7f;
    expect(() => WriteBatch.fromRep(long)).toThrow(corrupt);
    const inverted = new WriteBatch().deleteRange(b(1), b(2)).rep;
    const bad = new Uint8Array(inverted);
    bad[bad.length - 1] = 0;
    expect(() => WriteBatch.fromRep(bad)).toThrow(corrupt);
  });

  it('never throws anything but a corruption error on random bytes', () => {
    let x = 0x9e3779b9;
    for (let n = 0; n < 2000; n++) {
      const rep = new Uint8Array(BATCH_HEADER_SIZE + (n % 40));
      for (let i = 0; i < rep.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        rep[i] = x & (i < BATCH_HEADER_SIZE && i !== 8 ? 0 : 0xff);
      }
      try {
        WriteBatch.fromRep(rep);
      } catch (error) {
        expect(error).toMatchObject({ code: 'MEMREP_CORRUPTION' });
      }
    }
  });
});
