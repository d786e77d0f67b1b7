import type { WidgetApi } from '@tierdesk/core/machines';
import { type ComponentType, type ReactElement, useEffect, useRef } from 'react';
import { useThemeRootProps } from '../theme/use-theme-root-props';
import type { WidgetPartProps } from '../widget/parts/parts.types';
import { WidgetErrorNotice } from '../widget/parts/widget-error-notice';
import { useWidget } from '../widget/use-widget';
import { useStoryBackend } from './story.decorator';
import { STORY_USER } from './story.fixtures';

/** Props of {@link WidgetPartStory}. */
export interface WidgetPartStoryProps {
  /** The composable part to render over the widget's view API. */
  part: ComponentType<WidgetPartProps>;
  /** Intents sent once the widget is open (open an article, a ticket, the form…). */
  start?: (widget: WidgetApi) => void;
  /** Language of search and articles. Default `en`. */
  locale?: string;
}

/**
 * One widget part on its own, as a host composing its own widget would render it: `useWidget()` over
 * the story's in-memory API (its live stream included), opened, sent the story's `start` intents,
 * and the part given the view API, with the widget's error notice above it. The root's
 * `data-screen` says which screen the machine is on.
 */
export function WidgetPartStory({ part: Part, start, locale = 'en' }: WidgetPartStoryProps): ReactElement {
  const backend = useStoryBackend();
  const widget = useWidget({
    user: { id: STORY_USER.id, name: STORY_USER.name ?? 'Wanda' },
    locale,
    debounceMs: 50,
    // Drafts in memory only: a story never inherits what another one typed.
    storage: null,
    stream: { fetch: backend.fetch },
  });
  const first = useRef({ widget, start });
  // Once, after the hook's own effects have started the widget (events sent earlier wait for it).
  useEffect(() => {
    first.current.widget.open();
    first.current.start?.(first.current.widget);
  }, []);
  const rootProps = useThemeRootProps('td-widget-part-story');
  // The screen the machine is on, for play functions to wait for (a part alone does not show it).
  return (
    <div {...rootProps} data-screen={widget.screen}>
      <div className="td-widget-body" aria-busy={widget.isLoading}>
        <WidgetErrorNotice widget={widget} />
        <Part widget={widget} />
      </div>
    </div>
  );
}
