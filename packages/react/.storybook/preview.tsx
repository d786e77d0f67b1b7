import type { Decorator, Preview } from '@storybook/react-vite';
/// <reference types="vite/client" />
import {
  loadStoryBackend,
  STORY_LOCALES,
  STORY_THEMES,
  type StoryGlobals,
  type StoryLocale,
  type StoryTheme,
  storyBackendOf,
  TierdeskStoryRoot,
} from '../src/stories/story.decorator';
import type { TierdeskStoryParameters } from '../src/stories/story.types';
// The package's stylesheet as hosts get it (`@tierdesk/react/styles.css`): the theme tokens first,
// then every component's CSS beside its code.
import '../src/theme/styles.css';
import './preview.css';

import.meta.glob('../src/**/*.css', { eager: true });

const isTheme = (value: unknown): value is StoryTheme => STORY_THEMES.includes(value as StoryTheme);
const isLocale = (value: unknown): value is StoryLocale => STORY_LOCALES.includes(value as StoryLocale);

/**
 * Wraps every story in the Tierdesk provider over the story's in-memory API (made by the loader
 * below from `parameters.tierdesk`), with the toolbar's theme and locale. Keyed by story, so
 * switching stories starts from the fixtures again while switching theme or locale keeps what the
 * story did.
 */
const withTierdesk: Decorator = (Story, context) => {
  const globals = context.globals as Partial<StoryGlobals>;
  return (
    <TierdeskStoryRoot
      key={context.id}
      backend={storyBackendOf(context)}
      identity={(context.parameters as TierdeskStoryParameters).tierdesk?.identity}
      theme={isTheme(globals.theme) ? globals.theme : 'light'}
      locale={isLocale(globals.locale) ? globals.locale : 'en'}
    >
      <Story />
    </TierdeskStoryRoot>
  );
};

const preview: Preview = {
  loaders: [(context) => loadStoryBackend(context as { parameters: TierdeskStoryParameters })],
  decorators: [withTierdesk],
  globalTypes: {
    theme: {
      description: 'Tierdesk theme',
      toolbar: {
        title: 'Theme',
        icon: 'paintbrush',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
          { value: 'unstyled', title: 'Unstyled', icon: 'contrast' },
        ],
        dynamicTitle: true,
      },
    },
    locale: {
      description: 'Language and writing direction',
      toolbar: {
        title: 'Locale',
        icon: 'globe',
        items: [
          { value: 'en', title: 'English', right: 'LTR' },
          { value: 'de', title: 'Deutsch', right: 'LTR' },
          { value: 'ar', title: 'العربية', right: 'RTL' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en' } satisfies StoryGlobals,
  parameters: {
    layout: 'fullscreen',
    // Violations fail the story in Storybook's test runs too, not only in the a11y panel. In a real
    // browser every rule applies, colour contrast included.
    a11y: { test: 'error' },
    controls: { expanded: true },
  },
};

export default preview;
