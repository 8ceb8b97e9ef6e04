import { expect } from 'vitest';
import type { ConformanceCheck } from '../options.js';
import { utf8 } from '../support.js';
import { pattern } from './keys.js';

const group = 'size accounting';

export const accountingChecks: ConformanceCheck[] = [
  {
    group,
    name: 'an empty table has count 0, dataSize 0, lastSeq -1, is not frozen and holds some memory',
    run(ctx) {
      const table = ctx.create();
      expect(table.count).toBe(0);
      expect(table.dataSize).toBe(0);
      expect(table.lastSeq).toBe(-1);
      expect(table.frozen).toBe(false);
      expect(table.memoryUsage).toBeGreaterThan(0);
    },
  },
  {
    group,
    name: 'count includes every version and tombstone; dataSize sums their key and value lengths',
    run(ctx) {
      const table = ctx.create();
      let count = 0;
      let dataSize = 0;
      const write = (key: string, value?: string, seq?: number) => {
        if (value === undefined) table.delete(utf8(key), seq);
        else table.put(utf8(key), utf8(value), seq);
        count++;
        dataSize += utf8(key).length + (value === undefined ? 0 : utf8(value).length);
        expect([table.count, table.dataSize]).toEqual([count, dataSize]);
      };
      write('', 'empty key');
      write('k', '');
      write('k', 'v2');
      write('k');
      write('k', 'v4');
      write('other', 'value', 100);
      write('other', undefined, 50);
      write('gone');
      expect(table.count).toBe(8);
      expect(table.dataSize).toBe(9 + 1 + 3 + 1 + 3 + 10 + 5 + 4);
      expect(Array.from(table.keys()).length).toBe(3);
    },
  },
  {
    group,
    name: 'memoryUsage covers the data, reserves at least a block, and grows with the writes',
    run(ctx) {
      const block = ctx.smallBlockSize;
      const table = ctx.create({ blockSize: block });
      table.put(utf8('first'), utf8('x'));
      expect(table.memoryUsage).toBeGreaterThanOrEqual(block);
      let previous = table.memoryUsage;
      const writes = Math.ceil((6 * block) / 100);
      for (let i = 0; i < writes; i++) {
        table.put(utf8(`key${i}`), pattern(100, i));
        expect(table.memoryUsage).toBeGreaterThanOrEqual(previous);
        previous = table.memoryUsage;
      }
      expect(table.dataSize).toBeGreaterThan(6 * block);
      expect(table.memoryUsage).toBeGreaterThanOrEqual(table.dataSize);
      const arena = (table as { arena?: { memoryUsage?: unknown } }).arena;
      if (typeof arena?.memoryUsage === 'number') {
        expect(table.memoryUsage).toBeGreaterThanOrEqual(arena.memoryUsage);
      }
    },
  },
];
