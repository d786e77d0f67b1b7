import { defineConfig } from 'vitest/config';

// Tests run on source: the `source` export condition points every @tierdesk/* import at src/.
export default defineConfig({
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.{ts,tsx}',
      'packages/*/tests/**/*.test.{ts,tsx}',
      'examples/*/src/**/*.test.{ts,tsx}',
      'examples/*/tests/**/*.test.{ts,tsx}',
      'tests/**/*.test.{ts,tsx}',
    ],
    testTimeout: 20_000,
  },
});
