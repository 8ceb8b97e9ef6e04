import { MemrepError } from '@memrep/core';
import { type DeclaredBackend, declaredBackends } from '@memrep/core/registry';
import type { BackendName, TableFactory } from './options.js';

interface BackendModule {
  createTable?: unknown;
}

let registered: readonly DeclaredBackend[] | undefined;

/**
 * The backends this package can load by name: its dependencies that declare themselves
 * (`"memrep": { "backend", "tableClass" }` in their package.json, see `@memrep/core/registry`).
 */
export function registeredBackends(): readonly DeclaredBackend[] {
  registered ??= declaredBackends(new URL('../package.json', import.meta.url));
  return registered;
}

const loaded = new Map<BackendName, Promise<TableFactory>>();

/**
 * The `createTable` of a backend package. Each backend is imported on first use, so that a
 * database pays only for the one it runs on and a backend that is missing or broken fails
 * `open()`, not the import of this package. Rejects with `MEMREP_UNSUPPORTED` when the package
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
  const pkg = registeredBackends().find((b) => b.name === name)?.packageName ?? `@memrep/${name}`;
  let mod: BackendModule;
  try {
    mod = (await import(pkg)) as BackendModule;
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
