import { describe, expect, it } from 'vitest';
import { MARKDOWN_LIMITS, MarkdownDocumentSchema, MarkdownNodeSchema } from './markdown.schema';

const text = (value: string) => ({ type: 'text', value });

describe('MarkdownDocumentSchema', () => {
  it('accepts every node type of the closed set', () => {
    const doc = [
      { type: 'heading', depth: 2, children: [text('h'), { type: 'break' }] },
      {
        type: 'paragraph',
        children: [
          {
            type: 'emphasis',
            children: [{ type: 'strong', children: [{ type: 'delete', children: [text('x')] }] }],
          },
          { type: 'inlineCode', value: 'c' },
          { type: 'link', href: 'tierdesk:article/art_1', title: 't', children: [text('a')] },
          { type: 'image', src: 'https://cdn.example/i.png', alt: 'i' },
        ],
      },
      { type: 'code', lang: 'c++', value: 'int x;' },
      { type: 'blockquote', children: [{ type: 'thematicBreak' }] },
      {
        type: 'list',
        ordered: true,
        start: 3,
        children: [{ type: 'listItem', checked: true, children: [] }],
      },
      {
        type: 'table',
        align: ['left', null],
        children: [{ type: 'tableRow', children: [{ type: 'tableCell', children: [text('1')] }] }],
      },
    ];
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
    expect(MarkdownNodeSchema.safeParse({ type: 'root', children: doc }).success).toBe(true);
  });

  it.each([
    ['an unknown node type', [{ type: 'html', value: '<b>' }]],
    [
      'a javascript: link',
      [{ type: 'paragraph', children: [{ type: 'link', href: 'javascript:alert(1)', children: [] }] }],
    ],
    ['a relative link', [{ type: 'paragraph', children: [{ type: 'link', href: '/x', children: [] }] }]],
    [
      'a link with a space',
      [{ type: 'paragraph', children: [{ type: 'link', href: 'https://a b', children: [] }] }],
    ],
    ['an http image', [{ type: 'paragraph', children: [{ type: 'image', src: 'http://x/i.png', alt: '' }] }]],
    [
      'a data: image',
      [{ type: 'paragraph', children: [{ type: 'image', src: 'data:image/png,x', alt: '' }] }],
    ],
    ['heading depth 7', [{ type: 'heading', depth: 7, children: [] }]],
    ['a hostile code lang', [{ type: 'code', lang: '"><x', value: '' }]],
    ['an inline node at block level', [text('loose')]],
    ['a block inside a paragraph', [{ type: 'paragraph', children: [{ type: 'thematicBreak' }] }]],
    [
      'an over-long text',
      [{ type: 'paragraph', children: [text('x'.repeat(MARKDOWN_LIMITS.maxTextLength + 1))] }],
    ],
  ])('rejects %s', (_name, doc) => {
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(false);
  });

  it('rejects a tree deeper than maxDepth, without recursing through 100 000 levels', () => {
    let deep: unknown = text('x');
    for (let i = 0; i < 100_000; i++) deep = { type: 'emphasis', children: [deep] };
    expect(MarkdownDocumentSchema.safeParse([{ type: 'paragraph', children: [deep] }]).success).toBe(false);
    let ok: unknown = text('x');
    for (let i = 0; i < MARKDOWN_LIMITS.maxDepth - 2; i++) ok = { type: 'emphasis', children: [ok] };
    expect(MarkdownDocumentSchema.safeParse([{ type: 'paragraph', children: [ok] }]).success).toBe(true);
    expect(
      MarkdownDocumentSchema.safeParse([
        { type: 'paragraph', children: [{ type: 'emphasis', children: [ok] }] },
      ]).success,
    ).toBe(false);
  });

  it('rejects more than maxNodes nodes', () => {
    const many = Array.from({ length: MARKDOWN_LIMITS.maxNodes }, () => ({ type: 'thematicBreak' }));
    expect(MarkdownDocumentSchema.safeParse(many).success).toBe(true);
    expect(MarkdownDocumentSchema.safeParse([...many, { type: 'thematicBreak' }]).success).toBe(false);
  });
});
