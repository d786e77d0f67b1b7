import type { ArticleSearchHit } from '@tierdesk/core';
import type { ReactElement, ReactNode } from 'react';

/** A search hit's highlighted fragments as plain text with `<mark>` around the matching runs. */
export function Highlights({ hit }: { hit: ArticleSearchHit }): ReactNode {
  if (hit.highlights.length === 0) return null;
  return (
    <span className="td-widget-snippet">
      {hit.highlights.map((fragment, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fragments have no identity and never reorder
        <span key={i}>
          {i > 0 ? ' … ' : null}
          {fragment.map((run, j) =>
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            run.match ? <mark key={j}>{run.text}</mark> : <span key={j}>{run.text}</span>,
          )}
        </span>
      ))}
    </span>
  );
}

/** Props of {@link ArticleHitList}. */
export interface ArticleHitListProps {
  /** Search hits or deflection suggestions. */
  hits: readonly ArticleSearchHit[];
  /** Opens an article (e.g. `widget.openArticle`). */
  onOpen: (articleId: string) => void;
}

/** A list of article hits as buttons, each with its highlighted snippet. */
export function ArticleHitList({ hits, onOpen }: ArticleHitListProps): ReactElement {
  return (
    <ul className="td-widget-hits">
      {hits.map((hit) => (
        <li key={hit.id}>
          <button type="button" className="td-widget-hit" onClick={() => onOpen(hit.id)}>
            <span className="td-widget-hit-title">{hit.title}</span>
            <Highlights hit={hit} />
          </button>
        </li>
      ))}
    </ul>
  );
}
