import { existsSync } from 'node:fs';
import { childEntry } from '../src/protocol.js';

/**
 * The child-process tests fork the built app (`dist/`), as the CLI does. turbo's `test` task
 * builds first; run by hand, build with `npx tsc -p tsconfig.build.json`.
 */
export function requireBuilt(): void {
  if (!existsSync(childEntry())) {
    throw new Error(
      `${childEntry()} is missing: build the bench app first (cd apps/bench && npx tsc -p tsconfig.build.json)`,
    );
  }
}
