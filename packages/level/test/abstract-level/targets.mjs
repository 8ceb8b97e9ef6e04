// The configurations the abstract-level suite runs on. Each resolves to a MemrepLevel
// options object, or to a reason it cannot run here (a failure: every target must run).
import { existsSync } from 'node:fs';
import { declaredBackends } from '@memrep/core/registry';

const conformanceDist = new URL('../../../conformance/dist/index.js', import.meta.url);

async function referenceFactory() {
  if (!existsSync(conformanceDist)) {
    return { unavailable: '@memrep/conformance is not built (its dist/ holds ReferenceTable)' };
  }
  const { ReferenceTable } = await import(conformanceDist.href);
  return { options: { backend: (options) => new ReferenceTable(options) } };
}

async function backendTarget({ name, packageName }) {
  let mod;
  try {
    mod = await import(packageName);
  } catch (error) {
    return { unavailable: `${packageName} cannot be imported (not built?): ${error.message}` };
  }
  if (typeof mod.createTable !== 'function') {
    return { unavailable: `${packageName} does not export createTable` };
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
};
// Every backend this package depends on, as MemrepLevel finds them (see @memrep/core/registry).
for (const backend of declaredBackends(new URL('../../package.json', import.meta.url))) {
  targets[backend.name] = () => backendTarget(backend);
}
