/**
 * Test runner configuration for the whole monorepo. Each test file runs in its
 * own process (the official SDK's native runtime is per process), at most two at
 * a time to match a two-core CI machine; workflows are bundled once per run.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    globalSetup: ['packages/server/test/helpers/global-setup.ts'],
  },
});
