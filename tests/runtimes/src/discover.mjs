/**
 * The backends of the matrix, found in the workspace: every `packages/*` whose package.json
 * declares `"memrep": { "backend", "tableClass" }` (what the benchmark app discovers too) and
 * an `exports` entry. A new backend package is found without a line here; it must also be a
 * dependency of this package, so that turbo builds it first (`missing` names any that is not).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = new URL('../../../', import.meta.url);

export function discoverBackends() {
  const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const backends = [];
  const missing = [];
  const packages = new URL('packages/', root);
  for (const dir of readdirSync(packages).sort()) {
    const file = new URL(`${dir}/package.json`, packages);
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    const system = pkg.memrep?.backend;
    const tableClass = pkg.memrep?.tableClass;
    if (typeof system !== 'string' || typeof tableClass !== 'string' || !pkg.exports) continue;
    if (own.dependencies?.[pkg.name] === undefined) missing.push(pkg.name);
    const dist = new URL(`${dir}/dist/index.js`, packages);
    const source = new URL(`${dir}/src/index.ts`, packages);
    backends.push({
      system,
      packageName: pkg.name,
      tableClass,
      dist: dist.href,
      source: fileURLToPath(source),
      built: existsSync(dist),
    });
  }
  return { backends, missing };
}

export const repoRoot = fileURLToPath(root);
export { pathToFileURL };
