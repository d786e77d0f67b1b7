// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { MarkdownDocument } from '@tierdesk/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// The server's parser and the shared XSS corpus: the trees rendered here are what the API would send.
import { parseMarkdown } from '../../../node/src/markdown/markdown.parser';
import { FORBIDDEN_SCHEMES, XSS_CORPUS } from '../../../node/src/markdown/xss-corpus';
import { Markdown } from './markdown';

const ALLOWED_TAGS = new Set([
  'div',
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'em',
  'strong',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'img',
  'br',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'input',
  'button',
]);

// The marker lives in jsdom's own script realm (where inline handlers and scripts run, with
// `runScripts: 'dangerously'`), so it is installed by a script; it counts calls in a DOM attribute
// that this realm can read. `alert` is the marker too, since most payloads call it.
const MARKER_SCRIPT = `
  window.__xssMarker = function () {
    var root = document.documentElement;
    root.setAttribute('data-xss-calls', String(Number(root.getAttribute('data-xss-calls') || 0) + 1));
  };
  window.alert = window.__xssMarker;
`;
const markerCalls = () => Number(document.documentElement.getAttribute('data-xss-calls') ?? 0);
const preventNavigation = (event: Event) => event.preventDefault();

beforeEach(() => {
  document.documentElement.removeAttribute('data-xss-calls');
  const script = document.createElement('script');
  script.textContent = MARKER_SCRIPT;
  document.head.append(script);
  script.remove();
  document.addEventListener('click', preventNavigation, true);
});
afterEach(() => {
  cleanup();
  document.removeEventListener('click', preventNavigation, true);
});

/** Everything that would let the rendered tree run script; empty when safe. */
function problems(container: HTMLElement): string[] {
  const found: string[] = [];
  for (const el of container.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) found.push(`<${tag}>`);
    for (const attr of el.getAttributeNames()) {
      if (/^on/i.test(attr)) found.push(`${tag}[${attr}]`);
      if (['style', 'srcdoc', 'formaction', 'action', 'xlink:href'].includes(attr))
        found.push(`${tag}[${attr}]`);
    }
    for (const attr of ['href', 'src']) {
      const value = el.getAttribute(attr);
      if (value === null) continue;
      if (FORBIDDEN_SCHEMES.test(value) || !/^(https?:\/\/|mailto:)/.test(value))
        found.push(`${tag}[${attr}=${value}]`);
      if (attr === 'src' && !value.startsWith('https://')) found.push(`${tag}[src=${value}]`);
    }
    if (
      tag === 'a' &&
      el.getAttribute('target') === '_blank' &&
      el.getAttribute('rel') !== 'noopener noreferrer nofollow'
    ) {
      found.push(`a[rel=${el.getAttribute('rel')}]`);
    }
  }
  return found;
}

/** Pokes every element the way a user or the browser would, to trigger any handler that slipped in. */
function poke(container: HTMLElement): void {
  for (const el of container.querySelectorAll('*')) {
    fireEvent.click(el);
    fireEvent.mouseOver(el);
    fireEvent.focus(el);
    fireEvent.load(el);
    fireEvent.error(el);
  }
}

describe('<Markdown /> on the XSS corpus', () => {
  it('the marker and the checks can fail: an inline handler does run in this environment', () => {
    const div = document.createElement('div');
    div.setAttribute('onclick', 'alert(1)');
    document.body.append(div);
    div.click();
    div.remove();
    expect(markerCalls()).toBe(1);
    const bad = document.createElement('div');
    bad.innerHTML = '<a href="javascript:alert(1)" onclick="x()">x</a><script></script>';
    expect(problems(bad)).toEqual(['a[onclick]', 'a[href=javascript:alert(1)]', '<script>']);
  });

  it.each(XSS_CORPUS.map((payload) => [payload]))('renders %j without any way to run script', (payload) => {
    const { container } = render(<Markdown nodes={parseMarkdown(payload)} onArticleLink={() => {}} />);
    expect(container.querySelector('script')).toBeNull();
    expect(problems(container)).toEqual([]);
    poke(container);
    expect(markerCalls()).toBe(0);
  });

  it('renders the whole corpus as one document safely, with some real links in it', () => {
    const { container } = render(<Markdown nodes={parseMarkdown(XSS_CORPUS.join('\n\n'))} images="link" />);
    expect(problems(container)).toEqual([]);
    expect(container.querySelectorAll('a[href^="https://"]').length).toBeGreaterThan(0);
    poke(container);
    expect(markerCalls()).toBe(0);
  });
});

describe('<Markdown /> on hostile trees that bypass the parser', () => {
  const hostile = [
    {
      type: 'paragraph',
      children: [
        { type: 'link', href: 'javascript:window.__xssMarker()', children: [{ type: 'text', value: 'js' }] },
      ],
    },
    {
      type: 'paragraph',
      children: [{ type: 'link', href: ' JavaScript:window.__xssMarker()', children: [] }],
    },
    {
      type: 'paragraph',
      children: [{ type: 'link', href: 'data:text/html,<script>x</script>', children: [] }],
    },
    {
      type: 'paragraph',
      children: [{ type: 'link', href: '/relative', children: [{ type: 'text', value: 'rel' }] }],
    },
    { type: 'paragraph', children: [{ type: 'image', src: 'javascript:window.__xssMarker()', alt: 'a' }] },
    { type: 'paragraph', children: [{ type: 'image', src: 'http://insecure.example/x.png', alt: 'b' }] },
    { type: 'html', value: '<script>window.__xssMarker()</script>' },
    { type: 'script', children: [{ type: 'text', value: 'window.__xssMarker()' }] },
    { type: 'paragraph', children: [{ type: 'text', value: '<img src=x onerror=window.__xssMarker()>' }] },
    { type: 'paragraph', children: [{ type: 'text', value: { toString: () => '<b>' } }] },
    {
      type: 'paragraph',
      onClick: 'window.__xssMarker()',
      dangerouslySetInnerHTML: { __html: '<script>x</script>' },
      children: [],
    },
    { type: 'heading', depth: '1 onload=x', children: [{ type: 'text', value: 'h' }] },
    { type: 'heading', depth: 99, children: [{ type: 'text', value: 'h' }] },
    { type: 'code', lang: '"><script>window.__xssMarker()</script>', value: 'c' },
    {
      type: 'list',
      ordered: true,
      start: 'x" onclick="y',
      children: [{ type: 'listItem', checked: 'yes', children: [] }, { type: 'script' }],
    },
    {
      type: 'table',
      align: ['<x>'],
      children: [
        {
          type: 'tableRow',
          children: [
            { type: 'tableCell', children: [{ type: 'link', href: 'vbscript:x', children: [] }] },
            { type: 'div' },
          ],
        },
      ],
    },
    {
      type: 'paragraph',
      children: [
        {
          type: 'link',
          href: 'https://ok.example/',
          children: [
            { type: 'link', href: 'https://nested.example/', children: [{ type: 'text', value: 'n' }] },
          ],
        },
      ],
    },
    { type: 'paragraph', children: 'not an array' },
    null,
    42,
    'text at the top',
  ] as unknown as MarkdownDocument;

  it('renders nothing that can run script', () => {
    const { container } = render(<Markdown nodes={hostile} />);
    expect(problems(container)).toEqual([]);
    expect(container.innerHTML).not.toContain('<script');
    expect(container.querySelectorAll('a a')).toHaveLength(0);
    expect(container.textContent).toContain('<img src=x onerror=window.__xssMarker()>');
    poke(container);
    expect(markerCalls()).toBe(0);
  });

  it('stops at the depth limit instead of overflowing the stack on a 10 000-level tree', () => {
    let deep: unknown = { type: 'text', value: 'bottom' };
    for (let i = 0; i < 10_000; i++) deep = { type: 'emphasis', children: [deep] };
    const { container } = render(
      <Markdown nodes={[{ type: 'paragraph', children: [deep] }] as unknown as MarkdownDocument} />,
    );
    expect(container.querySelectorAll('em').length).toBeLessThanOrEqual(32);
    expect(container.textContent).not.toContain('bottom');
  });
});

describe('<Markdown /> rendering', () => {
  it('renders the node set as plain elements with td-md-* classes', () => {
    const source = [
      '## Title',
      'Some *em*, **strong**, ~~gone~~ and `code`.',
      '> quote',
      '1. one\n2. two',
      '- [x] done\n- [ ] open',
      '```ts\nconst a = 1;\n```',
      '| a | b |\n|:-:|---|\n| 1 | 2 |',
      '---',
      '![logo](https://cdn.example/logo.png)',
    ].join('\n\n');
    const { container } = render(
      <Markdown nodes={parseMarkdown(source)} headingLevelOffset={1} className="host" />,
    );
    const root = container.firstElementChild as HTMLElement;
    expect(root.className).toBe('td-md host');
    expect(root.querySelector('h3.td-md-heading')?.textContent).toBe('Title');
    expect(root.querySelector('em.td-md-em')?.textContent).toBe('em');
    expect(root.querySelector('strong.td-md-strong')?.textContent).toBe('strong');
    expect(root.querySelector('del.td-md-del')?.textContent).toBe('gone');
    expect(root.querySelector('code.td-md-code-inline')?.textContent).toBe('code');
    expect(root.querySelector('blockquote.td-md-blockquote p.td-md-p')?.textContent).toBe('quote');
    expect(root.querySelectorAll('ol.td-md-ol > li')).toHaveLength(2);
    const boxes = root.querySelectorAll<HTMLInputElement>('input.td-md-task-checkbox');
    expect([...boxes].map((b) => [b.checked, b.disabled, b.getAttribute('aria-label')])).toEqual([
      [true, true, 'Done'],
      [false, true, 'Not done'],
    ]);
    expect(root.querySelector('pre.td-md-pre > code.td-md-code.language-ts')?.textContent).toBe(
      'const a = 1;',
    );
    expect(root.querySelector('table.td-md-table thead th.td-md-align-center')?.textContent).toBe('a');
    expect(root.querySelector('table.td-md-table tbody td')?.textContent).toBe('1');
    expect(root.querySelector('hr.td-md-hr')).not.toBeNull();
    const img = root.querySelector('img.td-md-img') as HTMLImageElement;
    expect([
      img.getAttribute('src'),
      img.alt,
      img.getAttribute('referrerpolicy'),
      img.getAttribute('loading'),
    ]).toEqual(['https://cdn.example/logo.png', 'logo', 'no-referrer', 'lazy']);
    expect(root.querySelector('[style]')).toBeNull();
  });

  it('opens http(s) links in a new tab with rel="noopener noreferrer nofollow"; mailto stays in place', () => {
    render(<Markdown nodes={parseMarkdown('[docs](https://docs.example/) <help@example.com>')} />);
    const docs = screen.getByRole('link', { name: 'docs' });
    expect([docs.getAttribute('href'), docs.getAttribute('target'), docs.getAttribute('rel')]).toEqual([
      'https://docs.example/',
      '_blank',
      'noopener noreferrer nofollow',
    ]);
    const mail = screen.getByRole('link', { name: 'help@example.com' });
    expect([mail.getAttribute('href'), mail.getAttribute('target')]).toEqual([
      'mailto:help@example.com',
      null,
    ]);
  });

  it('renders article links as buttons calling onArticleLink(id), and as text without a handler', () => {
    const nodes = parseMarkdown('Try [Resetting a password](tierdesk:article/art_42).');
    const onArticleLink = vi.fn();
    const { unmount } = render(<Markdown nodes={nodes} onArticleLink={onArticleLink} />);
    fireEvent.click(screen.getByRole('button', { name: 'Resetting a password' }));
    expect(onArticleLink).toHaveBeenCalledWith('art_42');
    unmount();
    const { container } = render(<Markdown nodes={nodes} />);
    expect(container.querySelector('button, a')).toBeNull();
    expect(container.textContent).toBe('Try Resetting a password.');
  });

  it('images="link" loads nothing remote: https images become links', () => {
    const { container } = render(
      <Markdown nodes={parseMarkdown('![chart](https://cdn.example/c.png)')} images="link" />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByRole('link', { name: 'chart' }).getAttribute('href')).toBe(
      'https://cdn.example/c.png',
    );
  });
});
