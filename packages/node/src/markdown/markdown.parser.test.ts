import { type MarkdownDocument, MarkdownDocumentSchema } from '@tierdesk/core';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from './markdown.parser';

const t = (value: string) => ({ type: 'text', value }) as const;
const p = (...children: MarkdownDocument[number] extends infer _ ? never[] | unknown[] : never) => ({
  type: 'paragraph',
  children,
});

const cases: Array<[name: string, markdown: string, expected: unknown]> = [
  ['plain paragraph', 'Hello world', [p(t('Hello world'))]],
  ['empty input', '', []],
  ['blank input', '  \n\n \t\n', []],
  [
    'emphasis, strong, strikethrough, inline code',
    '*a* **b** ~~c~~ `d`',
    [
      p(
        { type: 'emphasis', children: [t('a')] },
        t(' '),
        { type: 'strong', children: [t('b')] },
        t(' '),
        { type: 'delete', children: [t('c')] },
        t(' '),
        { type: 'inlineCode', value: 'd' },
      ),
    ],
  ],
  [
    'headings 1 and 6',
    '# One\n###### Six',
    [
      { type: 'heading', depth: 1, children: [t('One')] },
      { type: 'heading', depth: 6, children: [t('Six')] },
    ],
  ],
  ['setext heading', 'Title\n===', [{ type: 'heading', depth: 1, children: [t('Title')] }]],
  [
    'code block with language',
    '```ts\nconst a = 1;\n```',
    [{ type: 'code', lang: 'ts', value: 'const a = 1;' }],
  ],
  ['code block, hostile info string dropped', '```"><x\ncode\n```', [{ type: 'code', value: 'code' }]],
  ['indented code', '    x = 1', [{ type: 'code', value: 'x = 1' }]],
  ['blockquote', '> quoted', [{ type: 'blockquote', children: [p(t('quoted'))] }]],
  [
    'unordered list',
    '- a\n- b',
    [
      {
        type: 'list',
        ordered: false,
        children: [
          { type: 'listItem', children: [p(t('a'))] },
          { type: 'listItem', children: [p(t('b'))] },
        ],
      },
    ],
  ],
  [
    'ordered list with start',
    '3. c\n4. d',
    [
      {
        type: 'list',
        ordered: true,
        start: 3,
        children: [
          { type: 'listItem', children: [p(t('c'))] },
          { type: 'listItem', children: [p(t('d'))] },
        ],
      },
    ],
  ],
  [
    'task list',
    '- [x] done\n- [ ] todo',
    [
      {
        type: 'list',
        ordered: false,
        children: [
          { type: 'listItem', checked: true, children: [p(t('done'))] },
          { type: 'listItem', checked: false, children: [p(t('todo'))] },
        ],
      },
    ],
  ],
  [
    'https link with title (normalised)',
    '[docs](<HTTPS://Example.com/a b> "T")',
    [p({ type: 'link', href: 'https://example.com/a%20b', title: 'T', children: [t('docs')] })],
  ],
  [
    'mailto autolink',
    '<help@example.com>',
    [p({ type: 'link', href: 'mailto:help@example.com', children: [t('help@example.com')] })],
  ],
  [
    'gfm autolink literal',
    'see www.example.com',
    [p(t('see '), { type: 'link', href: 'http://www.example.com/', children: [t('www.example.com')] })],
  ],
  [
    'article link',
    '[Reset](tierdesk:article/art_1Ab)',
    [p({ type: 'link', href: 'tierdesk:article/art_1Ab', children: [t('Reset')] })],
  ],
  ['other app link becomes text', '[x](tierdesk:settings)', [p(t('x'))]],
  ['relative link becomes text', '[help](/help)', [p(t('help'))]],
  ['fragment link becomes text', '[top](#top)', [p(t('top'))]],
  ['protocol-relative link becomes text', '[x](//evil.example)', [p(t('x'))]],
  ['javascript link becomes text', '[click](javascript:alert(1))', [p(t('click'))]],
  ['entity-obfuscated javascript link becomes text', '[click](&#106;avascript:alert(1))', [p(t('click'))]],
  ['tab-split javascript link becomes text', '[click](java&#x09;script:alert(1))', [p(t('click'))]],
  [
    'empty link text shows the URL',
    '[](https://example.com)',
    [p({ type: 'link', href: 'https://example.com/', children: [t('https://example.com/')] })],
  ],
  [
    'reference link',
    '[a][r]\n\n[r]: https://example.com',
    [p({ type: 'link', href: 'https://example.com/', children: [t('a')] })],
  ],
  [
    'https image',
    '![logo](https://cdn.example/l.png "Logo")',
    [p({ type: 'image', src: 'https://cdn.example/l.png', alt: 'logo', title: 'Logo' })],
  ],
  [
    'http image becomes a link',
    '![logo](http://cdn.example/l.png)',
    [p({ type: 'link', href: 'http://cdn.example/l.png', children: [t('logo')] })],
  ],
  ['data image becomes its alt text', '![logo](data:image/png;base64,AAAA)', [p(t('logo'))]],
  [
    'image inside a link stays an image',
    '[![a](https://i.example/x.png)](https://example.com)',
    [
      p({
        type: 'link',
        href: 'https://example.com/',
        children: [{ type: 'image', src: 'https://i.example/x.png', alt: 'a' }],
      }),
    ],
  ],
  [
    'http image inside a link does not nest links',
    '[![a](http://i.example/x.png)](https://example.com)',
    [p({ type: 'link', href: 'https://example.com/', children: [t('a')] })],
  ],
  ['raw inline HTML is text', 'a <b onclick="x()">b</b>', [p(t('a <b onclick="x()">b</b>'))]],
  ['raw block HTML is text', '<script>alert(1)</script>', [p(t('<script>alert(1)</script>'))]],
  ['hard break', 'a  \nb', [p(t('a'), { type: 'break' }, t('b'))]],
  ['soft break stays in text', 'a\nb', [p(t('a\nb'))]],
  ['thematic break', '---', [{ type: 'thematicBreak' }]],
  [
    'table with alignment',
    '| a | b |\n|:--|--:|\n| 1 | 2 |',
    [
      {
        type: 'table',
        align: ['left', 'right'],
        children: [
          {
            type: 'tableRow',
            children: [
              { type: 'tableCell', children: [t('a')] },
              { type: 'tableCell', children: [t('b')] },
            ],
          },
          {
            type: 'tableRow',
            children: [
              { type: 'tableCell', children: [t('1')] },
              { type: 'tableCell', children: [t('2')] },
            ],
          },
        ],
      },
    ],
  ],
  [
    'table without alignment',
    '| a |\n|---|\n| 1 |',
    [
      {
        type: 'table',
        children: [
          { type: 'tableRow', children: [{ type: 'tableCell', children: [t('a')] }] },
          { type: 'tableRow', children: [{ type: 'tableCell', children: [t('1')] }] },
        ],
      },
    ],
  ],
  ['footnotes become text', 'x[^1]\n\n[^1]: note', [p(t('x[^1]')), p(t('[^1]: note'))]],
  ['escapes', '\\*not emphasis\\*', [p(t('*not emphasis*'))]],
  ['character references decode to text', '&lt;b&gt; &amp; &copy;', [p(t('<b> & ©'))]],
];

describe('parseMarkdown', () => {
  it.each(cases)('%s', (_name, markdown, expected) => {
    const doc = parseMarkdown(markdown);
    expect(doc).toEqual(expected);
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
  });

  it('degrades nesting deeper than maxDepth to text, keeping the words', () => {
    const doc = parseMarkdown(`${'> '.repeat(16)}deep\n\n${'- '.repeat(16)}list`);
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
    const json = JSON.stringify(doc);
    expect(json).toContain('deep');
    expect(json).toContain('list');
  });

  it('turns container markers beyond 16 on a line into text instead of overflowing the stack', () => {
    const doc = parseMarkdown('>'.repeat(200_000));
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
    expect(JSON.stringify(doc)).toContain('>>>>');
  });

  it('keeps what is beyond the node budget as plain text', () => {
    const doc = parseMarkdown(`${'*a* '.repeat(15_000)}\n\n**tail**`);
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
    const last = doc[doc.length - 1];
    expect(last).toMatchObject({ type: 'paragraph', children: [{ type: 'text' }] });
    expect(JSON.stringify(last)).toContain('tail');
  });

  it('parses the first maxInputLength characters and keeps the rest as text', () => {
    const source = `${'a'.repeat(199_999)}😀**after**`;
    const doc = parseMarkdown(source);
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
    // The 199 999-character line is parsed in pieces of at most MAX_CHUNK_LENGTH; every `a` survives.
    const texts = doc.map((b) =>
      b.type === 'paragraph' && b.children[0]?.type === 'text' ? b.children[0].value : '',
    );
    expect(texts.slice(0, -1).join('')).toBe('a'.repeat(199_999));
    expect(doc[doc.length - 1]).toEqual(p(t('😀**after**')));
  });

  it('keeps a fenced code block intact across a cut between parse pieces', () => {
    const code = Array.from({ length: 1_500 }, (_, i) => `line ${i} *not* [emphasis](javascript:x)`).join(
      '\n',
    );
    const doc = parseMarkdown(
      `intro\n\n\`\`\`\n${code}\n\`\`\`\n\nafter [ref][r]\n\n[r]: https://example.com`,
    );
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
    const codeText = doc.flatMap((b) => (b.type === 'code' ? [b.value] : [])).join('\n');
    expect(codeText.split('\n')).toEqual(code.split('\n'));
    expect(doc[doc.length - 1]).toEqual(
      p(t('after '), { type: 'link', href: 'https://example.com/', children: [t('ref')] }),
    );
  });

  it('resolves a reference defined in an earlier parse piece', () => {
    const filler = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} with some words in it.`).join(
      '\n\n',
    );
    const doc = parseMarkdown(`[r]: https://example.com/r\n\n${filler}\n\nsee [the page][r]`);
    expect(doc[doc.length - 1]).toEqual(
      p(t('see '), { type: 'link', href: 'https://example.com/r', children: [t('the page')] }),
    );
  });

  it('escapes long delimiter runs without changing the text shown', () => {
    const doc = parseMarkdown(`${'*'.repeat(40)}a${'*'.repeat(40)}`);
    expect(doc).toEqual([p(t(`${'*'.repeat(40)}a${'*'.repeat(40)}`))]);
  });
});
