import type { MarkdownDocument, MarkdownNode } from '@tierdesk/core';
import { Fragment, type ReactElement, type ReactNode } from 'react';
import { isRenderableHref, isRenderableImageSrc, MAX_RENDER_DEPTH } from './markdown.urls';

// Renders the server's safe markdown node tree as React elements. There is no HTML anywhere on this
// path: strings become text children (escaped by React), URLs are re-checked here against the same
// allow-list the server applied, and every element comes from the fixed set below. The renderer trusts
// nothing about its input at run time (a host may hand it any JSON): unknown node types render
// nothing, malformed fields are ignored, nesting stops at core's `MARKDOWN_LIMITS.maxDepth`.
// No hooks and no browser globals: safe to render on a server.

/** Props of {@link Markdown}. */
export interface MarkdownProps {
  /** The document as the API sends it (parsed on the server by `parseMarkdown`). */
  nodes: MarkdownDocument;
  /**
   * Called with the article id when an article link (`tierdesk:article/<id>`) is activated. Without it,
   * article links render as plain text.
   */
  onArticleLink?: ((articleId: string) => void) | undefined;
  /**
   * `inline` (default) shows https images as `<img>` (lazy, no referrer); `link` shows them as links so
   * nothing remote loads until the reader asks (for content from untrusted authors).
   */
  images?: 'inline' | 'link' | undefined;
  /** Added to heading levels so a document's `#` fits under the host's own headings (max level 6). */
  headingLevelOffset?: number | undefined;
  /** Accessible names of task-list checkboxes (English by default). */
  taskLabels?: { done: string; open: string } | undefined;
  /** Extra class on the wrapper (which always has `td-md`). */
  className?: string | undefined;
}

interface RenderContext {
  onArticleLink: ((articleId: string) => void) | undefined;
  images: 'inline' | 'link';
  headingLevelOffset: number;
  taskLabels: { done: string; open: string };
  /** Inside a link or an article button: no further interactive elements. */
  inLink: boolean;
}

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const;
const CODE_LANG = /^[\w#+.-]{1,32}$/;
const ARTICLE_PREFIX = 'tierdesk:article/';
const EXTERNAL_REL = 'noopener noreferrer nofollow';

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');
const childrenOf = (node: { children?: unknown }): unknown[] =>
  Array.isArray(node.children) ? node.children : [];

function renderChildren(node: { children?: unknown }, ctx: RenderContext, depth: number): ReactNode[] {
  return childrenOf(node).map((child, index) => renderNode(child, index, ctx, depth + 1));
}

function renderLink(node: MarkdownNode & { type: 'link' }, key: number, ctx: RenderContext, depth: number) {
  const href = node.href;
  if (ctx.inLink || !isRenderableHref(href)) {
    return <Fragment key={key}>{renderChildren(node, ctx, depth)}</Fragment>;
  }
  const inner = { ...ctx, inLink: true };
  const content = childrenOf(node).length > 0 ? renderChildren(node, inner, depth) : href;
  const title = typeof node.title === 'string' ? node.title : undefined;
  if (href.startsWith(ARTICLE_PREFIX)) {
    const onArticleLink = ctx.onArticleLink;
    if (!onArticleLink) return <Fragment key={key}>{content}</Fragment>;
    const articleId = href.slice(ARTICLE_PREFIX.length);
    return (
      <button
        key={key}
        type="button"
        className="td-md-article-link"
        title={title}
        onClick={() => onArticleLink(articleId)}
      >
        {content}
      </button>
    );
  }
  const external = !href.startsWith('mailto:');
  return (
    <a
      key={key}
      className="td-md-link"
      href={href}
      title={title}
      rel={external ? EXTERNAL_REL : 'nofollow'}
      target={external ? '_blank' : undefined}
    >
      {content}
    </a>
  );
}

function renderImage(node: MarkdownNode & { type: 'image' }, key: number, ctx: RenderContext) {
  const alt = textOf(node.alt);
  const title = typeof node.title === 'string' ? node.title : undefined;
  if (!isRenderableImageSrc(node.src)) return alt || null;
  if (ctx.images === 'link') {
    if (ctx.inLink) return alt || null;
    return (
      <a key={key} className="td-md-link td-md-image-link" href={node.src} rel={EXTERNAL_REL} target="_blank">
        {alt || node.src}
      </a>
    );
  }
  return (
    <img
      key={key}
      className="td-md-img"
      src={node.src}
      alt={alt}
      title={title}
      loading="lazy"
      decoding="async"
      referrerPolicy="no-referrer"
    />
  );
}

function renderTable(node: MarkdownNode & { type: 'table' }, key: number, ctx: RenderContext, depth: number) {
  const align = Array.isArray(node.align) ? node.align : [];
  const rows = childrenOf(node).filter(
    (row): row is { type: 'tableRow'; children?: unknown } =>
      typeof row === 'object' && row !== null && (row as { type?: unknown }).type === 'tableRow',
  );
  const renderRow = (row: { children?: unknown }, index: number, Cell: 'th' | 'td') => (
    <tr key={index} className="td-md-tr">
      {childrenOf(row).map((cell, column) => {
        if (typeof cell !== 'object' || cell === null || (cell as { type?: unknown }).type !== 'tableCell')
          return null;
        const a = align[column];
        const alignClass = a === 'left' || a === 'right' || a === 'center' ? ` td-md-align-${a}` : '';
        return (
          <Cell
            // biome-ignore lint/suspicious/noArrayIndexKey: static tree, cells never move
            key={column}
            className={`td-md-${Cell}${alignClass}`}
            scope={Cell === 'th' ? 'col' : undefined}
          >
            {renderChildren(cell as { children?: unknown }, ctx, depth + 2)}
          </Cell>
        );
      })}
    </tr>
  );
  const [head, ...body] = rows;
  return (
    <table key={key} className="td-md-table">
      {head && <thead>{renderRow(head, 0, 'th')}</thead>}
      {body.length > 0 && <tbody>{body.map((row, index) => renderRow(row, index + 1, 'td'))}</tbody>}
    </table>
  );
}

function renderListItem(
  node: { children?: unknown; checked?: unknown },
  key: number,
  ctx: RenderContext,
  depth: number,
) {
  const children = childrenOf(node);
  const only = children.length === 1 ? (children[0] as { type?: unknown; children?: unknown }) : undefined;
  // A one-paragraph item renders without the <p>, as a tight list would.
  const content =
    only?.type === 'paragraph' ? renderChildren(only, ctx, depth + 1) : renderChildren(node, ctx, depth);
  if (typeof node.checked !== 'boolean') {
    return (
      <li key={key} className="td-md-li">
        {content}
      </li>
    );
  }
  return (
    <li key={key} className="td-md-li td-md-task">
      <input
        type="checkbox"
        className="td-md-task-checkbox"
        checked={node.checked}
        disabled
        readOnly
        aria-label={node.checked ? ctx.taskLabels.done : ctx.taskLabels.open}
      />{' '}
      {content}
    </li>
  );
}

function renderNode(raw: unknown, key: number, ctx: RenderContext, depth: number): ReactNode {
  if (typeof raw !== 'object' || raw === null || depth > MAX_RENDER_DEPTH) return null;
  const node = raw as MarkdownNode;
  switch (node.type) {
    case 'text':
      return textOf(node.value);
    case 'paragraph':
      return (
        <p key={key} className="td-md-p">
          {renderChildren(node, ctx, depth)}
        </p>
      );
    case 'heading': {
      const level = Number.isInteger(node.depth)
        ? Math.min(Math.max(node.depth + ctx.headingLevelOffset, 1), 6)
        : 6;
      const Heading = HEADINGS[level - 1] ?? 'h6';
      return (
        <Heading key={key} className={`td-md-heading td-md-${Heading}`}>
          {renderChildren(node, ctx, depth)}
        </Heading>
      );
    }
    case 'emphasis':
      return (
        <em key={key} className="td-md-em">
          {renderChildren(node, ctx, depth)}
        </em>
      );
    case 'strong':
      return (
        <strong key={key} className="td-md-strong">
          {renderChildren(node, ctx, depth)}
        </strong>
      );
    case 'delete':
      return (
        <del key={key} className="td-md-del">
          {renderChildren(node, ctx, depth)}
        </del>
      );
    case 'inlineCode':
      return (
        <code key={key} className="td-md-code-inline">
          {textOf(node.value)}
        </code>
      );
    case 'code': {
      const lang = typeof node.lang === 'string' && CODE_LANG.test(node.lang) ? node.lang : undefined;
      return (
        <pre key={key} className="td-md-pre">
          <code className={lang ? `td-md-code language-${lang}` : 'td-md-code'}>{textOf(node.value)}</code>
        </pre>
      );
    }
    case 'blockquote':
      return (
        <blockquote key={key} className="td-md-blockquote">
          {renderChildren(node, ctx, depth)}
        </blockquote>
      );
    case 'list': {
      const items = childrenOf(node).map((item, index) =>
        typeof item === 'object' && item !== null && (item as { type?: unknown }).type === 'listItem'
          ? renderListItem(item as { children?: unknown }, index, ctx, depth + 1)
          : null,
      );
      if (node.ordered === true) {
        const start = Number.isInteger(node.start) && (node.start as number) >= 0 ? node.start : undefined;
        return (
          <ol key={key} className="td-md-ol" start={start}>
            {items}
          </ol>
        );
      }
      return (
        <ul key={key} className="td-md-ul">
          {items}
        </ul>
      );
    }
    case 'link':
      return renderLink(node, key, ctx, depth);
    case 'image':
      return renderImage(node, key, ctx);
    case 'break':
      return <br key={key} />;
    case 'thematicBreak':
      return <hr key={key} className="td-md-hr" />;
    case 'table':
      return renderTable(node, key, ctx, depth);
    default:
      // root, listItem, tableRow and tableCell only make sense under their parents; anything else is
      // not part of the closed set.
      return null;
  }
}

const DEFAULT_TASK_LABELS = { done: 'Done', open: 'Not done' };

/**
 * Renders a markdown document (the safe node tree the server produced with `parseMarkdown`) as React
 * elements — no `dangerouslySetInnerHTML`, no parser, no sanitiser in the bundle. Unstyled: every
 * element carries a `td-md-*` class (`td-md-p`, `td-md-link`, `td-md-article-link`, `td-md-table`, …).
 * http(s) links open in a new tab with `rel="noopener noreferrer nofollow"`; article links
 * (`tierdesk:article/<id>`) are buttons calling `onArticleLink(id)`. SSR-safe.
 */
export function Markdown({
  nodes,
  onArticleLink,
  images = 'inline',
  headingLevelOffset = 0,
  taskLabels = DEFAULT_TASK_LABELS,
  className,
}: MarkdownProps): ReactElement {
  const ctx: RenderContext = {
    onArticleLink,
    images,
    headingLevelOffset: Number.isInteger(headingLevelOffset) ? headingLevelOffset : 0,
    taskLabels,
    inLink: false,
  };
  const blocks = Array.isArray(nodes) ? nodes : [];
  return (
    <div className={className ? `td-md ${className}` : 'td-md'}>
      {blocks.map((node, index) => renderNode(node, index, ctx, 1))}
    </div>
  );
}
