import { runConcurrentWriters, type WritersRun } from '@memrep/conformance';
import { describe, expect, it } from 'vitest';
import { createTable } from '../src/index.js';

// Workers load JavaScript: the built package (build before testing), as in conformance.test.ts.
const real = {
  module: new URL('../dist/index.js', import.meta.url).href,
  exportName: 'SkipListTable',
};
const broken = {
  module: new URL('./fixtures/broken-link.mjs', import.meta.url).href,
  exportName: 'BrokenLinkTable',
};

const modes: WritersRun['mode'][] = ['disjoint', 'same', 'dups', 'full'];

async function damage(mode: WritersRun['mode'], target: WritersRun['target']): Promise<number> {
  const table = createTable(
    mode === 'full' ? { blockSize: 64 * 1024, maxSize: 1024 * 1024 } : { blockSize: 64 * 1024 },
  );
  const o = await runConcurrentWriters({
    table,
    target,
    mode,
    writers: 3,
    n: 2000,
    timeout: 60_000,
  });
  return o.lost + o.duplicated + o.torn + o.readerErrors.length;
}

describe('concurrent writers: the checks catch a list linked with plain stores', () => {
  for (const mode of modes) {
    it(`${mode}: the broken variant loses or duplicates entries; the real list none`, async () => {
      expect(await damage(mode, broken)).toBeGreaterThan(0);
      expect(await damage(mode, real)).toBe(0);
    }, 180_000);
  }
});
