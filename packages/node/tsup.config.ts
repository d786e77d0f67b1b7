import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { baseTsupConfig } from '../../tsup.config.base';

export default defineConfig({
  ...baseTsupConfig,
  // The library, and the CLI that bin/tierdesk.mjs launches.
  entry: ['src/index.ts', 'src/cli.ts'],
  platform: 'node',
  // The versioned SQL migrations ship beside the bundles: the runner reads them from dist/migrations.
  onSuccess: async () => {
    cpSync('src/store/migrations', 'dist/migrations', { recursive: true });
  },
});
