import type { Options } from 'tsup';

/**
 * The one tsup configuration every package spreads: ESM + CJS + `.d.ts`, ES2022, tree-shakeable.
 * Packages only add their own entries and externals.
 */
export const baseTsupConfig: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  splitting: false,
};
