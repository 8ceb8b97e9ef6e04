import { defineProject } from 'vitest/config';

/**
 * The one vitest project setup every package uses: workspace packages resolve to their
 * sources (the `source` export condition), so tests need no build. The timeouts only guard
 * against hangs: turbo runs every package's tests at once on small machines, and no test
 * asserts on time.
 */
export function memrepProject(name: string) {
  return defineProject({
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'] } },
    test: { name, include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
  });
}
