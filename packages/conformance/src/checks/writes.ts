import { expect } from 'vitest';
import type { ConformanceCheck, ConformanceTable } from '../options.js';
import {
  cursorLines,
  expectBytes,
  expectRejected,
  hex,
  hexPairs,
  tableState,
  utf8,
} from '../support.js';
import { pattern } from './keys.js';

const group = 'writes';

function fillKey(i: number): Uint8Array {
  return utf8(`fill-${String(i).padStart(5, '0')}`);
}

/**
 * Writes `valueSize`-byte values until the arena is full, checking that the failing write left
 * the table as it was. Returns how many writes succeeded.
 */
function fillUntilFull(table: ConformanceTable, valueSize: number, maxSize: number): number {
  const bound = Math.ceil(maxSize / valueSize) + 8;
  for (let i = 0; i < bound; i++) {
    const before = tableState(table);
    try {
      table.put(fillKey(i), pattern(valueSize, i));
    } catch (error) {
      expect((error as { code?: unknown }).code, String(error)).toBe('MEMREP_ARENA_FULL');
      expect(tableState(table), 'MEMREP_ARENA_FULL changed the table').toEqual(before);
      return i;
    }
  }
  throw new Error(`${bound} writes of ${valueSize} bytes never passed maxSize ${maxSize}`);
}

export const writeChecks: ConformanceCheck[] = [
  {
    group,
    name: 'put and delete return the seq they used; without a seq it is lastSeq + 1',
    run(ctx) {
      const table = ctx.create();
      expect(table.lastSeq).toBe(-1);
      expect(table.put(utf8('a'), utf8('1'))).toBe(0);
      expect(table.put(utf8('b'), utf8('2'))).toBe(1);
      expect(table.delete(utf8('a'))).toBe(2);
      expect(table.lastSeq).toBe(2);
      expect(table.put(utf8('c'), utf8('3'), 10)).toBe(10);
      expect(table.delete(utf8('c'), 4)).toBe(4);
      expect(table.lastSeq).toBe(10);
      expect(table.put(utf8('d'), utf8('4'))).toBe(11);
      expect(table.find(utf8('d'))?.seq).toBe(11);
    },
  },
  {
    group,
    name: 'explicit seqs may come in any order; the largest seq wins, not the latest write',
    run(ctx) {
      const table = ctx.create();
      const k = utf8('k');
      table.put(k, utf8('v5'), 5);
      table.put(k, utf8('v2'), 2);
      table.put(k, utf8('v9'), 9);
      table.delete(k, 7);
      expect(table.lastSeq).toBe(9);
      expectBytes(table.get(k), utf8('v9'));
      const expected = [undefined, undefined, 'v2', 'v2', 'v2', 'v5', 'v5', undefined, undefined];
      for (let s = 0; s < expected.length; s++) {
        const want = expected[s];
        expect(hex(table.get(k, { snapshot: s })), `snapshot ${s}`).toBe(
          want === undefined ? undefined : hex(utf8(want)),
        );
      }
      expect(cursorLines(table).map((line) => line.split(':')[0])).toEqual([
        '6b@9',
        '6b@7',
        '6b@5',
        '6b@2',
      ]);
      expect(table.put(utf8('j'), utf8('next'))).toBe(10);
    },
  },
  {
    group,
    name: 'seq 0 and 2^53 - 1 are valid; an auto seq past 2^53 - 1 throws and changes nothing',
    run(ctx) {
      const table = ctx.create();
      expect(table.put(utf8('a'), utf8('low'), 0)).toBe(0);
      expect(table.put(utf8('b'), utf8('high'), 2 ** 53 - 1)).toBe(2 ** 53 - 1);
      expect(table.lastSeq).toBe(2 ** 53 - 1);
      expect(table.find(utf8('b'))?.seq).toBe(2 ** 53 - 1);
      expectBytes(table.get(utf8('a'), { snapshot: 0 }), utf8('low'));
      const before = tableState(table);
      let thrown: unknown;
      try {
        table.put(utf8('c'), utf8('overflow'));
      } catch (error) {
        thrown = error;
      }
      expect(String((thrown as { code?: unknown } | undefined)?.code)).toMatch(/^MEMREP_/);
      expect(tableState(table)).toEqual(before);
    },
  },
  {
    group,
    name: 'writing a (key, seq) pair already held throws MEMREP_DUPLICATE_SEQ and changes nothing',
    run(ctx) {
      const table = ctx.create();
      const k = utf8('k');
      table.put(k, utf8('v3'), 3);
      table.put(k, utf8('v5'), 5);
      table.delete(k, 9);
      table.put(utf8('other'), utf8('x'));
      for (const seq of [3, 5, 9]) {
        expectRejected(table, () => table.put(k, utf8('again'), seq), 'MEMREP_DUPLICATE_SEQ');
        expectRejected(table, () => table.delete(k, seq), 'MEMREP_DUPLICATE_SEQ');
      }
      expectRejected(table, () => table.put(utf8('other'), utf8('y'), 10), 'MEMREP_DUPLICATE_SEQ');
      expectBytes(table.get(k, { snapshot: 5 }), utf8('v5'));
      expectBytes(table.get(k, { snapshot: 4 }), utf8('v3'));
      expect(table.count).toBe(4);
      expect(table.dataSize).toBe(1 + 2 + 1 + 2 + 1 + 5 + 1);
      expect(table.lastSeq).toBe(10);
      expect(table.put(k, utf8('v11'))).toBe(11);
    },
  },
  {
    group,
    name: 'the same seq on different keys is not a duplicate',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'), 7);
      table.put(utf8('b'), utf8('2'), 7);
      table.delete(utf8('c'), 7);
      table.put(utf8('a\u0000'), utf8('3'), 7);
      expect(table.count).toBe(4);
      expect(hexPairs(table.range())).toEqual(['61=31', '6100=33', '62=32']);
    },
  },
  {
    group,
    name: 'a new version never overwrites the old one',
    run(ctx) {
      const table = ctx.create();
      const k = utf8('k');
      table.put(k, utf8('first'));
      table.put(k, utf8('second'));
      table.put(k, utf8('third'));
      expect(table.count).toBe(3);
      expectBytes(table.get(k), utf8('third'));
      expectBytes(table.get(k, { snapshot: 0 }), utf8('first'));
      expectBytes(table.get(k, { snapshot: 1 }), utf8('second'));
      expect(cursorLines(table)).toEqual([
        `6b@2:put=${hex(utf8('third'))}`,
        `6b@1:put=${hex(utf8('second'))}`,
        `6b@0:put=${hex(utf8('first'))}`,
      ]);
    },
  },
  {
    group,
    name: 'delete writes a tombstone, also for a key never written',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('k'), utf8('v'));
      expect(table.delete(utf8('k'))).toBe(1);
      expect(table.delete(utf8('never'))).toBe(2);
      expect(table.count).toBe(3);
      expect(table.dataSize).toBe(1 + 1 + 1 + 5);
      expect(table.get(utf8('k'))).toBeUndefined();
      expect(table.has(utf8('never'))).toBe(false);
      expect(table.find(utf8('never'))).toEqual({
        key: expect.any(Uint8Array),
        seq: 2,
        kind: 'delete',
        value: undefined,
      });
      expect(Array.from(table.range())).toEqual([]);
    },
  },
  {
    group,
    name: 'after freeze, put and delete throw MEMREP_FROZEN and change nothing',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'));
      table.delete(utf8('b'));
      expect(table.frozen).toBe(false);
      table.freeze();
      expect(table.frozen).toBe(true);
      expectRejected(table, () => table.put(utf8('c'), utf8('3')), 'MEMREP_FROZEN');
      expectRejected(table, () => table.put(utf8('c'), utf8('3'), 100), 'MEMREP_FROZEN');
      expectRejected(table, () => table.delete(utf8('a')), 'MEMREP_FROZEN');
      expectRejected(table, () => table.delete(utf8('a'), 100), 'MEMREP_FROZEN');
    },
  },
  {
    group,
    name: 'freeze is idempotent',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'));
      table.freeze();
      const state = tableState(table);
      table.freeze();
      table.freeze();
      expect(table.frozen).toBe(true);
      expect(tableState(table)).toEqual(state);
    },
  },
  {
    group,
    name: 'a frozen table serves every read',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'));
      table.put(utf8('ab'), utf8('2'));
      table.delete(utf8('a'));
      table.put(utf8('b'), utf8('3'));
      const reads = () => ({
        get: [hex(table.get(utf8('ab'))), hex(table.get(utf8('a'), { snapshot: 1 }))],
        has: [table.has(utf8('a')), table.has(utf8('b'))],
        find: table.find(utf8('a'))?.kind,
        range: hexPairs(table.range()),
        reverse: hexPairs(table.range({ reverse: true, snapshot: 1 })),
        keys: Array.from(table.keys({ gt: utf8('a') }), hex),
        values: Array.from(table.values({ limit: 1 }), hex),
        prefix: hexPairs(table.prefix(utf8('a'), { snapshot: 2 })),
        iterator: hexPairs(table),
        cursor: cursorLines(table),
        snapshotCursor: cursorLines(table, 1),
        counters: [table.count, table.dataSize, table.lastSeq],
      });
      const before = reads();
      table.freeze();
      expect(reads()).toEqual(before);
      expect(before.range).toEqual(['6162=32', '62=33']);
    },
  },
  {
    group,
    name: "a write past the arena's maxSize throws MEMREP_ARENA_FULL and changes nothing",
    run(ctx) {
      const options = { blockSize: ctx.smallBlockSize, maxSize: ctx.smallMaxSize };
      const full = ctx.create(options);
      const capacity = fillUntilFull(full, 1000, ctx.smallMaxSize);
      expect(
        capacity,
        'smallArena.maxSize must hold at least 8 values of 1000 bytes',
      ).toBeGreaterThanOrEqual(8);
      for (let i = 0; i < capacity; i++) expectBytes(full.get(fillKey(i)), pattern(1000, i));
      expectRejected(full, () => full.put(utf8('x'), new Uint8Array(4000)), 'MEMREP_ARENA_FULL');
      expect(full.count).toBe(capacity);
      expect(full.lastSeq).toBe(capacity - 1);
    },
  },
  {
    group,
    name: 'after MEMREP_ARENA_FULL the table is still readable and writable with smaller entries',
    run(ctx) {
      const options = { blockSize: ctx.smallBlockSize, maxSize: ctx.smallMaxSize };
      const capacity = fillUntilFull(ctx.create(options), 1000, ctx.smallMaxSize);
      expect(capacity).toBeGreaterThanOrEqual(8);
      const table = ctx.create(options);
      for (let i = 0; i < capacity - 3; i++) table.put(fillKey(i), pattern(1000, i));
      table.delete(fillKey(0));
      expectRejected(
        table,
        () => table.put(utf8('big'), new Uint8Array(8000)),
        'MEMREP_ARENA_FULL',
      );
      expectRejected(
        table,
        () => table.put(utf8('big'), new Uint8Array(8000), 0),
        'MEMREP_ARENA_FULL',
      );
      const seq = table.lastSeq;
      for (let i = 0; i < 5; i++)
        expect(table.put(utf8(`small${i}`), utf8('tiny'))).toBe(seq + 1 + i);
      table.delete(utf8('small0'));
      expect(table.get(fillKey(0))).toBeUndefined();
      expectBytes(table.get(fillKey(1)), pattern(1000, 1));
      expectBytes(table.get(utf8('small4')), utf8('tiny'));
      expect(table.get(utf8('big'))).toBeUndefined();
      expect(Array.from(table.keys()).length).toBe(capacity - 3 - 1 + 5 - 1);
    },
  },
  {
    group,
    name: 'a value larger than maxSize throws MEMREP_ARENA_FULL on an empty table',
    run(ctx) {
      const table = ctx.create({ blockSize: ctx.smallBlockSize, maxSize: ctx.smallMaxSize });
      expectRejected(
        table,
        () => table.put(utf8('huge'), new Uint8Array(ctx.smallMaxSize + 8)),
        'MEMREP_ARENA_FULL',
      );
      expect(table.lastSeq).toBe(-1);
      expect(table.put(utf8('ok'), utf8('fits'))).toBe(0);
    },
  },
  {
    group,
    name: 'a key longer than maxKeySize is a RangeError naming the limit and its value',
    run(ctx) {
      const table = ctx.create({ maxKeySize: 8 });
      table.put(pattern(8), utf8('at the limit'));
      table.delete(pattern(8, 1));
      for (const write of [
        () => table.put(pattern(9), utf8('v')),
        () => table.put(pattern(9), utf8('v'), 100),
        () => table.delete(pattern(9)),
      ]) {
        const error = expectRejected(table, write, 'MEMREP_LIMIT_EXCEEDED', RangeError);
        expect(error.message).toContain('maxKeySize');
        expect(error.message).toContain('8');
      }
      expect(table.count).toBe(2);
    },
  },
  {
    group,
    name: 'a value longer than maxValueSize is a RangeError naming the limit and its value',
    run(ctx) {
      const table = ctx.create({ maxValueSize: 16 });
      table.put(utf8('k'), pattern(16));
      const error = expectRejected(
        table,
        () => table.put(utf8('k'), pattern(17)),
        'MEMREP_LIMIT_EXCEEDED',
        RangeError,
      );
      expect(error.message).toContain('maxValueSize');
      expect(error.message).toContain('16');
      table.delete(utf8('k'));
      expect(table.count).toBe(2);
    },
  },
];
