// The configurations the abstract-level suite runs on. Each resolves to a MemrepLevel
// options object, or to a reason it cannot run here (a failure: every target must run).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// The same backends durable: each database in a fresh directory (the log and checkpoints), with
// a small write buffer so that the suite also reads across checkpoints; permanence,
// createIfMissing and errorIfExists are tested then.
const root = mkdtempSync(join(tmpdir(), 'memrep-level-suite-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
for (const backend of declaredBackends(new URL('../../package.json', import.meta.url))) {
  targets[`${backend.name}-durable`] = async () => {
    const target = await backendTarget(backend);
    if (target.unavailable) return target;
    return {
      options: { ...target.options, writeBufferSize: 4096 },
      location: () => join(root, `db-${++dirs}`),
    };
  };
}
