import { defineProject } from 'vitest/config';

// No `source` condition here: the examples run as a user runs them, against the built packages.
export default defineProject({
  test: {
    name: 'readme-examples',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
