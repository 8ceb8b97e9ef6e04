import { describe, expect, it } from 'vitest';
import { entryLine, hexPairs, TableModel, utf8 } from '../src/index.js';

// The model is the oracle of the property tests; these pin the corners it must get right by
// itself (the property tests only show that it and ReferenceTable agree).
describe('TableModel', () => {
  it('keeps versions in internal order and rejects a (key, seq) pair already held', () => {
    const model = new TableModel();
    model.put(utf8('b'), utf8('1'), 5);
    model.put(utf8('a'), utf8('2'), 3);
    model.delete(utf8('b'), 9);
    expect(() => model.put(utf8('b'), utf8('x'), 5)).toThrow(
      expect.objectContaining({ code: 'MEMREP_DUPLICATE_SEQ' }),
    );
    expect(model.visible().map(entryLine)).toEqual(['61@3:put=32', '62@9:delete=', '62@5:put=31']);
    expect([model.count, model.dataSize, model.lastSeq]).toEqual([3, 5, 9]);
    expect(model.put(utf8('c'), utf8('3'))).toBe(10);
  });

  it('reads as of a snapshot and hides tombstones', () => {
    const model = new TableModel();
    model.put(utf8('k'), utf8('v0'));
    model.delete(utf8('k'));
    expect(model.get(utf8('k'))).toBeUndefined();
    expect(model.get(utf8('k'), 0)).toEqual(utf8('v0'));
    expect(model.find(utf8('k'))?.kind).toBe('delete');
    expect(model.range()).toEqual([]);
  });

  it('applies bounds, prefix, reverse and limit like the contract says', () => {
    const model = new TableModel();
    for (const key of ['a', 'ab', 'abc', 'b', 'ba']) model.put(utf8(key), utf8(key));
    expect(hexPairs(model.range({ gt: utf8('a'), lt: utf8('b') }))).toEqual([
      '6162=6162',
      '616263=616263',
    ]);
    expect(hexPairs(model.range({ reverse: true, limit: 2 }, utf8('a')))).toEqual([
      '616263=616263',
      '6162=6162',
    ]);
    expect(model.range({ limit: -1 }).length).toBe(5);
    expect(model.range({ gte: utf8('b'), lte: utf8('a') })).toEqual([]);
  });

  it('copies what it is given, Buffers included', () => {
    const model = new TableModel();
    const key = Buffer.from('key');
    model.put(key, Buffer.from('value'));
    key.fill(0);
    expect(model.get(utf8('key'))).toEqual(utf8('value'));
  });

  it('walks a cursor with seek landing on the newest and seekForPrev on the oldest version', () => {
    const model = new TableModel();
    model.put(utf8('a'), utf8('1'));
    model.put(utf8('a'), utf8('2'));
    model.put(utf8('b'), utf8('3'));
    const cursor = model.cursor();
    cursor.seek(utf8('a'));
    expect(cursor.entry?.seq).toBe(1);
    cursor.seekForPrev(utf8('a'));
    expect(cursor.entry?.seq).toBe(0);
    cursor.next();
    cursor.next();
    cursor.next();
    expect(cursor.valid).toBe(false);
    expect(model.cursor(0).entry).toBeUndefined();
  });
});
