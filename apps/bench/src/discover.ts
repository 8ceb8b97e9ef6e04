/**
 * Finds the systems to compare. memrep backends are this app's dependencies that declare
 * themselves (`"memrep": { "backend", "tableClass" }`, read by `@memrep/core/registry`, as
 * `@memrep/level` reads them); a level adapter declares `"memrep": { "levelAdapter" }`. A
 * declared package that is not built or fails to load is skipped with a note.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { declaredBackends, memrepDeclarations } from '@memrep/core/registry';
import { backendCapabilities, PEERS } from './systems/index.js';
import { levelIsDurable } from './systems/level.js';
import { type BackendModule, canWriteConcurrently } from './systems/memrep.js';
import type { SystemSpec } from './systems/types.js';

/** The reference table's insert is O(n): it runs only up to this N. */
export const REFERENCE_MAX_NUM = 20_000;

export interface Discovery {
  /** Every system that can run, in report order: backends, reference, level adapters, peers. */
  readonly systems: readonly SystemSpec[];
  /** The names run when `--systems` is not given. */
  readonly defaults: readonly string[];
  /** What was skipped and why. */
  readonly notes: readonly string[];
}

/** This app's package.json (the same file from `src/` and `dist/`). */
const OWN_PACKAGE_JSON = fileURLToPath(new URL('../package.json', import.meta.url));
const require = createRequire(OWN_PACKAGE_JSON);

async function tryImport(name: string): Promise<BackendModule | Error> {
  try {
    return (await import(name)) as BackendModule;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function why(error: Error): string {
  const first = error.message.split('\n')[0];
  return /Cannot find|ERR_MODULE_NOT_FOUND/.test(first)
    ? 'is not built (no dist)'
    : `fails to load: ${first}`;
}

export async function discoverSystems(): Promise<Discovery> {
  const notes: string[] = [];
  const backends: SystemSpec[] = [];
  const levels: { packageName: string; className: string; durable: boolean }[] = [];
  for (const { name, packageName, tableClass } of declaredBackends(OWN_PACKAGE_JSON)) {
    const mod = await tryImport(packageName);
    if (mod instanceof Error) {
      notes.push(`${name}: ${packageName} ${why(mod)}; skipped`);
      continue;
    }
    if (typeof mod.createTable !== 'function') {
      notes.push(`${name}: ${packageName} does not export createTable; skipped`);
      continue;
    }
    backends.push({
      name,
      kind: 'backend',
      adapter: 'memrep',
      packageName,
      tableClass,
      capabilities: backendCapabilities(canShare(mod, tableClass), {
        concurrentWrites: canWriteConcurrently(mod, tableClass),
      }),
    });
  }
  for (const { packageName, declaration } of memrepDeclarations(OWN_PACKAGE_JSON)) {
    const className = declaration.levelAdapter;
    if (className === undefined) continue;
    const mod = await tryImport(packageName);
    if (mod instanceof Error) {
      notes.push(`level adapter: ${packageName} ${why(mod)}; skipped`);
    } else if (typeof mod[className] !== 'function') {
      notes.push(`level adapter: ${packageName} does not export ${className}; skipped`);
    } else {
      const durable = await levelIsDurable(mod[className]);
      levels.push({ packageName, className, durable });
    }
  }

  const systems: SystemSpec[] = [...backends];
  const defaults: string[] = backends.map((b) => b.name);
  const reference = await tryImport('@memrep/conformance');
  if (!(reference instanceof Error) && typeof reference.ReferenceTable === 'function') {
    systems.push({
      name: 'reference',
      kind: 'backend',
      adapter: 'reference',
      capabilities: backendCapabilities(false),
      maxNum: REFERENCE_MAX_NUM,
    });
  }
  for (const level of levels) {
    // The adapter loads backends by name from its own dependencies: pair it with those only.
    const own = new Set(
      declaredBackends(require.resolve(`${level.packageName}/package.json`)).map((b) => b.name),
    );
    for (const backend of backends) {
      if (!own.has(backend.name)) continue;
      const name = `level-${backend.name}`;
      systems.push({
        name,
        kind: 'backend',
        adapter: 'level',
        packageName: level.packageName,
        className: level.className,
        backend: backend.name,
        capabilities: backendCapabilities(false, { durable: level.durable }),
      });
      defaults.push(name);
    }
  }
  for (const peer of PEERS) {
    systems.push(peer);
    defaults.push(peer.name);
  }
  return { systems, defaults, notes };
}

/** Whether a backend's tables declare `share` and its class has a static `attach`. */
function canShare(mod: BackendModule, tableClass: string): boolean {
  try {
    const table = mod.createTable!({ maxSize: 1 << 20 });
    const cls = mod[tableClass] as { attach?: unknown } | undefined;
    const supports = table.capabilities;
    // readwhilewriting shares a table that is still being written.
    return (
      supports?.share === true &&
      supports.shareRequiresFrozen !== true &&
      typeof cls?.attach === 'function'
    );
  } catch {
    return false;
  }
}
