import type { Table } from '@memrep/core';
import { expect } from 'vitest';
import type { ConformanceCheck } from '../options.js';
import { cursorLines, expectBytes, hex, hexKeys, hexPairs, utf8 } from '../support.js';

const group = 'point reads and snapshots';

/** What every read method says about the table as of `snapshot`, in one comparable object. */
function readsAt(table: Table, snapshot: number | undefined) {
  const options = snapshot === undefined ? undefined : { snapshot };
  const opts = options ?? {};
  return {
    get: ['a', 'b', 'c'].map((k) => hex(table.get(utf8(k), options))),
    has: ['a', 'b', 'c'].map((k) => table.has(utf8(k), options)),
    find: ['a', 'b', 'c'].map((k) => {
      const e = table.find(utf8(k), options);
      return e && `${e.seq}:${e.kind}:${hex(e.value)}`;
    }),
    range: hexPairs(table.range(options)),
    reverse: hexPairs(table.range({ ...opts, reverse: true })),
    keys: hexKeys(table.keys(options)),
    values: hexKeys(table.values(options)),
    prefix: hexPairs(table.prefix(utf8('b'), options)),
    cursor: cursorLines(table, snapshot),
  };
}

export const readChecks: ConformanceCheck[] = [
  {
    group,
    name: 'get, has and find see the newest version at or below the snapshot',
    run(ctx) {
      const table = ctx.create();
      const k = utf8('k');
      table.put(k, utf8('v0'));
      table.put(utf8('other'), utf8('x'));
      table.put(k, utf8('v2'));
      table.put(k, utf8('v3'));
      for (const [snapshot, want, seq] of [
        [0, 'v0', 0],
        [1, 'v0', 0],
        [2, 'v2', 2],
        [3, 'v3', 3],
      ] as const) {
        expectBytes(table.get(k, { snapshot }), utf8(want));
        expect(table.has(k, { snapshot })).toBe(true);
        const entry = table.find(k, { snapshot });
        expect(entry?.seq).toBe(seq);
        expect(entry?.kind).toBe('put');
        expectBytes(entry?.key, k);
        expectBytes(entry?.value, utf8(want));
      }
      expect(table.get(utf8('other'), { snapshot: 0 })).toBeUndefined();
      expect(table.has(utf8('other'), { snapshot: 0 })).toBe(false);
      expect(table.find(utf8('other'), { snapshot: 0 })).toBeUndefined();
      expect(table.find(utf8('absent'))).toBeUndefined();
      expect(table.get(utf8('absent'))).toBeUndefined();
    },
  },
  {
    group,
    name: 'a tombstone hides older versions at every snapshot',
    run(ctx) {
      const table = ctx.create();
      const k = utf8('k');
      table.put(utf8('a'), utf8('-'));
      table.put(k, utf8('v1'));
      table.delete(k);
      table.put(k, utf8('v3'));
      table.delete(k);
      table.put(utf8('z'), utf8('-'));
      const visible = [undefined, 'v1', undefined, 'v3', undefined, undefined];
      for (let snapshot = 0; snapshot < visible.length; snapshot++) {
        const want = visible[snapshot];
        const at = `snapshot ${snapshot}`;
        expect(hex(table.get(k, { snapshot })), at).toBe(want && hex(utf8(want)));
        expect(table.has(k, { snapshot }), at).toBe(want !== undefined);
        const entry = table.find(k, { snapshot });
        expect(entry?.kind, at).toBe(snapshot === 0 ? undefined : want ? 'put' : 'delete');
        if (entry?.kind === 'delete') expect(entry.value, at).toBeUndefined();
        const keys = hexKeys(table.keys({ snapshot }));
        expect(keys.includes('6b'), at).toBe(want !== undefined);
        expect(hexKeys(table.keys({ snapshot, reverse: true })).includes('6b'), at).toBe(
          want !== undefined,
        );
        expect(Array.from(table.prefix(k, { snapshot })).length, at).toBe(want ? 1 : 0);
        expect(Array.from(table.values({ snapshot, gte: k, lte: k }), hex), at).toEqual(
          want ? [hex(utf8(want))] : [],
        );
      }
      expect(cursorLines(table, 4).filter((line) => line.startsWith('6b@'))).toEqual([
        '6b@4:delete=',
        '6b@3:put=7633',
        '6b@2:delete=',
        '6b@1:put=7631',
      ]);
    },
  },
  {
    group,
    name: 'a read without a snapshot sees everything written so far, explicit low seqs included',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('a10'), 10);
      table.put(utf8('b'), utf8('b5'), 5);
      table.put(utf8('a'), utf8('a3'), 3);
      table.delete(utf8('c'), 1);
      expect(table.lastSeq).toBe(10);
      expectBytes(table.get(utf8('b')), utf8('b5'));
      expectBytes(table.get(utf8('a')), utf8('a10'));
      expect(table.find(utf8('c'))?.kind).toBe('delete');
      expect(hexPairs(table.range())).toEqual([`61=${hex(utf8('a10'))}`, `62=${hex(utf8('b5'))}`]);
      expect(cursorLines(table).length).toBe(4);
    },
  },
  {
    group,
    name: 'an older version written after a newer one stays hidden by it, however many writes and reads came between',
    run(ctx) {
      // A backend that indexes lazily (sorts on reads) has several places a key's versions
      // may be when the older one lands: the fillers and reads between put the newer one
      // through each of them (vector's tail, delta and run).
      for (const fillers of [0, 3, 100, 700]) {
        const table = ctx.create();
        const k = utf8('k');
        const gone = utf8('gone');
        table.put(k, utf8('new'), 1_000_000);
        table.delete(gone, 1_000_001);
        for (let i = 0; i < fillers; i++) {
          const filler = utf8(`f${i}`);
          table.put(filler, filler, 1_000_002 + i);
          if (i % 50 === 49) expectBytes(table.get(filler), filler);
        }
        expect(table.get(utf8('f')), `${fillers} fillers`).toBeUndefined();
        table.put(k, utf8('old'), 10);
        table.put(gone, utf8('old'), 11);
        expectBytes(table.get(k), utf8('new'));
        expect(table.find(k)?.seq, `${fillers} fillers`).toBe(1_000_000);
        expect(table.get(gone), `${fillers} fillers`).toBeUndefined();
        expect(table.has(gone)).toBe(false);
        expect(table.find(gone)?.kind).toBe('delete');
        expectBytes(table.get(k, { snapshot: 10 }), utf8('old'));
        expectBytes(table.get(gone, { snapshot: 999_999 }), utf8('old'));
        expect(table.get(k, { snapshot: 9 })).toBeUndefined();
      }
    },
  },
  {
    group,
    name: 'a snapshot above lastSeq sees everything; one below every seq sees nothing',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'), 5);
      table.put(utf8('b'), utf8('2'), 6);
      table.delete(utf8('a'), 7);
      expect(readsAt(table, 1000)).toEqual(readsAt(table, undefined));
      const empty = readsAt(table, 4);
      expect(empty).toEqual({
        get: [undefined, undefined, undefined],
        has: [false, false, false],
        find: [undefined, undefined, undefined],
        range: [],
        reverse: [],
        keys: [],
        values: [],
        prefix: [],
        cursor: [],
      });
    },
  },
  {
    group,
    name: 'every read takes a snapshot: get, has, find, range, keys, values, prefix and cursor',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('a0'));
      table.put(utf8('b'), utf8('b1'));
      table.put(utf8('c'), utf8('c2'));
      const atTwo = readsAt(table, 2);
      table.put(utf8('a'), utf8('a3'));
      table.delete(utf8('b'));
      table.put(utf8('bb'), utf8('bb5'));
      table.delete(utf8('c'));
      expect(readsAt(table, 2)).toEqual(atTwo);
      expect(atTwo.get).toEqual([hex(utf8('a0')), hex(utf8('b1')), hex(utf8('c2'))]);
      const now = readsAt(table, undefined);
      expect(now.keys).toEqual([hex(utf8('a')), hex(utf8('bb'))]);
      expect(now.prefix).toEqual([`${hex(utf8('bb'))}=${hex(utf8('bb5'))}`]);
      expect(now.find).toEqual([
        `3:put:${hex(utf8('a3'))}`,
        '4:delete:undefined',
        '6:delete:undefined',
      ]);
      expect(readsAt(table, 4)).toEqual({
        get: [hex(utf8('a3')), undefined, hex(utf8('c2'))],
        has: [true, false, true],
        find: [`3:put:${hex(utf8('a3'))}`, '4:delete:undefined', `2:put:${hex(utf8('c2'))}`],
        range: [`61=${hex(utf8('a3'))}`, `63=${hex(utf8('c2'))}`],
        reverse: [`63=${hex(utf8('c2'))}`, `61=${hex(utf8('a3'))}`],
        keys: ['61', '63'],
        values: [hex(utf8('a3')), hex(utf8('c2'))],
        prefix: [],
        cursor: [
          `61@3:put=${hex(utf8('a3'))}`,
          `61@0:put=${hex(utf8('a0'))}`,
          '62@4:delete=',
          `62@1:put=${hex(utf8('b1'))}`,
          `63@2:put=${hex(utf8('c2'))}`,
        ],
      });
    },
  },
];
