import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { connectWidget } from './widget.connect';
import { article, createFakeHost, flush, hit, message, ticket } from './widget.fixtures';
import { widgetMachine } from './widget.machine';
import type { WidgetEvent } from './widget.types';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function start() {
  const host = createFakeHost({
    searchArticles: async () => [hit('a1')],
    loadArticle: async ({ articleId }) => article(articleId),
    submitTicket: async () => ticket('t1'),
    loadConversation: async () => ({ ticket: ticket('t1'), events: [message(1, 'customer', 'VPN drops')] }),
  });
  const actor = createActor(widgetMachine.provide({ actors: host.actors, actions: host.actions }), {
    input: { sessionId: 'sess_1' },
  }).start();
  const api = () => connectWidget(actor.getSnapshot(), actor.send.bind(actor));
  return { actor, api, host };
}

describe('connectWidget', () => {
  it('maps every method to its event', () => {
    const sent: WidgetEvent[] = [];
    const { actor } = start();
    const api = connectWidget(actor.getSnapshot(), (event) => sent.push(event));
    api.open();
    api.close();
    api.toggle();
    api.search('vpn');
    api.openArticle('a1');
    api.voteArticle(false);
    api.newTicket();
    api.newTicket({ body: 'Hi' });
    api.changeDraft({ subject: 'S' });
    api.submitTicket();
    api.openTickets();
    api.openTicket('t1');
    api.changeComposer('x');
    api.sendMessage();
    api.rate(5);
    api.rate(4, 'ok');
    api.retry();
    api.back();
    api.identify({ id: 'u_1' });
    api.reset();
    api.reset('sess_2');
    api.setOnline(false);
    api.setOnline(true);
    expect(sent).toEqual([
      { type: 'WIDGET.OPEN' },
      { type: 'WIDGET.CLOSE' },
      { type: 'WIDGET.TOGGLE' },
      { type: 'SEARCH.CHANGE', query: 'vpn' },
      { type: 'ARTICLE.OPEN', articleId: 'a1' },
      { type: 'ARTICLE.VOTE', helpful: false },
      { type: 'TICKET_FORM.OPEN' },
      { type: 'TICKET_FORM.OPEN', prefill: { body: 'Hi' } },
      { type: 'TICKET_FORM.CHANGE', subject: 'S' },
      { type: 'TICKET_FORM.SUBMIT' },
      { type: 'TICKETS.OPEN' },
      { type: 'TICKET.OPEN', ticketId: 't1' },
      { type: 'COMPOSER.CHANGE', body: 'x' },
      { type: 'COMPOSER.SEND' },
      { type: 'CSAT.SUBMIT', score: 5 },
      { type: 'CSAT.SUBMIT', score: 4, comment: 'ok' },
      { type: 'WIDGET.RETRY' },
      { type: 'NAV.BACK' },
      { type: 'SESSION.IDENTIFY', user: { id: 'u_1' } },
      { type: 'SESSION.RESET' },
      { type: 'SESSION.RESET', sessionId: 'sess_2' },
      { type: 'NETWORK.OFFLINE' },
      { type: 'NETWORK.ONLINE' },
    ]);
  });

  it('derives the screen and view values through a flow', async () => {
    const { api } = start();
    expect(api()).toMatchObject({ isOpen: false, screen: 'closed', isLoading: false });
    api().open();
    expect(api()).toMatchObject({ isOpen: true, screen: 'home' });
    api().newTicket({ subject: 'VPN' });
    expect(api()).toMatchObject({ screen: 'ticketForm', canSubmit: false, suggestions: [] });
    api().changeDraft({ body: 'drops' });
    vi.advanceTimersByTime(250);
    expect(api().isSuggesting).toBe(true);
    await flush();
    expect(api()).toMatchObject({ canSubmit: true, isSuggesting: false });
    expect(api().suggestions.map((s) => s.id)).toEqual(['a1']);
    api().submitTicket();
    expect(api()).toMatchObject({ screen: 'submitting', isLoading: true });
    await flush();
    expect(api()).toMatchObject({ screen: 'conversation', canSend: false, composer: '' });
    expect(api().messages.map((m) => m.body)).toEqual(['VPN drops']);
    api().changeComposer('More info');
    expect(api()).toMatchObject({ composer: 'More info', canSend: true });
    api().setOnline(false);
    api().sendMessage();
    expect(api()).toMatchObject({ screen: 'offline', lastView: 'conversation', isOnline: false });
    expect(api().pendingMessages.map((m) => m.body)).toEqual(['More info']);
  });
});
