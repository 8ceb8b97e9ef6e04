/**
 * Finds the systems to compare. memrep backends and the level adapter are found from this
 * app's own workspace dependencies: a backend's package.json declares
 * `"memrep": { "system", "tableClass" }`, the adapter's `"memrep": { "levelAdapter" }`. A
 * package that does not export what it declares yet (backends are being written) is skipped
 * with a note; while any backend is missing, the conformance suite's ReferenceTable stands in
 * as the system `reference`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
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

interface MemrepField {
  readonly system?: string;
  readonly tableClass?: string;
  readonly levelAdapter?: string;
}

interface PackageJson {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly memrep?: MemrepField;
}

const require = createRequire(import.meta.url);

function readPackageJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
}

/** This app's package.json (the same file from `src/` and `dist/`). */
function ownPackageJson(): PackageJson {
  return readPackageJson(fileURLToPath(new URL('../package.json', import.meta.url)));
}

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
  let missingBackends = 0;
  const deps = Object.keys(ownPackageJson().dependencies ?? {}).filter((d) =>
    d.startsWith('@memrep/'),
  );
  for (const packageName of deps) {
    let field: MemrepField | undefined;
    try {
      field = readPackageJson(require.resolve(`${packageName}/package.json`)).memrep;
    } catch {
      notes.push(`${packageName}: package.json not found; skipped`);
      continue;
    }
    if (field?.system !== undefined && field.tableClass !== undefined) {
      const mod = await tryImport(packageName);
      if (mod instanceof Error) {
        notes.push(`${field.system}: ${packageName} ${why(mod)}; skipped`);
        missingBackends++;
        continue;
      }
      if (typeof mod.createTable !== 'function') {
        notes.push(`${field.system}: ${packageName} does not export createTable yet; skipped`);
        missingBackends++;
        continue;
      }
      const share = canShare(mod, field.tableClass);
      backends.push({
        name: field.system,
        kind: 'backend',
        adapter: 'memrep',
        packageName,
        tableClass: field.tableClass,
        capabilities: backendCapabilities(share, {
          concurrentWrites: canWriteConcurrently(mod, field.tableClass),
        }),
      });
    } else if (field?.levelAdapter !== undefined) {
      const mod = await tryImport(packageName);
      if (mod instanceof Error) {
        notes.push(`level adapter: ${packageName} ${why(mod)}; skipped`);
      } else if (typeof mod[field.levelAdapter] !== 'function') {
        notes.push(
          `level adapter: ${packageName} does not export ${field.levelAdapter} yet; skipped`,
        );
      } else {
        const durable = await levelIsDurable(mod[field.levelAdapter]);
        levels.push({ packageName, className: field.levelAdapter, durable });
      }
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
    if (missingBackends > 0) {
      defaults.push('reference');
      notes.push(
        `reference: the conformance suite's ReferenceTable stands in for the missing backends (O(n) insert: N <= ${REFERENCE_MAX_NUM.toLocaleString('en-US')} only)`,
      );
    }
  }
  for (const level of levels) {
    for (const backend of backends) {
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
    const supports = table.supports as
      | { share?: boolean; shareRequiresFrozen?: boolean }
      | undefined;
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
