import type { StorybookConfig } from '@storybook/react-vite';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, mergeConfig } from 'vite';

// Storybook for @tierdesk/react: the react-vite framework and the a11y addon. Stories sit beside
// their components (`src/**/*.stories.tsx`); `src/stories.test.tsx` renders every one of them in the
// test suite, so a story that breaks or grows an axe violation fails `npm test`.

const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../src/**/*.stories.tsx'],
  addons: ['@storybook/addon-a11y'],
  core: { disableTelemetry: true },
  typescript: { reactDocgen: 'react-docgen-typescript' },
  viteFinal(viteConfig) {
    return mergeConfig(viteConfig, {
      plugins: [react()],
      // Like the tests, Storybook runs on source: the `source` export condition points every
      // @tierdesk/* import at src/, so a story never shows a stale build.
      resolve: { conditions: ['source', ...defaultClientConditions] },
    });
  },
};

export default config;
