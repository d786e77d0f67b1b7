import { MarkdownDocumentSchema } from '@tierdesk/core';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from './markdown.parser';

// Timings are printed for the report; the bounds are loose (a shared 2-core CI machine) but still fail
// on the super-linear blow-ups measured before the input shaping existed (8 s to stack overflow).

function realisticMessage(length: number): string {
  const parts = [
    'Hi! Thanks for **reaching out**. Please see [the docs](https://docs.example.com/setup?step=2) and run `npm ci` first.\n\n',
    '- open *Settings*\n- choose ~~Legacy~~ **Workspace**\n  - then [x] confirm\n\n',
    '```ts\nconst client = createClient({ baseUrl });\nawait client.tickets.list();\n```\n\n',
    '| plan | seats |\n|:--|--:|\n| Pro | 10 |\n| Team | 50 |\n\n',
    '> The invoice was sent to billing@example.com on Monday.\n\n### Next steps\n\nReply here or visit www.example.com.\n\n',
  ];
  let out = '';
  for (let i = 0; out.length < length; i++) out += parts[i % parts.length];
  return out.slice(0, length);
}

const N = 20_000; // the longest message body the API accepts
const pathological: Record<string, string> = {
  'nested quotes on one line': '>'.repeat(N),
  'nested ordered lists on one line': '1. '.repeat(N / 3),
  'two long emphasis runs': `${'*'.repeat(N / 2)}a${'*'.repeat(N / 2)}`,
  'alternating delimiters': '*_'.repeat(N / 2),
  'nested brackets': `${'[a'.repeat(N / 4)}${'](b)'.repeat(N / 8)}`,
  'unclosed link destinations': '[a]('.repeat(N / 4),
  'footnote definitions': '[^a]: b\n'.repeat(N / 8),
  'deep indentation lists': Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i * 2)}- a`)
    .join('\n')
    .slice(0, N),
  'newlines only': '\n'.repeat(N),
};

describe('parseMarkdown performance', () => {
  it('parses a realistic 20 KB message quickly', () => {
    const message = realisticMessage(N);
    parseMarkdown(message); // warm up the JIT
    const started = performance.now();
    const doc = parseMarkdown(message);
    const ms = performance.now() - started;
    console.log(`parseMarkdown: realistic 20 KB message in ${ms.toFixed(1)} ms (${doc.length} blocks)`);
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
    expect(ms).toBeLessThan(1_500);
  });

  it.each(Object.entries(pathological))('stays linear on %s (20 KB)', (_name, source) => {
    const started = performance.now();
    const doc = parseMarkdown(source);
    const ms = performance.now() - started;
    console.log(`parseMarkdown: ${_name} in ${ms.toFixed(1)} ms`);
    expect(MarkdownDocumentSchema.safeParse(doc).success).toBe(true);
    expect(ms).toBeLessThan(3_000);
  });
});
