import { runConcurrentWriters } from '@memrep/conformance';
import { describe, expect, it } from 'vitest';
import { createTable } from '../src/index.js';

// Workers load the built package (build before testing), as in conformance.test.ts.
const target = { module: new URL('../dist/index.js', import.meta.url).href, exportName: 'SkipListTable' };

describe('concurrent writers: the checks catch a list linked with plain stores', () => {
  it('the broken variant (every compareExchange a plain store) loses or duplicates entries', async () => {
    let failures = 0;
    for (let round = 0; round < 3 && failures === 0; round++) {
      const table = createTable({ blockSize: 64 * 1024 });
      const o = await runConcurrentWriters({
        table,
        target,
        mode: 'same',
        writers: 3,
        n: 4000,
        timeout: 60_000,
        brokenLink: true,
      }).catch(() => null);
      if (o === null || o.lost + o.duplicated + o.torn > 0 || o.readerErrors.length > 0) failures++;
    }
    expect(failures).toBeGreaterThan(0);
  }, 200_000);

  it('the same run on the real table loses, duplicates and tears nothing', async () => {
    const table = createTable({ blockSize: 64 * 1024 });
    const o = await runConcurrentWriters({ table, target, mode: 'same', writers: 3, n: 4000, timeout: 60_000 });
    expect({ lost: o.lost, duplicated: o.duplicated, torn: o.torn, errors: o.readerErrors }).toEqual({
      lost: 0,
      duplicated: 0,
      torn: 0,
      errors: [],
    });
    expect(o.count).toBe(12000);
  }, 100_000);
});
