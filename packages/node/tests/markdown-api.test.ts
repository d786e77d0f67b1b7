import type { MarkdownNode } from '@tierdesk/core';
import { afterEach, expect, it } from 'vitest';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';

function walk(nodes: readonly MarkdownNode[], visit: (node: MarkdownNode) => void): void {
  for (const node of nodes) {
    visit(node);
    if ('children' in node && Array.isArray(node.children)) walk(node.children as MarkdownNode[], visit);
  }
}

describeStores('markdown as safe node trees over the API', ({ db }) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('messages, notes and articles carry their parsed tree; hostile markup arrives as text', async () => {
    server = await startTestServer(db(), { assistant: false });
    const ada = server.userClient('u-ada');
    const hostile =
      '**Export** fails <script>alert(1)</script> see [docs](javascript:alert(1)) and [help](https://example.com/help)';
    const ticket = await ada.createTicket({ body: { subject: 'Markdown', body: hostile } });
    const lee = await server.agentClient('agent-l1');
    await lee.addNote({ params: { ticketId: ticket.id }, body: { body: '_internal_ note' } });
    const full = await lee.getTicket({ params: { ticketId: ticket.id } });
    const message = full.events.find((e) => e.type === 'message.public');
    const note = full.events.find((e) => e.type === 'note.internal');
    if (message?.type !== 'message.public' || note?.type !== 'note.internal')
      throw new Error('events missing');
    expect(message.body).toBe(hostile); // the source is kept as written
    const types = new Set<string>();
    const hrefs: string[] = [];
    walk(message.bodyNodes ?? [], (node) => {
      types.add(node.type);
      if (node.type === 'link') hrefs.push(node.href);
    });
    expect(types).toContain('strong');
    expect(hrefs).toEqual(['https://example.com/help']);
    expect(JSON.stringify(message.bodyNodes)).toContain('<script>alert(1)</script>'); // as text, never markup
    expect(JSON.stringify(note.bodyNodes)).toContain('"emphasis"');
    // The requester's view of the same event carries the same tree.
    const mine = await ada.getMyTicket({ params: { ticketId: ticket.id } });
    expect(mine.events.find((e) => e.type === 'message.public')).toMatchObject({
      bodyNodes: message.bodyNodes,
    });

    const article = await lee.createArticle({
      body: { title: 'Reset', body: '# Steps\n\n1. Open **Settings**', published: true },
    });
    expect(article.bodyNodes?.[0]).toMatchObject({ type: 'heading', depth: 1 });
    const updated = await lee.updateArticle({
      params: { articleId: article.id },
      body: { body: 'Plain now' },
    });
    expect(updated.bodyNodes).toEqual([
      { type: 'paragraph', children: [{ type: 'text', value: 'Plain now' }] },
    ]);
    const read = await ada.getArticle({ params: { articleId: article.id } });
    expect(read.bodyNodes).toEqual(updated.bodyNodes);
  });
});
