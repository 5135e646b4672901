import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    globalSetup: ['engine/testing/global-setup.ts'],
    reporters: ['verbose'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only make the real servers slower.
    maxWorkers: 2,
  },
});
