import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // The child-process tests fork real children on a shared machine: give them room.
  test: { name: 'bench', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
