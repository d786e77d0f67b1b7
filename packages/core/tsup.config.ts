import { defineConfig } from 'tsup';
import { baseTsupConfig } from '../../tsup.config.base';

export default defineConfig({
  ...baseTsupConfig,
  entry: ['src/index.ts', 'src/machines.ts', 'src/openapi.ts', 'src/lean.ts', 'src/widget.ts'],
  // Shared code between the entries lands in one chunk instead of being duplicated.
  splitting: true,
  platform: 'neutral',
  // ky ships ESM only; bundling it keeps `require('@tierdesk/core')` working on every Node 20.
  noExternal: ['ky'],
});
