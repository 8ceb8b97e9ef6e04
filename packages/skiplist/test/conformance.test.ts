import { runTableConformance } from '@memrep/conformance';
import { createTable, type SkipListOptions } from '../src/index.js';

// Workers load JavaScript: they attach through the built package (build before testing). A
// file URL, not the bare specifier: under vitest the `source` condition would resolve it to
// the TypeScript sources.
const share = {
  module: new URL('../dist/index.js', import.meta.url).href,
  exportName: 'SkipListTable',
};

runTableConformance<SkipListOptions>({
  name: 'skiplist',
  create: (options) => createTable(options),
  supports: { share: true },
  share,
});

runTableConformance<SkipListOptions>({
  name: 'skiplist (branching 2, maxHeight 20)',
  create: (options) => createTable(options),
  options: { branching: 2, maxHeight: 20 },
  supports: { share: true },
  share,
});
