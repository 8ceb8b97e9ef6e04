import { runTableConformance } from '@memrep/conformance';
import { createTable, type VectorTableOptions } from '../src/index.js';

// Workers load JavaScript: they attach through the built package (build before testing). A
// file URL, not the bare specifier: under vitest the `source` condition would resolve it to
// the TypeScript sources.
const share = {
  module: new URL('../dist/index.js', import.meta.url).href,
  exportName: 'VectorTable',
};

runTableConformance<VectorTableOptions>({
  name: 'vector',
  create: (options) => createTable(options),
  supports: { share: true, shareRequiresFrozen: true },
  share,
});

// Every point read sorts and merges: the merge path under every check.
runTableConformance<VectorTableOptions>({
  name: 'vector (maxTailScan 0)',
  create: (options) => createTable(options),
  options: { maxTailScan: 0 },
  supports: { share: true, shareRequiresFrozen: true },
  share,
});
