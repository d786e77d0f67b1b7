// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../node/src/markdown/markdown.parser';
import { XSS_CORPUS } from '../../../node/src/markdown/xss-corpus';
import { Markdown } from './markdown';

describe('<Markdown /> on the server', () => {
  it('renders to a string without a DOM, with text escaped', () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const html = renderToString(
      <Markdown
        nodes={parseMarkdown('**Hi** <script>alert(1)</script> [a](tierdesk:article/art_1)')}
        onArticleLink={() => {}}
      />,
    );
    expect(html).toBe(
      '<div class="td-md"><p class="td-md-p"><strong class="td-md-strong">Hi</strong> &lt;script&gt;alert(1)&lt;/script&gt; <button type="button" class="td-md-article-link">a</button></p></div>',
    );
  });

  it('never emits a script tag, an event-handler attribute or a javascript: URL for the corpus', () => {
    const html = renderToString(<Markdown nodes={parseMarkdown(XSS_CORPUS.join('\n\n'))} />);
    expect(html).not.toMatch(/<script/i);
    // React double-quotes every attribute value and escapes `"` inside it, so this reads names exactly.
    const attributes = [...html.matchAll(/\s([^\s="<>]+)="([^"]*)"/g)].map(([, name, value]) => ({
      name,
      value,
    }));
    expect(attributes.length).toBeGreaterThan(100);
    expect(attributes.filter(({ name }) => /^on/i.test(name ?? ''))).toEqual([]);
    const urls = attributes.filter(({ name }) => name === 'href' || name === 'src');
    expect(urls.filter(({ value }) => !/^(https?:\/\/|mailto:)/.test(value ?? ''))).toEqual([]);
  });
});
