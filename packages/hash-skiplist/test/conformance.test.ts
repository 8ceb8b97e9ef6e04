import { runTableConformance } from '@memrep/conformance';
import { createTable, type HashSkipListOptions } from '../src/index.js';

// Workers load JavaScript: they attach through the built package (build before testing), by
// file URL, since under vitest the `source` condition would resolve a bare specifier to src.
const share = {
  module: new URL('../dist/index.js', import.meta.url).href,
  exportName: 'HashSkipListTable',
};

/** Up to and including the first 0x00, else the whole key: prefix-closed. */
const untilZero = (key: Uint8Array): number => {
  const i = key.indexOf(0);
  return i < 0 ? key.length : i + 1;
};

runTableConformance<HashSkipListOptions>({
  name: 'hash-skiplist',
  create: (options) => createTable(options),
  supports: { share: true, concurrentWrites: true },
  share,
});

const CONFIGS: [string, HashSkipListOptions][] = [
  ['fixed 0, 7 buckets', { prefixExtractor: 0, bucketCount: 7 }],
  ['fixed 1, 1 bucket', { prefixExtractor: 1, bucketCount: 1 }],
  ['fixed 1, 2 buckets, merge', { prefixExtractor: 1, bucketCount: 2, totalOrder: 'merge' }],
  ['fixed 4, 7 buckets, index', { prefixExtractor: 4, bucketCount: 7, totalOrder: 'index' }],
  ['whole key, 7 buckets, height 1', { bucketCount: 7, bucketMaxHeight: 1 }],
];

for (const [name, options] of CONFIGS) {
  runTableConformance<HashSkipListOptions>({
    name: `hash-skiplist (${name})`,
    create: (extra) => createTable(extra),
    options,
    supports: { share: true, concurrentWrites: true },
    share,
  });
}

// A function cannot be posted to a worker: these tables declare share: false.
for (const bucketCount of [2, 64]) {
  runTableConformance<HashSkipListOptions>({
    name: `hash-skiplist (until 0x00, ${bucketCount} buckets)`,
    create: (extra) => createTable(extra),
    options: { prefixExtractor: untilZero, bucketCount },
    supports: { share: false },
  });
}
