import type { Cursor } from '@memrep/core';
import { expect } from 'vitest';
import { TableModel } from '../model.js';
import type { ConformanceCheck, ConformanceTable } from '../options.js';
import { bytes, entryLine, expectFailure, hex, utf8 } from '../support.js';

const group = 'cursor';

function expectInvalid(cursor: Cursor, where: string): void {
  expect(cursor.valid, where).toBe(false);
  expectFailure(() => cursor.key, 'MEMREP_INVALID_CURSOR');
  expectFailure(() => cursor.seq, 'MEMREP_INVALID_CURSOR');
  expectFailure(() => cursor.kind, 'MEMREP_INVALID_CURSOR');
  expectFailure(() => cursor.value, 'MEMREP_INVALID_CURSOR');
}

function line(cursor: Cursor): string | undefined {
  return cursor.valid ? entryLine(cursor) : undefined;
}

/** b has three versions, c a tombstone over a put, e one put; seqs 0..6. */
function populate(table: ConformanceTable, model: TableModel): void {
  const writes: Array<[string, string | undefined]> = [
    ['b', 'b0'],
    ['c', 'c1'],
    ['b', 'b2'],
    ['e', 'e3'],
    ['c', undefined],
    ['b', 'b5'],
    ['b\u0000', 'bz6'],
  ];
  for (const [key, value] of writes) {
    if (value === undefined) {
      table.delete(utf8(key));
      model.delete(utf8(key));
    } else {
      table.put(utf8(key), utf8(value));
      model.put(utf8(key), utf8(value));
    }
  }
}

export const cursorChecks: ConformanceCheck[] = [
  {
    group,
    name: 'a new cursor is unpositioned and reading its entry throws MEMREP_INVALID_CURSOR',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'));
      expectInvalid(table.cursor(), 'new cursor');
      expectInvalid(table.cursor({ snapshot: 0 }), 'new cursor with a snapshot');
    },
  },
  {
    group,
    name: 'on an empty table first, last, seek and seekForPrev leave the cursor invalid',
    run(ctx) {
      const cursor = ctx.create().cursor();
      cursor.first();
      expectInvalid(cursor, 'first');
      cursor.last();
      expectInvalid(cursor, 'last');
      cursor.seek(bytes());
      expectInvalid(cursor, 'seek');
      cursor.seekForPrev(bytes(0xff, 0xff));
      expectInvalid(cursor, 'seekForPrev');
      cursor.next();
      cursor.prev();
      expectInvalid(cursor, 'next, prev');
    },
  },
  {
    group,
    name: 'a cursor walks every entry, versions and tombstones included, in internal order both ways',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const cursor = table.cursor();
      const forward: string[] = [];
      for (cursor.first(); cursor.valid; cursor.next()) forward.push(entryLine(cursor));
      expect(forward).toEqual(model.visible().map(entryLine));
      expect(forward.map((l) => l.split('=')[0])).toEqual([
        '62@5:put',
        '62@2:put',
        '62@0:put',
        '6200@6:put',
        '63@4:delete',
        '63@1:put',
        '65@3:put',
      ]);
      const backward: string[] = [];
      for (cursor.last(); cursor.valid; cursor.prev()) backward.push(entryLine(cursor));
      expect(backward).toEqual(forward.slice().reverse());
      cursor.seek(utf8('c'));
      expect(cursor.kind).toBe('delete');
      expect(cursor.value).toBeUndefined();
      expect(cursor.seq).toBe(4);
    },
  },
  {
    group,
    name: 'next past the last entry and prev before the first leave the cursor invalid until repositioned',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const cursor = table.cursor();
      cursor.last();
      expect(line(cursor)).toBe(entryLine(model.visible().at(-1)!));
      cursor.next();
      expectInvalid(cursor, 'next after last');
      cursor.next();
      cursor.prev();
      expectInvalid(cursor, 'next and prev on an invalid cursor');
      cursor.first();
      expect(line(cursor)).toBe(entryLine(model.visible()[0]));
      cursor.prev();
      expectInvalid(cursor, 'prev before first');
      cursor.prev();
      cursor.next();
      expectInvalid(cursor, 'prev and next on an invalid cursor');
      cursor.last();
      cursor.prev();
      expect(line(cursor)).toBe(entryLine(model.visible().at(-2)!));
    },
  },
  {
    group,
    name: "seek lands on the first entry whose key >= key: that key's newest version",
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const cursor = table.cursor();
      const cases: Array<[Uint8Array, string | undefined]> = [
        [bytes(), '62@5'],
        [utf8('a'), '62@5'],
        [utf8('b'), '62@5'],
        [utf8('b\u0000'), '6200@6'],
        [utf8('b\u0000\u0000'), '63@4'],
        [utf8('c'), '63@4'],
        [utf8('d'), '65@3'],
        [utf8('e'), '65@3'],
        [utf8('e\u0000'), undefined],
        [bytes(0xff), undefined],
      ];
      for (const [key, want] of cases) {
        cursor.seek(key);
        expect(line(cursor)?.split(':')[0], `seek ${hex(key)}`).toBe(want);
        const m = model.cursor();
        m.seek(key);
        expect(line(cursor)).toBe(m.entry && entryLine(m.entry));
      }
      cursor.seek(utf8('b'));
      cursor.next();
      expect(line(cursor)?.split(':')[0]).toBe('62@2');
    },
  },
  {
    group,
    name: "seekForPrev lands on the last entry whose key <= key: that key's oldest version",
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const cursor = table.cursor();
      const cases: Array<[Uint8Array, string | undefined]> = [
        [bytes(), undefined],
        [utf8('a'), undefined],
        [utf8('b'), '62@0'],
        [utf8('b\u0000'), '6200@6'],
        [utf8('b\u0000\u0000'), '6200@6'],
        [utf8('c'), '63@1'],
        [utf8('d'), '63@1'],
        [utf8('e'), '65@3'],
        [bytes(0xff, 0xff), '65@3'],
      ];
      for (const [key, want] of cases) {
        cursor.seekForPrev(key);
        expect(line(cursor)?.split(':')[0], `seekForPrev ${hex(key)}`).toBe(want);
        const m = model.cursor();
        m.seekForPrev(key);
        expect(line(cursor)).toBe(m.entry && entryLine(m.entry));
      }
      cursor.seekForPrev(utf8('b'));
      cursor.prev();
      expect(line(cursor)?.split(':')[0]).toBe('62@2');
      cursor.seekForPrev(utf8('c'));
      cursor.next();
      expect(line(cursor)?.split(':')[0]).toBe('65@3');
    },
  },
  {
    group,
    name: 'a cursor with a snapshot skips entries above it in every direction',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      for (const snapshot of [0, 1, 2, 3, 4, 5, 6, 100]) {
        const cursor = table.cursor({ snapshot });
        const forward: string[] = [];
        for (cursor.first(); cursor.valid; cursor.next()) forward.push(entryLine(cursor));
        expect(forward, `snapshot ${snapshot}`).toEqual(model.visible(snapshot).map(entryLine));
        const backward: string[] = [];
        for (cursor.last(); cursor.valid; cursor.prev()) backward.push(entryLine(cursor));
        expect(backward, `snapshot ${snapshot}`).toEqual(forward.slice().reverse());
        for (const key of ['b', 'b\u0000', 'c', 'd', 'e'].map(utf8)) {
          const m = model.cursor(snapshot);
          cursor.seek(key);
          m.seek(key);
          expect(line(cursor), `seek at snapshot ${snapshot}`).toBe(m.entry && entryLine(m.entry));
          cursor.seekForPrev(key);
          m.seekForPrev(key);
          expect(line(cursor), `seekForPrev at snapshot ${snapshot}`).toBe(
            m.entry && entryLine(m.entry),
          );
        }
      }
      const atThree = table.cursor({ snapshot: 3 });
      atThree.seek(utf8('b\u0000'));
      expect(line(atThree)?.split(':')[0]).toBe('63@1');
      atThree.seekForPrev(utf8('b\u0000'));
      expect(line(atThree)?.split(':')[0]).toBe('62@0');
    },
  },
];
