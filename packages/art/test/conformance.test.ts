import { runTableConformance } from '@memrep/conformance';
import { type ArtOptions, createTable } from '../src/index.js';

// Workers load JavaScript: they attach through the built package (build before testing).
const share = {
  module: new URL('../dist/index.js', import.meta.url).href,
  exportName: 'ArtTable',
};

runTableConformance<ArtOptions>({
  name: 'art',
  create: (options) => createTable(options),
  supports: { share: true, concurrentWrites: false },
  share,
});
