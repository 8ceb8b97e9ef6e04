import { MemrepError } from '@memrep/core';
import type { BackendName, TableFactory } from './options.js';

interface BackendModule {
  createTable?: unknown;
}

// Each backend is imported on first use, so that a database pays only for the one it runs on
// and a backend that is missing or broken fails `open()`, not the import of this package. The
// specifier is typed as a string so that type-checking does not need the backends built;
// bundlers still see a literal import.
const loaders: Record<BackendName, () => Promise<BackendModule>> = {
  skiplist: () => import('@memrep/skiplist' as string),
  vector: () => import('@memrep/vector' as string),
  'hash-skiplist': () => import('@memrep/hash-skiplist' as string),
};

const loaded = new Map<BackendName, Promise<TableFactory>>();

/**
 * The `createTable` of a backend package. Rejects with `MEMREP_UNSUPPORTED` when the package
 * cannot be imported or does not export `createTable`, saying which.
 */
export function loadBackend(name: BackendName): Promise<TableFactory> {
  let factory = loaded.get(name);
  if (factory === undefined) {
    factory = importFactory(name);
    loaded.set(name, factory);
    factory.catch(() => loaded.delete(name));
  }
  return factory;
}

async function importFactory(name: BackendName): Promise<TableFactory> {
  const pkg = `@memrep/${name}`;
  let mod: BackendModule;
  try {
    mod = await loaders[name]();
  } catch (cause) {
    const error = new MemrepError(
      'MEMREP_UNSUPPORTED',
      `backend '${name}': cannot import ${pkg} (${(cause as Error)?.message}); ` +
        'is it installed and built?',
    );
    (error as Error & { cause?: unknown }).cause = cause;
    throw error;
  }
  if (typeof mod.createTable !== 'function') {
    throw new MemrepError(
      'MEMREP_UNSUPPORTED',
      `backend '${name}': ${pkg} does not export createTable(options); ` +
        'pick another backend or pass a factory as the backend option',
    );
  }
  return mod.createTable as TableFactory;
}
