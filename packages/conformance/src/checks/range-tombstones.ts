import { expect } from 'vitest';
import type { ConformanceCheck, ConformanceTable } from '../options.js';
import {
  cursorLines,
  entryLine,
  expectBytes,
  expectRejected,
  hexKeys,
  hexPairs,
  rangeTombstoneLines,
  text,
  utf8,
} from '../support.js';

const group = 'range tombstones';

function keysOf(table: ConformanceTable, snapshot?: number): string[] {
  return Array.from(table.keys(snapshot === undefined ? undefined : { snapshot }), text);
}

/** a..f at seqs 0..5, then deleteRange(b, e) at seq 6. */
function tableWithRange(ctx: Parameters<ConformanceCheck['run']>[0]): ConformanceTable {
  const table = ctx.create();
  for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) table.put(utf8(k), utf8(k.toUpperCase()));
  expect(table.deleteRange(utf8('b'), utf8('e'))).toBe(6);
  return table;
}

export const rangeTombstoneChecks: ConformanceCheck[] = [
  {
    group,
    name: 'deleteRange hides the keys in [start, end) below its seq, from its seq on; start is in, end is out',
    run(ctx) {
      const table = tableWithRange(ctx);
      expect(keysOf(table)).toEqual(['a', 'e', 'f']);
      expect(keysOf(table, 5)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      expect(keysOf(table, 6)).toEqual(['a', 'e', 'f']);
      expectBytes(table.get(utf8('e')), utf8('E'));
      expect(table.get(utf8('b'))).toBeUndefined();
      expectBytes(table.get(utf8('b'), { snapshot: 5 }), utf8('B'));
      table.put(utf8('e\x00'), utf8('x'), 3);
      table.put(utf8('d\xff'), utf8('y'), 3);
      expectBytes(table.get(utf8('e\x00')), utf8('x'));
      expect(table.get(utf8('d\xff'))).toBeUndefined();
    },
  },
  {
    group,
    name: 'an entry with a seq above the range tombstone is not hidden; one below it is, whenever it was written',
    run(ctx) {
      const table = tableWithRange(ctx);
      table.put(utf8('c'), utf8('new'));
      table.put(utf8('d'), utf8('late-but-old'), 2);
      expect(keysOf(table)).toEqual(['a', 'c', 'e', 'f']);
      expectBytes(table.get(utf8('c')), utf8('new'));
      expect(table.get(utf8('d'))).toBeUndefined();
      expect(table.has(utf8('d'))).toBe(false);
      expect(table.get(utf8('c'), { snapshot: 6 })).toBeUndefined();
      const t = ctx.create();
      t.deleteRange(utf8('a'), utf8('z'), 10);
      t.put(utf8('m'), utf8('at10'), 10);
      t.put(utf8('n'), utf8('at9'), 9);
      expectBytes(t.get(utf8('m')), utf8('at10'));
      expect(t.get(utf8('n'))).toBeUndefined();
    },
  },
  {
    group,
    name: 'every read honours range tombstones: get, has, find, range, keys, values, prefix, the iterator, reverse',
    run(ctx) {
      const table = tableWithRange(ctx);
      table.put(utf8('bb'), utf8('hidden'), 1);
      const live = ['a=A', 'e=E', 'f=F'].map((s) =>
        s.replace(/./g, (ch) => (ch === '=' ? '=' : ch.charCodeAt(0).toString(16))),
      );
      expect(hexPairs(table.range())).toEqual(live);
      expect(hexPairs(table)).toEqual(live);
      expect(hexPairs(table.range({ reverse: true }))).toEqual([...live].reverse());
      expect(hexKeys(table.values())).toEqual(hexKeys([utf8('A'), utf8('E'), utf8('F')]));
      expect(hexPairs(table.prefix(utf8('b')))).toEqual([]);
      expect(hexPairs(table.range({ gte: utf8('b'), lt: utf8('e') }))).toEqual([]);
      expect(hexPairs(table.range({ gt: utf8('a'), limit: 1 }))).toEqual([live[1]]);
      expect(hexPairs(table.range({ lt: utf8('e'), reverse: true }))).toEqual([live[0]]);
      for (const k of ['b', 'bb', 'c', 'd']) {
        expect(table.get(utf8(k)), k).toBeUndefined();
        expect(table.has(utf8(k)), k).toBe(false);
        expect(table.find(utf8(k))?.kind, k).toBe('delete');
      }
    },
  },
  {
    group,
    name: 'find of a covered key reports the range tombstone: kind delete, its seq, no value; also for a key never written',
    run(ctx) {
      const table = tableWithRange(ctx);
      expect(entryLine(table.find(utf8('c')) as never)).toBe('63@6:delete=');
      expect(entryLine(table.find(utf8('cc')) as never)).toBe('6363@6:delete=');
      expect(table.find(utf8('c'))?.value).toBeUndefined();
      expect(entryLine(table.find(utf8('c'), { snapshot: 5 }) as never)).toBe('63@2:put=43');
      expect(table.find(utf8('cc'), { snapshot: 5 })).toBeUndefined();
      table.delete(utf8('c'), 3);
      expect(table.find(utf8('c'))?.seq).toBe(6);
      table.put(utf8('c'), utf8('C2'));
      expect(entryLine(table.find(utf8('c')) as never)).toBe('63@7:put=4332');
    },
  },
  {
    group,
    name: 'a cursor walks every point entry under a range tombstone, at every snapshot',
    run(ctx) {
      const table = tableWithRange(ctx);
      const all = ['a', 'b', 'c', 'd', 'e', 'f'].map(
        (k, i) =>
          `${k.charCodeAt(0).toString(16)}@${i}:put=${k.toUpperCase().charCodeAt(0).toString(16)}`,
      );
      expect(cursorLines(table)).toEqual(all);
      expect(cursorLines(table, 6)).toEqual(all);
      const cursor = table.cursor();
      cursor.seek(utf8('c'));
      expect(entryLine(cursor)).toBe(all[2]);
      cursor.last();
      cursor.prev();
      cursor.prev();
      expect(entryLine(cursor)).toBe(all[3]);
    },
  },
  {
    group,
    name: 'rangeTombstones yields those visible at the snapshot, by start ascending then seq descending',
    run(ctx) {
      const table = ctx.create();
      expect(rangeTombstoneLines(table)).toEqual([]);
      table.deleteRange(utf8('m'), utf8('p'), 4);
      table.deleteRange(utf8('a'), utf8('c'), 2);
      table.deleteRange(utf8('m'), utf8('n'), 9);
      table.deleteRange(utf8('b'), utf8('z'), 7);
      expect(rangeTombstoneLines(table)).toEqual(['61..63@2', '62..7a@7', '6d..6e@9', '6d..70@4']);
      expect(Array.from(table.rangeTombstones(), (t) => t.seq)).toEqual([2, 7, 9, 4]);
      expect(rangeTombstoneLines(table, 4)).toEqual(['61..63@2', '6d..70@4']);
      expect(rangeTombstoneLines(table, 1)).toEqual([]);
      const [first] = table.rangeTombstones();
      expect(first.start).toBeInstanceOf(Uint8Array);
    },
  },
  {
    group,
    name: 'overlapping range tombstones: the highest seq visible at the snapshot that covers a key decides',
    run(ctx) {
      const table = ctx.create();
      for (let i = 0; i < 10; i++) table.put(utf8(`k${i}`), utf8(`v${i}`), 10 + i);
      table.deleteRange(utf8('k2'), utf8('k8'), 15);
      table.deleteRange(utf8('k0'), utf8('k5'), 30);
      table.deleteRange(utf8('k4'), utf8('k6'), 12);
      table.put(utf8('k3'), utf8('w3'), 31);
      table.put(utf8('k7'), utf8('w7'), 16);
      expect(keysOf(table)).toEqual(['k3', 'k5', 'k6', 'k7', 'k8', 'k9']);
      expect(keysOf(table, 29)).toEqual(['k0', 'k1', 'k5', 'k6', 'k7', 'k8', 'k9']);
      expect(keysOf(table, 14)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
      expect(table.find(utf8('k4'))?.seq).toBe(30);
      expect(entryLine(table.find(utf8('k5')) as never)).toBe('6b35@15:put=7635');
      expect(entryLine(table.find(utf8('k4'), { snapshot: 13 }) as never)).toBe('6b34@12:delete=');
    },
  },
  {
    group,
    name: 'count counts range tombstones and dataSize adds their start and end lengths',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('ab'), utf8('123'));
      table.deleteRange(utf8('a'), utf8('abc'));
      expect([table.count, table.dataSize, table.lastSeq]).toEqual([2, 5 + 4, 1]);
      table.deleteRange(utf8(''), utf8('\x00'), 0);
      expect([table.count, table.dataSize, table.lastSeq]).toEqual([3, 10, 1]);
    },
  },
  {
    group,
    name: 'an iterator opened before a range delete does not see it',
    run(ctx) {
      const table = ctx.create();
      for (const k of ['a', 'b', 'c']) table.put(utf8(k), utf8(k));
      const it = table.keys();
      expect(text(it.next().value as Uint8Array)).toBe('a');
      table.deleteRange(utf8('a'), utf8('z'));
      expect(hexKeys(it)).toEqual(hexKeys([utf8('b'), utf8('c')]));
      expect(keysOf(table)).toEqual([]);
    },
  },
  {
    group,
    name: 'deleteRange with start >= end, or bounds that are not bytes, is a TypeError and changes nothing',
    run(ctx) {
      const table = tableWithRange(ctx);
      const deleteRange = table.deleteRange.bind(table) as (...args: unknown[]) => number;
      for (const [start, end] of [
        [utf8('b'), utf8('b')],
        [utf8('c'), utf8('b')],
        [utf8('a'), utf8('')],
        ['a', utf8('b')],
        [utf8('a'), null],
        [undefined, undefined],
      ]) {
        expectRejected(table, () => deleteRange(start, end), 'MEMREP_INVALID_ARGUMENT', TypeError);
      }
      expectRejected(
        table,
        () => deleteRange(utf8('a'), utf8('b'), -1),
        'MEMREP_INVALID_ARGUMENT',
        TypeError,
      );
    },
  },
  {
    group,
    name: 'deleteRange throws MEMREP_FROZEN after freeze, MEMREP_LIMIT_EXCEEDED past maxKeySize, MEMREP_ARENA_FULL past maxSize, each changing nothing',
    run(ctx) {
      const limited = ctx.create({ maxKeySize: 3 });
      limited.put(utf8('a'), utf8('1'));
      expectRejected(
        limited,
        () => limited.deleteRange(utf8('a'), utf8('bbbb')),
        'MEMREP_LIMIT_EXCEEDED',
        RangeError,
      );
      const small = ctx.create({ blockSize: ctx.smallBlockSize, maxSize: ctx.smallMaxSize });
      small.put(utf8('a'), utf8('1'));
      expectRejected(
        small,
        () => small.deleteRange(utf8('a'), new Uint8Array(ctx.smallMaxSize).fill(0xff)),
        'MEMREP_ARENA_FULL',
      );
      expect(small.deleteRange(utf8('a'), utf8('b'))).toBe(1);
      small.freeze();
      expectRejected(small, () => small.deleteRange(utf8('c'), utf8('d')), 'MEMREP_FROZEN');
    },
  },
];
