import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A bare specifier resolves from `resolveFrom` (this file's own location knows only the
 * conformance package's dependencies); if that fails, as for a package exporting only an
 * `import` condition, Node resolves it from here.
 */
export function locate(module, resolveFrom) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module;
  try {
    return pathToFileURL(createRequire(join(resolveFrom, 'package.json')).resolve(module)).href;
  } catch {
    return module;
  }
}
