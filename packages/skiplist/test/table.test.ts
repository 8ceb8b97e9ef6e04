import { describe, expect, it } from 'vitest';
import { createTable, defaultMaxHeight, SkipListTable } from '../src/index.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (u: Uint8Array | undefined) => (u === undefined ? u : new TextDecoder().decode(u));

describe('SkipListTable options', () => {
  it('createTable() works with the defaults: branching [4, 2], maxHeight 20', () => {
    const table = createTable();
    expect(table).toBeInstanceOf(SkipListTable);
    expect(table.branching).toEqual([4, 2]);
    expect(table.maxHeight).toBe(20);
    expect(table.capabilities).toEqual({
      share: true,
      shareRequiresFrozen: false,
      concurrentWrites: true,
    });
    table.put(utf8('k'), utf8('v'));
    expect(text(table.get(utf8('k')))).toBe('v');
  });

  it('maxHeight defaults to 12 when towers climb at 1/4 above level 1', () => {
    expect(defaultMaxHeight(4)).toBe(12);
    expect(defaultMaxHeight([2, 4])).toBe(12);
    expect(defaultMaxHeight(2)).toBe(20);
    expect(createTable({ branching: 4 }).maxHeight).toBe(12);
    expect(createTable({ branching: 2 }).branching).toEqual([2, 2]);
  });

  it('a maxHeight outside [12, 20] or a bad branching is a TypeError naming the option', () => {
    for (const maxHeight of [11, 21, 12.5, Number.NaN]) {
      expect(() => createTable({ maxHeight })).toThrow(
        expect.objectContaining({
          code: 'MEMREP_INVALID_ARGUMENT',
          message: expect.stringMatching(/maxHeight/),
        }),
      );
    }
    expect(() => createTable({ branching: 3 as 2 })).toThrow(
      expect.objectContaining({
        code: 'MEMREP_INVALID_ARGUMENT',
        message: expect.stringMatching(/branching/),
      }),
    );
  });

  it('passes the arena and table options through', () => {
    const table = createTable({ blockSize: 4096, maxSize: 8192, id: 42, maxKeySize: 8 });
    expect(table.id).toBe(42);
    expect(table.memoryUsage).toBe(4096);
    expect(() => table.put(new Uint8Array(9), utf8('v'))).toThrow(
      expect.objectContaining({ code: 'MEMREP_LIMIT_EXCEEDED' }),
    );
    expect(() => table.put(utf8('k'), new Uint8Array(9000))).toThrow(
      expect.objectContaining({ code: 'MEMREP_ARENA_FULL' }),
    );
  });
});

describe('SkipListTable sharing', () => {
  it('share() is structured-clonable and attach() reads the same entries, read-only', () => {
    const table = createTable({ blockSize: 4096 });
    for (let i = 0; i < 500; i++) table.put(utf8(`key${i}`), utf8(`value${i}`));
    table.delete(utf8('key7'));
    const handle = structuredClone(table.share());
    const view = SkipListTable.attach(handle);
    expect(view.readOnly).toBe(true);
    expect(view.count).toBe(501);
    expect(text(view.get(utf8('key499')))).toBe('value499');
    expect(view.get(utf8('key7'))).toBeUndefined();
    expect(text(view.get(utf8('key7'), { snapshot: 100 }))).toBe('value7');
    expect([...view.keys({ reverse: true, limit: 2 })].map(text)).toEqual(['key99', 'key98']);
    // Writes after attaching, growing the arena, show up in the view.
    for (let i = 500; i < 1500; i++) table.put(utf8(`key${i}`), utf8(`value${i}`));
    expect(text(view.get(utf8('key1499')))).toBe('value1499');
    expect([...view.keys()]).toHaveLength(1499);
    expect(() => view.put(utf8('a'), utf8('b'))).toThrow(
      expect.objectContaining({ code: 'MEMREP_READ_ONLY' }),
    );
    expect(() => view.freeze()).toThrow(expect.objectContaining({ code: 'MEMREP_READ_ONLY' }));
  });

  it('attach rejects what share() did not make', () => {
    for (const handle of [null, 1, {}, { head: 8 }]) {
      expect(() => SkipListTable.attach(handle as never)).toThrow(TypeError);
    }
  });

  it('share() on an arena that is not shared memory is MEMREP_UNSUPPORTED', () => {
    expect(() => createTable({ shared: false }).share()).toThrow(
      expect.objectContaining({ code: 'MEMREP_UNSUPPORTED' }),
    );
  });
});

describe('SkipListTable reads', () => {
  it('reverse iteration yields each live key once, newest visible version, across versions', () => {
    const table = createTable({ blockSize: 4096 });
    const live = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 300; i++) {
        const key = `k${String((i * 7 + round) % 300).padStart(3, '0')}`;
        if ((i + round) % 5 === 0) {
          table.delete(utf8(key));
          live.delete(key);
        } else {
          table.put(utf8(key), utf8(`${key}.${round}`));
          live.set(key, `${key}.${round}`);
        }
      }
    }
    const want = [...live].sort(([a], [b]) => (a < b ? 1 : -1));
    expect([...table.range({ reverse: true })].map(([k, v]) => [text(k), text(v)])).toEqual(want);
    expect(
      [...table.range({ reverse: true, gte: utf8('k100'), lt: utf8('k200') })].map(([k]) =>
        text(k),
      ),
    ).toEqual(want.map(([k]) => k).filter((k) => k >= 'k100' && k < 'k200'));
  });
});
