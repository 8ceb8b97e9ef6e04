/**
 * How a backend registers itself, and how a consumer (the bench, `@memrep/level`) finds the
 * backends it can run. Node only (it reads package.json files): `@memrep/core/registry`.
 *
 * A backend package declares itself in its own package.json:
 *
 *   "memrep": { "backend": "skiplist", "tableClass": "SkipListTable" }
 *
 * (`backend`: the name users pick it by; `tableClass`: its exported table class, whose static
 * `attach` a consumer may use to share). A consumer lists the backend as a dependency; the
 * backends it can run are the dependencies that declare themselves. Adding a backend is that
 * declaration plus one dependency line, nothing else.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** A backend a consumer depends on, as its package.json declares it. */
export interface DeclaredBackend {
  /** The name users pick it by (`backend: 'skiplist'`). */
  readonly name: string;
  /** The package to import: it exports `createTable(options?)` and `tableClass`. */
  readonly packageName: string;
  /** Export name of its table class in that package (its static `attach` shares a table). */
  readonly tableClass: string;
}

/** What a package.json's `memrep` field may hold. */
export interface MemrepDeclaration {
  /** The name users pick the backend by; a package without it declares no backend. */
  readonly backend?: string;
  /** Export name of the backend's table class; required with `backend`, else it is not a backend. */
  readonly tableClass?: string;
  /** A database adapter over the backends (the bench runs it on each), by export name. */
  readonly levelAdapter?: string;
}

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly memrep?: MemrepDeclaration;
}

/**
 * The `memrep` field of every dependency of the package whose package.json is at
 * `packageJson` (a file URL or path), in the order the dependencies are listed; dependencies
 * without one (or whose package.json cannot be resolved) are left out.
 */
export function memrepDeclarations(packageJson: string | URL): {
  /** The dependency's name, as listed in `dependencies`. */
  packageName: string;
  /** Its package.json's `memrep` field, as written (not validated). */
  declaration: MemrepDeclaration;
}[] {
  const own = JSON.parse(readFileSync(packageJson, 'utf8')) as PackageJson;
  const require = createRequire(packageJson);
  const found: { packageName: string; declaration: MemrepDeclaration }[] = [];
  for (const packageName of Object.keys(own.dependencies ?? {})) {
    let declaration: MemrepDeclaration | undefined;
    try {
      const path = require.resolve(`${packageName}/package.json`);
      declaration = (JSON.parse(readFileSync(path, 'utf8')) as PackageJson).memrep;
    } catch {
      continue;
    }
    if (declaration !== null && typeof declaration === 'object') {
      found.push({ packageName, declaration });
    }
  }
  return found;
}

/** The backends among the dependencies of the package at `packageJson` (see the module comment). */
export function declaredBackends(packageJson: string | URL): DeclaredBackend[] {
  const backends: DeclaredBackend[] = [];
  for (const { packageName, declaration } of memrepDeclarations(packageJson)) {
    const { backend, tableClass } = declaration;
    if (typeof backend === 'string' && typeof tableClass === 'string') {
      backends.push({ name: backend, packageName, tableClass });
    }
  }
  return backends;
}
