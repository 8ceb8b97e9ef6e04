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
  supports: { share: true, concurrentWrites: true },
  share,
});

for (const options of [
  { branching: 4, maxHeight: 12 },
  { branching: 2, maxHeight: 20 },
] satisfies SkipListOptions[]) {
  runTableConformance<SkipListOptions>({
    name: `skiplist (branching ${options.branching}, maxHeight ${options.maxHeight})`,
    create: (extra) => createTable(extra),
    options,
    supports: { share: true, concurrentWrites: true },
    share,
  });
}
