import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { baseTsupConfig } from '../../tsup.config.base';

export default defineConfig({
  ...baseTsupConfig,
  // `@tierdesk/react/agent` is built from the agent folder's own index.
  entry: {
    index: 'src/index.ts',
    widget: 'src/widget.ts',
    'widget-kit': 'src/widget-kit.ts',
    agent: 'src/agent/index.ts',
  },
  // Split, so that the widget's lazy panel stays a file of its own (a bundler can only lazy-load what
  // arrives as a separate module) and the two entries share one copy of each context and class.
  splitting: true,
  platform: 'neutral',
  // Peers and the core are the host's copies: bundling them would duplicate React (broken hooks),
  // the QueryClient (split caches) and the error classes (failing `instanceof`).
  external: ['react', 'react-dom', '@tanstack/react-query', '@tierdesk/core'],
  // Everything here runs in the browser (context, hooks): the directive lets React Server Components
  // hosts (Next.js app router) import the entries, which then render as client components.
  banner: { js: "'use client';" },
  // tsup's extra Rollup tree-shaking pass drops module-level directives (the banner above); esbuild
  // already tree-shakes the bundle, so this package skips that pass.
  treeshake: false,
  // One stylesheet for hosts (`@tierdesk/react/styles.css`): the theme tokens first, then every
  // other `src/**/*.css` (components keep their CSS beside their code), in path order.
  onSuccess: async () => {
    const sheets = (readdirSync('src', { recursive: true }) as string[])
      .map((file) => file.split('\\').join('/'))
      .filter((file) => file.endsWith('.css') && file !== 'theme/styles.css')
      .sort();
    const css = ['theme/styles.css', ...sheets].map((file) => readFileSync(`src/${file}`, 'utf8'));
    writeFileSync('dist/styles.css', css.join('\n'));
  },
});
