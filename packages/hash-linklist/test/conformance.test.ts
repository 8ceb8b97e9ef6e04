import { runTableConformance } from '@memrep/conformance';
import { createTable, type HashLinkListOptions } from '../src/index.js';

// Workers load JavaScript: they attach through the built package (build before testing), by
// file URL, since under vitest the `source` condition would resolve a bare specifier to src.
const share = {
  module: new URL('../dist/index.js', import.meta.url).href,
  exportName: 'HashLinkListTable',
};

/** Up to and including the first 0x00, else the whole key: prefix-closed. */
const untilZero = (key: Uint8Array): number => {
  const i = key.indexOf(0);
  return i < 0 ? key.length : i + 1;
};

runTableConformance<HashLinkListOptions>({
  name: 'hash-linklist (whole key)',
  create: (options) => createTable(options),
  supports: { share: true, concurrentWrites: false },
  share,
});

const CONFIGS: [string, HashLinkListOptions][] = [
  ['fixed 4', { prefixExtractor: 4 }],
  ['fixed 1, threshold 2', { prefixExtractor: 1, skipListThreshold: 2 }],
  ['fixed 0, threshold 3', { prefixExtractor: 0, skipListThreshold: 3 }],
  ['whole key, 1 bucket, threshold 4', { maxBucketCount: 1, skipListThreshold: 4 }],
  ['whole key, threshold 1', { skipListThreshold: 1 }],
];

for (const [name, options] of CONFIGS) {
  runTableConformance<HashLinkListOptions>({
    name: `hash-linklist (${name})`,
    create: (extra) => createTable(extra),
    options,
    supports: { share: true, concurrentWrites: false },
    share,
  });
}

// A function cannot be posted to a worker: these tables declare share: false.
for (const [name, options] of [
  ['until 0x00', { prefixExtractor: untilZero }],
  ['until 0x00, threshold 2', { prefixExtractor: untilZero, skipListThreshold: 2 }],
] as [string, HashLinkListOptions][]) {
  runTableConformance<HashLinkListOptions>({
    name: `hash-linklist (${name})`,
    create: (extra) => createTable(extra),
    options,
    supports: { share: false, concurrentWrites: false },
  });
}
