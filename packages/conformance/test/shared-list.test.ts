import { describe, it } from 'vitest';
import { checkContext, conformanceChecks, runTableConformance } from '../src/index.js';
import { type SharedListOptions, SharedListTable } from './fixtures/shared-list.mjs';

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
