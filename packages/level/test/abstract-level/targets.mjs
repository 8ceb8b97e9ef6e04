// The configurations the abstract-level suite runs on. Each resolves to a MemrepLevel
// options object, or to a reason it cannot run here (a failure: every target must run).
import { existsSync } from 'node:fs';

const conformanceDist = new URL('../../../conformance/dist/index.js', import.meta.url);

async function referenceFactory() {
  if (!existsSync(conformanceDist)) {
    return { unavailable: '@memrep/conformance is not built (its dist/ holds ReferenceTable)' };
  }
  const { ReferenceTable } = await import(conformanceDist.href);
  return { options: { backend: (options) => new ReferenceTable(options) } };
}

async function backendByName(name) {
  let mod;
  try {
    mod = await import(`@memrep/${name}`);
  } catch (error) {
    return { unavailable: `@memrep/${name} cannot be imported (not built?): ${error.message}` };
  }
  if (typeof mod.createTable !== 'function') {
    return { unavailable: `@memrep/${name} does not export createTable yet` };
  }
  return { options: { backend: name } };
}

/** Name -> () => Promise<{ options } | { unavailable }>. */
export const targets = {
  reference: referenceFactory,
  // Almost every write freezes the active memtable: the whole suite then reads across frozen
  // tables, tombstones in older tables and compactions.
  'reference-small-buffers': async () => {
    const target = await referenceFactory();
    if (target.unavailable) return target;
    return { options: { ...target.options, writeBufferSize: 128, maxFrozenTables: 3 } };
  },
  skiplist: () => backendByName('skiplist'),
  vector: () => backendByName('vector'),
  'hash-skiplist': () => backendByName('hash-skiplist'),
};
