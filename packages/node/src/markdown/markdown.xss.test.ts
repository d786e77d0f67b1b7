import { type MarkdownDocument, MarkdownDocumentSchema, type MarkdownNode } from '@tierdesk/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from './markdown.parser';
import { FORBIDDEN_SCHEMES, XSS_CORPUS } from './xss-corpus';

const NODE_TYPES = new Set([
  'paragraph',
  'heading',
  'text',
  'emphasis',
  'strong',
  'delete',
  'inlineCode',
  'code',
  'blockquote',
  'list',
  'listItem',
  'link',
  'image',
  'break',
  'thematicBreak',
  'table',
  'tableRow',
  'tableCell',
]);

function nodesOf(doc: MarkdownDocument): MarkdownNode[] {
  const all: MarkdownNode[] = [];
  const stack: MarkdownNode[] = [...doc];
  for (let node = stack.pop(); node; node = stack.pop()) {
    all.push(node);
    if ('children' in node) stack.push(...(node.children as MarkdownNode[]));
  }
  return all;
}

/** Every way a parsed document could carry script: returns the offending nodes (empty when safe). */
function unsafeNodes(doc: MarkdownDocument): MarkdownNode[] {
  return nodesOf(doc).filter((node) => {
    if (!NODE_TYPES.has(node.type)) return true;
    if (node.type === 'link')
      return FORBIDDEN_SCHEMES.test(node.href) || !/^(https?:|mailto:|tierdesk:article\/)/.test(node.href);
    if (node.type === 'image') return !node.src.startsWith('https://');
    return Object.keys(node).some(
      (key) =>
        ![
          'type',
          'children',
          'value',
          'depth',
          'lang',
          'ordered',
          'start',
          'checked',
          'href',
          'title',
          'src',
          'alt',
          'align',
        ].includes(key),
    );
  });
}

describe('the XSS corpus', () => {
  it('has at least 150 payloads', () => {
    expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(150);
  });

  it.each(XSS_CORPUS.map((payload) => [payload]))('is harmless: %j', (payload) => {
    const doc = parseMarkdown(payload);
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
    expect(unsafeNodes(doc)).toEqual([]);
  });

  it('keeps no javascript:/data:/vbscript: link anywhere, even with all payloads in one document', () => {
    const doc = parseMarkdown(XSS_CORPUS.join('\n\n'));
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
    expect(unsafeNodes(doc)).toEqual([]);
    // The corpus does contain links that survive (https ones): the check above is not vacuous.
    expect(nodesOf(doc).some((n) => n.type === 'link')).toBe(true);
  });

  it('the unsafe-node check itself catches a forbidden link and an unknown node type', () => {
    expect(
      unsafeNodes([
        { type: 'paragraph', children: [{ type: 'link', href: 'javascript:alert(1)', children: [] }] },
      ]),
    ).toHaveLength(1);
    expect(
      unsafeNodes([{ type: 'html', value: '<script>' } as unknown as MarkdownDocument[number]]),
    ).toHaveLength(1);
    expect(
      MarkdownDocumentSchema.safeParse([
        { type: 'paragraph', children: [{ type: 'link', href: 'javascript:alert(1)', children: [] }] },
      ]).success,
    ).toBe(false);
    expect(MarkdownDocumentSchema.safeParse([{ type: 'html', value: '<script>' }]).success).toBe(false);
  });
});

describe('parseMarkdown on arbitrary input (property)', () => {
  const markdownish = fc.string({
    unit: fc.constantFrom(
      ...'*_~`[]()<>!#>-+1.:|\\&;\n \tajs\u0000\u00a0\u200b😀'.split(''),
      'javascript:',
      'https://x.y/',
      '&#106;',
      '<script>',
      '```',
      '    ',
    ),
    maxLength: 300,
  });

  it('never throws and always validates against MarkdownDocumentSchema (markdown-shaped strings)', () => {
    fc.assert(
      fc.property(markdownish, (source) => {
        const doc = parseMarkdown(source);
        expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
        expect(unsafeNodes(doc)).toEqual([]);
      }),
      { numRuns: 1_000 },
    );
  });

  it('never throws and always validates against MarkdownDocumentSchema (any UTF-16 string)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (source) => {
        const doc = parseMarkdown(source);
        expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
