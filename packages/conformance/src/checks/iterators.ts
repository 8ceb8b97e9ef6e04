import { expect } from 'vitest';
import { TableModel } from '../model.js';
import type { ConformanceCheck, ConformanceTable } from '../options.js';
import { entryLine, hex, hexKeys, hexPairs, utf8 } from '../support.js';
import { pattern } from './keys.js';

const group = 'iterator snapshots';

function populate(table: ConformanceTable, model: TableModel, keys: string[]): void {
  for (const key of keys) {
    table.put(utf8(key), utf8(`${key}-v`));
    model.put(utf8(key), utf8(`${key}-v`));
  }
}

/** Writes around and ahead of any position: new keys, new versions, tombstones, revivals. */
function writeEverywhere(table: ConformanceTable): void {
  for (const key of ['', 'a0', 'aa', 'b', 'bb', 'd0', 'e', 'zz', '\u0000']) {
    table.put(utf8(key), utf8('late'));
  }
  table.put(utf8('c'), utf8('late'));
  table.put(utf8('a'), utf8('late'));
  table.delete(utf8('d'));
  table.delete(utf8('f'));
  table.put(utf8('f'), utf8('revived'));
}

const KEYS = ['a', 'c', 'd', 'f', 'g', 'h'];

export const iteratorChecks: ConformanceCheck[] = [
  {
    group,
    name: 'an iterator pins its snapshot when it is created, before its first next()',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model, KEYS);
      const opened = {
        range: table.range(),
        reverse: table.range({ reverse: true }),
        keys: table.keys({ gt: utf8('a') }),
        values: table.values({ limit: 4 }),
        prefix: table.prefix(utf8('d')),
        iterator: table[Symbol.iterator](),
      };
      writeEverywhere(table);
      expect(hexPairs(opened.range)).toEqual(hexPairs(model.range()));
      expect(hexPairs(opened.reverse)).toEqual(hexPairs(model.range({ reverse: true })));
      expect(hexKeys(opened.keys)).toEqual(hexKeys(model.range({ gt: utf8('a') }).map(([k]) => k)));
      expect(hexKeys(opened.values)).toEqual(hexKeys(model.range({ limit: 4 }).map(([, v]) => v)));
      expect(hexPairs(opened.prefix)).toEqual(hexPairs(model.range({}, utf8('d'))));
      expect(hexPairs(opened.iterator)).toEqual(hexPairs(model.range()));
    },
  },
  {
    group,
    name: 'writes made while an iterator is open never show up in it, before or after its position',
    run(ctx) {
      for (const reverse of [false, true]) {
        const table = ctx.create();
        const model = new TableModel();
        populate(table, model, KEYS);
        const expected = hexPairs(model.range({ reverse }));
        const iterator = table.range({ reverse });
        const seen = [iterator.next(), iterator.next()].map((r) => {
          const [key, value] = r.value as [Uint8Array, Uint8Array];
          return `${hex(key)}=${hex(value)}`;
        });
        writeEverywhere(table);
        seen.push(...hexPairs(iterator));
        expect(seen, reverse ? 'reverse' : 'forward').toEqual(expected);
        expect(iterator.next().done).toBe(true);
      }
    },
  },
  {
    group,
    name: 'writes that grow the arena while an iterator is open never break it',
    run(ctx) {
      const table = ctx.create({ blockSize: ctx.smallBlockSize });
      const model = new TableModel();
      const keys = Array.from({ length: 30 }, (_, i) => `k${String(i).padStart(2, '0')}`);
      populate(table, model, keys);
      const forward = table.keys();
      const backward = table.values({ reverse: true, gte: utf8('k05') });
      const taken = [forward.next().value, forward.next().value].map(hex);
      const takenBack = [backward.next().value].map(hex);
      const memoryBefore = table.memoryUsage;
      const writes = Math.ceil((8 * ctx.smallBlockSize) / 200);
      for (let i = 0; i < writes; i++) {
        const key = utf8(`k${String(i % 40).padStart(2, '0')}${i % 3 === 0 ? '' : 'x'}`);
        if (i % 7 === 0) table.delete(key);
        else table.put(key, pattern(200, i));
      }
      expect(table.memoryUsage).toBeGreaterThan(memoryBefore);
      expect([...taken, ...hexKeys(forward)]).toEqual(hexKeys(model.range().map(([k]) => k)));
      expect([...takenBack, ...hexKeys(backward)]).toEqual(
        hexKeys(model.range({ reverse: true, gte: utf8('k05') }).map(([, v]) => v)),
      );
    },
  },
  {
    group,
    name: 'an iterator given an older snapshot yields that snapshot while writes go on',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model, KEYS);
      const snapshot = table.lastSeq;
      for (const key of ['a', 'c', 'x']) {
        table.put(utf8(key), utf8('newer'));
        model.put(utf8(key), utf8('newer'));
      }
      table.delete(utf8('g'));
      model.delete(utf8('g'));
      const iterator = table.range({ snapshot });
      const first = iterator.next().value as [Uint8Array, Uint8Array];
      writeEverywhere(table);
      const rest = hexPairs(iterator);
      expect([`${hex(first[0])}=${hex(first[1])}`, ...rest]).toEqual(
        hexPairs(model.range({ snapshot })),
      );
      expect(hexPairs(table.range({ snapshot }))).toEqual(hexPairs(model.range({ snapshot })));
    },
  },
  {
    group,
    name: 'a cursor without a snapshot sees later writes; a cursor with one never does',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model, ['b', 'd']);
      const snapshot = table.lastSeq;
      const open = table.cursor();
      const pinned = table.cursor({ snapshot });
      open.seek(utf8('b'));
      pinned.seek(utf8('b'));
      table.put(utf8('c'), utf8('late'));
      table.put(utf8('d'), utf8('late'));
      table.put(utf8('a'), utf8('late'));
      open.next();
      pinned.next();
      expect(entryLine(open)).toBe(`63@2:put=${hex(utf8('late'))}`);
      expect(entryLine(pinned)).toBe(`64@1:put=${hex(utf8('d-v'))}`);
      open.prev();
      open.prev();
      expect(hex(open.key)).toBe('61');
      pinned.prev();
      pinned.prev();
      expect(pinned.valid).toBe(false);
      const lines: string[] = [];
      for (pinned.last(); pinned.valid; pinned.prev()) lines.push(entryLine(pinned));
      expect(lines).toEqual(model.visible(snapshot).reverse().map(entryLine));
    },
  },
];
