import { defineConfig } from 'vitest/config';

// chDB allows one engine per process: every test file runs in its own fork.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Two files at a time (vitest's default on two cores is one): the suite with the shared data
    // took 950 s one at a time and 712 s two at a time on a 2-core VM; CI has 20 minutes.
    maxWorkers: 2,
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/remove-tmp-dirs.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
