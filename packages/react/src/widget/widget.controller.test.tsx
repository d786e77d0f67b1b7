// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TierdeskClient } from '@tierdesk/core';
import { act } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../../../node/src/store';
import type { TestServer } from '../../../node/tests/support/server';
import { openServer } from '../hooks/hooks.test-support';
import { SupportWidget } from './support-widget';
import { createSupportWidgetController, type SupportWidgetController } from './widget.controller';
import { widgetDraftsKey } from './widget.drafts';

// The host's control API and the opt-in diagnostics, on a drop-in widget against the real server.

let server: TestServer;
let db: SqlDatabase;
let close: () => Promise<void>;
let lee: TierdeskClient;

beforeAll(async () => {
  ({ server, db, close } = await openServer());
  lee = await server.agentClient('agent-l1');
}, 60_000);
afterAll(async () => {
  await close?.();
});
afterEach(() => {
  cleanup();
  localStorage.clear();
});

function renderWidget(userId: string, controller: SupportWidgetController, extra: object = {}) {
  return render(
    <SupportWidget
      baseUrl={server.baseUrl}
      getToken={() => server.tokenFor(userId)}
      identity={userId}
      debounceMs={10}
      controller={controller}
      {...extra}
    />,
  );
}

describe('SupportWidgetController', () => {
  it('opens and closes the panel from the host, and reports it', async () => {
    const controller = createSupportWidgetController();
    renderWidget('u-ctl-open', controller);
    const seen: boolean[] = [];
    controller.subscribe(() => seen.push(controller.isOpen));
    expect(screen.queryByRole('dialog')).toBeNull();
    act(() => controller.open());
    expect(await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Close help' }).getAttribute('aria-expanded')).toBe('true');
    act(() => controller.close());
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    act(() => controller.toggle());
    expect(await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 })).toBeTruthy();
    expect(seen).toEqual([true, false, true]);
  });

  it('starts a prefilled message before the panel has loaded', async () => {
    const controller = createSupportWidgetController();
    renderWidget('u-ctl-prefill', controller);
    act(() => controller.startMessage({ subject: 'Invoice is wrong', body: 'Charged twice in May.' }));
    const dialog = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    const subject = (await within(dialog).findByRole('textbox', { name: 'Subject' })) as HTMLInputElement;
    expect(subject.value).toBe('Invoice is wrong');
    expect(
      (within(dialog).getByRole('textbox', { name: 'How can we help?' }) as HTMLTextAreaElement).value,
    ).toBe('Charged twice in May.');
  });

  it('opens a given ticket, with its honest promise that moves on after the first reply', async () => {
    const ticket = await server
      .userClient('u-ctl-ticket')
      .createTicket({ body: { subject: 'Export broken', body: 'CSV export fails.' } });
    const controller = createSupportWidgetController();
    renderWidget('u-ctl-ticket', controller);
    act(() => controller.openTicket(ticket.id));
    const dialog = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    expect(
      await within(dialog).findByRole('heading', { name: 'Export broken' }, { timeout: 5_000 }),
    ).toBeTruthy();
    // The test policy promises a first response within 60 minutes, around the clock.
    expect(await within(dialog).findByText(/^Reply due in (59|60) min/)).toBeTruthy();
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'Looking into it.' } });
    // Answered: the reply promise is kept, the resolution target (8 h) is what is owed now.
    expect(await within(dialog).findByText(/^Resolution due in/, {}, { timeout: 5_000 })).toBeTruthy();
    expect(within(dialog).queryByText(/^Reply due/)).toBeNull();
  }, 20_000);

  it('reset() on logout wipes stored drafts, also when the panel never loaded', async () => {
    const user = userEvent.setup();
    const controller = createSupportWidgetController();
    const { unmount } = renderWidget('u-ctl-reset', controller);
    act(() => controller.startMessage());
    const dialog = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    await user.type(await within(dialog).findByRole('textbox', { name: 'Subject' }), 'Private matter');
    await waitFor(() =>
      expect(localStorage.getItem(widgetDraftsKey('u-ctl-reset'))).toContain('Private matter'),
    );
    act(() => controller.reset());
    await waitFor(() => expect(localStorage.getItem(widgetDraftsKey('u-ctl-reset'))).toBeNull());
    expect(screen.queryByRole('dialog')).toBeNull();
    act(() => controller.startMessage());
    const again = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    expect(((await within(again).findByRole('textbox', { name: 'Subject' })) as HTMLInputElement).value).toBe(
      '',
    );
    unmount();

    // A later visit: drafts stored earlier, the panel not loaded yet, the user logs out.
    localStorage.setItem(
      widgetDraftsKey('u-ctl-reset'),
      JSON.stringify({ ticket: { subject: 'Left over', body: '' }, composer: {}, outbox: [] }),
    );
    const later = createSupportWidgetController();
    renderWidget('u-ctl-reset', later);
    act(() => later.reset());
    expect(localStorage.getItem(widgetDraftsKey('u-ctl-reset'))).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
  }, 20_000);

  it('attaches opt-in diagnostics with the host’s reported errors to a new ticket, and nothing without opt-in', async () => {
    const user = userEvent.setup();
    const controller = createSupportWidgetController();
    controller.reportError(new TypeError('Cannot read properties of undefined'));
    controller.reportError('Payment iframe timed out');
    renderWidget('u-ctl-diag', controller, { diagnostics: { appVersion: '4.2.0 (881)' } });
    act(() => controller.startMessage({ subject: 'Checkout fails', body: 'The pay button spins.' }));
    const dialog = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    await user.click(await within(dialog).findByRole('button', { name: 'Send request' }));
    await within(dialog).findByRole('textbox', { name: 'Your message' }, { timeout: 5_000 });
    const { rows } = await db.query<{ diagnostics: Record<string, unknown> }>(
      `SELECT diagnostics FROM tickets WHERE requester_id = 'u-ctl-diag'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.diagnostics).toEqual({
      locale: 'en',
      appVersion: '4.2.0 (881)',
      page: `${location.origin}${location.pathname}`,
      userAgent: navigator.userAgent,
      recentErrors: ['TypeError: Cannot read properties of undefined', 'Payment iframe timed out'],
    });
    cleanup();

    const plain = createSupportWidgetController();
    plain.reportError(new Error('not sent without opt-in'));
    renderWidget('u-ctl-nodiag', plain);
    act(() => plain.startMessage({ subject: 'Hello', body: 'Just a question.' }));
    const second = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    await user.click(await within(second).findByRole('button', { name: 'Send request' }));
    await within(second).findByRole('textbox', { name: 'Your message' }, { timeout: 5_000 });
    const none = await db.query<{ diagnostics: Record<string, unknown> }>(
      `SELECT diagnostics FROM tickets WHERE requester_id = 'u-ctl-nodiag'`,
    );
    expect(none.rows[0]?.diagnostics).toEqual({ locale: 'en' });
  }, 20_000);
});
