// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TierdeskClient } from '@tierdesk/core';
import { act } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../node/tests/support/server';
import { openServer } from '../hooks/hooks.test-support';
import { SupportWidget } from './support-widget';
import { createSupportWidgetController, type SupportWidgetController } from './widget.controller';

// The widget's later screens against the real server: my tickets (with their promises, and empty),
// CSAT after a solve, and writing while offline.

let server: TestServer;
let close: () => Promise<void>;
let lee: TierdeskClient;

let browserOnline = true;
Object.defineProperty(window.navigator, 'onLine', { configurable: true, get: () => browserOnline });
function setBrowserOnline(online: boolean): void {
  browserOnline = online;
  window.dispatchEvent(new Event(online ? 'online' : 'offline'));
}

beforeAll(async () => {
  ({ server, close } = await openServer());
  lee = await server.agentClient('agent-l1');
}, 60_000);
afterAll(async () => {
  await close?.();
});
afterEach(() => {
  cleanup();
  localStorage.clear();
  browserOnline = true;
});

function renderWidget(userId: string, controller: SupportWidgetController, fetchImpl?: typeof fetch) {
  return render(
    <SupportWidget
      baseUrl={server.baseUrl}
      getToken={() => server.tokenFor(userId)}
      identity={userId}
      controller={controller}
      {...(fetchImpl ? { clientOptions: { fetch: fetchImpl }, stream: { fetch: fetchImpl } } : {})}
    />,
  );
}

describe('<SupportWidget/> later screens over a real server', () => {
  it('lists my tickets with status and promise, says so when there are none, and opens one', async () => {
    const user = userEvent.setup();
    const none = createSupportWidgetController();
    renderWidget('u-flows-none', none);
    act(() => none.open());
    const empty = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    await user.click(await within(empty).findByRole('button', { name: 'Your requests' }));
    expect(await within(empty).findByText('You haven’t opened any requests yet.')).toBeTruthy();
    cleanup();

    const client = server.userClient('u-flows-list');
    await client.createTicket({ body: { subject: 'First problem', body: 'One.' } });
    const second = await client.createTicket({ body: { subject: 'Second problem', body: 'Two.' } });
    const controller = createSupportWidgetController();
    renderWidget('u-flows-list', controller);
    act(() => controller.open());
    const dialog = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    await user.click(await within(dialog).findByRole('button', { name: 'Your requests' }));
    const rows = await within(dialog).findAllByRole('button', { name: /problem/ }, { timeout: 5_000 });
    expect(rows.map((row) => row.querySelector('span')?.textContent)).toEqual([
      'Second problem',
      'First problem',
    ]);
    expect(rows[0]?.textContent).toContain(`Request #${second.number}`);
    expect(rows[0]?.textContent).toMatch(/Reply due in (59|60) min/);
    await user.click(rows[0] as HTMLElement);
    expect(await within(dialog).findByRole('heading', { name: 'Second problem' })).toBeTruthy();
  }, 20_000);

  it('asks for a rating once the agent solves the open ticket, and stores it', async () => {
    const user = userEvent.setup();
    const ticket = await server
      .userClient('u-flows-csat')
      .createTicket({ body: { subject: 'Rate me', body: 'Please fix.' } });
    const controller = createSupportWidgetController();
    renderWidget('u-flows-csat', controller);
    act(() => controller.openTicket(ticket.id));
    const dialog = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    await within(dialog).findByRole('heading', { name: 'Rate me' }, { timeout: 5_000 });
    const current = await lee.getTicket({ params: { ticketId: ticket.id } });
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Fixed.', status: 'solved' } });
    expect(current.ticket.status).not.toBe('solved');

    const question = await within(dialog).findByRole(
      'group',
      { name: 'How would you rate the support you received?' },
      { timeout: 5_000 },
    );
    const send = within(dialog).getByRole('button', { name: 'Send rating' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    await user.click(within(question).getByRole('radio', { name: 'Satisfied' }));
    await user.type(within(dialog).getByRole('textbox', { name: /Anything else/ }), 'Quick and kind.');
    await user.click(send);
    expect(await within(dialog).findByText('Thank you for rating our support!')).toBeTruthy();
    const rated = await lee.getTicket({ params: { ticketId: ticket.id } });
    expect(rated.ticket.csat).toMatchObject({ score: 4, comment: 'Quick and kind.' });
  }, 20_000);

  it('keeps the conversation usable offline and sends what was written once, on reconnect', async () => {
    const user = userEvent.setup();
    const ticket = await server
      .userClient('u-flows-offline')
      .createTicket({ body: { subject: 'Train wifi', body: 'Written on a train.' } });
    let down = false;
    let posts = 0;
    const flaky: typeof fetch = async (input, init) => {
      if (down) throw new TypeError('Failed to fetch');
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      if (method === 'POST') posts += 1;
      return fetch(input, init);
    };
    const controller = createSupportWidgetController();
    renderWidget('u-flows-offline', controller, flaky);
    act(() => controller.openTicket(ticket.id));
    const dialog = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    await within(dialog).findByText('Written on a train.', {}, { timeout: 5_000 });

    down = true;
    act(() => setBrowserOnline(false));
    expect(
      await within(dialog).findByText('You’re offline. Messages will be sent when you reconnect.'),
    ).toBeTruthy();
    const composer = within(dialog).getByRole('textbox', { name: 'Your message' });
    await user.type(composer, 'Sent from a tunnel');
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    expect(await within(dialog).findByText('Will be sent when you’re back online')).toBeTruthy();
    expect(posts).toBe(0);

    down = false;
    act(() => setBrowserOnline(true));
    // Confirmed: shown once in the thread (no pending copy left), stored once.
    await waitFor(
      () => {
        const thread = dialog.querySelector('.td-widget-thread') as HTMLElement;
        expect(within(thread).getAllByText('Sent from a tunnel')).toHaveLength(1);
        expect(thread.querySelector('.td-widget-msg-pending')).toBeNull();
      },
      { timeout: 5_000 },
    );
    const stored = await lee.getTicket({ params: { ticketId: ticket.id } });
    const bodies = stored.events.flatMap((e) =>
      e.type === 'message.public' && e.role === 'customer' ? [e.body] : [],
    );
    expect(bodies).toEqual(['Written on a train.', 'Sent from a tunnel']);
    expect(posts).toBe(1);
  }, 20_000);
});
