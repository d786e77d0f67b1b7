import { QueryClient } from '@tanstack/react-query';
import { createContext, type ReactElement, type ReactNode, useContext, useState } from 'react';
import type { MessageOverrides } from '../i18n/i18n.types';
import { localeDir } from '../i18n/locale-dir';
import { ar } from '../i18n/messages/ar';
import { de } from '../i18n/messages/de';
import { en } from '../i18n/messages/en';
import { TierdeskI18nProvider } from '../i18n/tierdesk-i18n-provider';
import { TierdeskProvider } from '../provider/tierdesk-provider';
import { TierdeskThemeProvider } from '../theme/tierdesk-theme-provider';
import { createStoryBackend, type StoryBackend } from './story.backend';
import { STORY_USER } from './story.fixtures';
import type { StoryScenario } from './story.types';

/** The themes of the toolbar: the two colour schemes and the unstyled mode. */
export const STORY_THEMES = ['light', 'dark', 'unstyled'] as const;
/** A toolbar theme. */
export type StoryTheme = (typeof STORY_THEMES)[number];

/** The locales of the toolbar (Arabic is right to left). */
export const STORY_LOCALES = ['en', 'de', 'ar'] as const;
/** A toolbar locale. */
export type StoryLocale = (typeof STORY_LOCALES)[number];

/** The Storybook globals the decorator reads (set from the toolbar, or per story with `globals`). */
export interface StoryGlobals {
  theme: StoryTheme;
  locale: StoryLocale;
}

const CATALOGS: Record<StoryLocale, MessageOverrides> = { en, de, ar };

const StoryBackendContext = createContext<StoryBackend | null>(null);

/** The in-memory API of the story being rendered (for render functions that need its `fetch`). */
export function useStoryBackend(): StoryBackend {
  const backend = useContext(StoryBackendContext);
  if (backend === null) throw new Error('useStoryBackend() needs the Tierdesk story decorator around it.');
  return backend;
}

/**
 * The story's in-memory API, made fresh for every render of a story by the project's loader
 * (`context.loaded.tierdesk`). Play functions use it to act as the other side: an agent replying,
 * a ticket being solved.
 */
export function storyBackendOf(context: { loaded: Record<string, unknown> }): StoryBackend {
  const backend = context.loaded.tierdesk as StoryBackend | undefined;
  if (backend === undefined)
    throw new Error('No story backend: is the project loader of preview.tsx applied?');
  return backend;
}

/** The project loader that makes each story's API from its `parameters.tierdesk` scenario. */
export function loadStoryBackend(context: { parameters: { tierdesk?: StoryScenario } }): {
  tierdesk: StoryBackend;
} {
  return { tierdesk: createStoryBackend(context.parameters.tierdesk) };
}

/** Props of {@link TierdeskStoryRoot}. */
export interface TierdeskStoryRootProps extends StoryGlobals {
  /** The story's in-memory API. */
  backend: StoryBackend;
  /** The provider's identity. Default: the story user. */
  identity?: string | undefined;
  children?: ReactNode;
}

/**
 * Everything a Tierdesk component needs, for one story: the story's in-memory API (so writes stay in
 * the story), a fresh QueryClient, the provider, and the theme and language of the toolbar. The canvas
 * carries the theme's background and the locale's `lang` and `dir`, like a host page would.
 */
export function TierdeskStoryRoot(props: TierdeskStoryRootProps): ReactElement {
  const { backend, theme, locale, children } = props;
  // No retries and no refetch on focus: a story shows one state and keeps showing it.
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } }),
  );
  const unstyled = theme === 'unstyled';
  return (
    <StoryBackendContext.Provider value={backend}>
      <TierdeskProvider
        client={backend.client}
        identity={props.identity ?? STORY_USER.id}
        queryClient={queryClient}
      >
        <TierdeskI18nProvider locale={locale} messages={CATALOGS[locale]}>
          <TierdeskThemeProvider theme={unstyled ? 'light' : theme} unstyled={unstyled}>
            <div
              className="td-story-canvas"
              lang={locale}
              dir={localeDir(locale)}
              {...(unstyled ? {} : { 'data-td-theme': theme })}
            >
              {children}
            </div>
          </TierdeskThemeProvider>
        </TierdeskI18nProvider>
      </TierdeskProvider>
    </StoryBackendContext.Provider>
  );
}
