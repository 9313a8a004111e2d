/**
 * Test runner configuration for the whole monorepo. Each test file runs in its
 * own process (the official SDK's native runtime is per process), at most two at
 * a time to match a two-core CI machine; workflows are bundled once per run.
 *
 * Four projects: `official` runs everything with the official Temporal SDK as
 * client and worker; `endure-sdk` runs the server scenario suite again, from the
 * same files, with Endure's own SDK (see test/helpers/env.ts); `postgres` runs it
 * once more with the official SDK and the server on PostgreSQL; `packaging` packs
 * the packages and installs them in an empty project, as a user would.
 */
import { defineConfig } from 'vitest/config';

const scenarioFiles = [
  'activities',
  'cancellation-timers',
  'signals-queries',
  'lifecycle',
  'load',
  'child-workflows',
  'continue-as-new',
  'id-policies',
  'reset',
  'server-log',
  'details',
  'local-activities',
  'sticky-workers',
  'eager-start',
  'updates',
  'update-crash',
  'activity-operations',
  'search-attributes-sdk',
  'visibility',
  'namespaces',
  'schedules',
  'schedule-crash',
].map(
  (name) => `packages/server/test/${name}.test.ts`,
);

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    globalSetup: ['packages/server/test/helpers/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'official',
          include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          provide: { sdk: 'official' },
        },
      },
      { extends: true, test: { name: 'endure-sdk', include: scenarioFiles, provide: { sdk: 'endure' } } },
      // The same scenarios with the server on PostgreSQL (a database per test file, dropped after).
      { extends: true, test: { name: 'postgres', include: scenarioFiles, provide: { sdk: 'official', store: 'postgres' } } },
      // The packages as a user installs them (scripts/, README's "Use the SDK in your project").
      { extends: true, test: { name: 'packaging', include: ['test/**/*.test.mts'] } },
    ],
  },
});
