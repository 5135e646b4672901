import { defineConfig } from 'vitest/config';

// `tessera` imports (the examples, the test kit) resolve to the TypeScript sources, as under tsx.
const conditions = ['tessera-source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['**/*.test.ts'],
    // Folders of their own dependencies (bench/peers/colyseus) hold no tests of ours.
    // .tmp/ holds what tests write inside the repository (docs/game-guide.test.ts), removed after them.
    exclude: ['**/node_modules/**', 'dist/**', '.tmp/**'],
    globalSetup: ['engine/testing/global-setup.ts'],
    reporters: ['verbose'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only make the real servers slower.
    maxWorkers: 2,
  },
});
