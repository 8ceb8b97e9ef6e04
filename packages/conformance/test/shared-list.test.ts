import { describe, expect, it } from 'vitest';
import {
  checkContext,
  conformanceChecks,
  runConformanceChecks,
  runTableConformance,
} from '../src/index.js';
import {
  PublishesBatchOpByOp,
  type SharedListOptions,
  SharedListTable,
} from './fixtures/shared-list.mjs';

// The share checks need a backend that shares; ReferenceTable does not, so a small shareable
// skip list (a fixture) runs the whole suite here, workers included, in both sharing modes.
const share = {
  module: new URL('./fixtures/shared-list.mjs', import.meta.url).href,
  exportName: 'SharedListTable',
};

runTableConformance<SharedListOptions>({
  name: 'SharedListTable',
  create: (options) => new SharedListTable(options),
  supports: { share: true },
  share,
});

const frozenOnly = checkContext<SharedListOptions>({
  name: 'SharedListTable, shared once frozen',
  create: (options) => new SharedListTable(options),
  options: { requireFrozen: true },
  supports: { share: true, shareRequiresFrozen: true },
  share,
});

describe('SharedListTable, shared once frozen: sharing with worker threads', () => {
  for (const check of conformanceChecks(frozenOnly)) {
    if (check.group === 'sharing with worker threads') {
      it(check.name, () => check.run(frozenOnly), check.timeout);
    }
  }
});

describe('the worker check catches a writer that publishes a batch op by op', () => {
  it('fails on PublishesBatchOpByOp: readers see lastSeq inside a batch', async () => {
    const [result] = await runConformanceChecks(
      {
        name: 'PublishesBatchOpByOp',
        create: (options) => new PublishesBatchOpByOp(options),
        supports: { share: true },
        share: { ...share, exportName: 'PublishesBatchOpByOp' },
      },
      { filter: (check) => check.name.startsWith('worker readers see whole entries') },
    );
    expect(result.passed).toBe(false);
    const errors = (result.error as { actual?: unknown }).actual;
    expect(JSON.stringify(errors)).toMatch(/inside a batch/);
  }, 60_000);
});
