// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TierdeskClient } from '@tierdesk/core';
import { Component, type ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../node/tests/support/server';
import { openServer, testQueryClient } from '../hooks/hooks.test-support';
import { TierdeskProvider } from '../provider/tierdesk-provider';
import { SupportWidget } from './support-widget';

// <SupportWidget/> against the real server (createTierdesk over PGlite on a real socket), driven by
// keyboard and pointer the way a user would.

let server: TestServer;
let close: () => Promise<void>;
let lee: TierdeskClient;

beforeAll(async () => {
  ({ server, close } = await openServer());
  lee = await server.agentClient('agent-l1');
  await lee.createArticle({
    body: {
      title: 'Fixing VPN drops',
      body: 'When the **VPN** drops every hour, renew the certificate in Settings.',
      published: true,
    },
  });
}, 60_000);
afterAll(async () => {
  await close?.();
});
afterEach(() => {
  cleanup();
  localStorage.clear();
});

function renderWidget(userId: string) {
  return render(
    <TierdeskProvider
      baseUrl={server.baseUrl}
      getToken={() => server.tokenFor(userId)}
      identity={userId}
      queryClient={testQueryClient()}
    >
      <main>
        <button type="button">host page</button>
      </main>
      <SupportWidget debounceMs={10} user={{ id: userId, name: 'Wanda' }} />
    </TierdeskProvider>,
  );
}

async function openWithKeyboard(user: ReturnType<typeof userEvent.setup>) {
  const launcher = screen.getByRole('button', { name: 'Open help' });
  expect(launcher.getAttribute('aria-expanded')).toBe('false');
  launcher.focus();
  await user.keyboard('{Enter}');
  const dialog = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
  return { launcher, dialog };
}

describe('<SupportWidget/> over a real server', () => {
  it('opens from the keyboard, traps focus, closes on Escape and gives focus back', async () => {
    const user = userEvent.setup();
    renderWidget('u-keys');
    const { launcher, dialog } = await openWithKeyboard(user);
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(launcher.getAttribute('aria-expanded')).toBe('true');
    expect(launcher.getAttribute('aria-controls')).toBe(dialog.id);
    const search = await within(dialog).findByRole('searchbox', { name: 'Search help articles' });
    await waitFor(() => expect(document.activeElement).toBe(search));

    // Tab past the last control wraps to the first, Shift+Tab from the first wraps to the last.
    const focusables = Array.from(dialog.querySelectorAll<HTMLElement>('button, input, textarea'));
    const first = focusables[0] as HTMLElement;
    const last = focusables[focusables.length - 1] as HTMLElement;
    last.focus();
    await user.tab();
    expect(document.activeElement).toBe(first);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(last);
    for (let i = 0; i < focusables.length + 2; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(launcher);
    expect(launcher.getAttribute('aria-expanded')).toBe('false');

    // Space opens it again, where the user was.
    await user.keyboard(' ');
    expect(await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 })).toBeTruthy();
  });

  it('searches with highlighted results, opens an article and votes', async () => {
    const user = userEvent.setup();
    renderWidget('u-search');
    const { dialog } = await openWithKeyboard(user);
    await user.type(await within(dialog).findByRole('searchbox'), 'vpn');
    const hit = await within(dialog).findByRole('button', { name: /Fixing VPN drops/ }, { timeout: 5_000 });
    const marks = Array.from(hit.querySelectorAll('mark')).map((m) => m.textContent?.toLowerCase());
    expect(marks).toContain('vpn');
    expect(await screen.findByText('1 article found')).toBeTruthy();

    await user.click(hit);
    const heading = await within(dialog).findByRole('heading', { name: 'Fixing VPN drops' });
    expect(heading).toBeTruthy();
    // The body is the server's node tree rendered as elements: bold is <strong>, not literal asterisks.
    await waitFor(() => expect(dialog.querySelector('strong')?.textContent).toBe('VPN'));
    await user.click(within(dialog).getByRole('button', { name: 'Yes' }));
    expect(await within(dialog).findByText('Thanks for your feedback!')).toBeTruthy();

    await user.click(within(dialog).getByRole('button', { name: 'Back' }));
    expect(await within(dialog).findByRole('searchbox')).toBeTruthy();
  });

  it('creates a ticket with suggestions while typing, then sends a message in the conversation', async () => {
    const user = userEvent.setup();
    renderWidget('u-ticket');
    const { dialog } = await openWithKeyboard(user);
    await user.click(await within(dialog).findByRole('button', { name: 'Contact support' }));
    const subject = await within(dialog).findByRole('textbox', { name: 'Subject' });
    await waitFor(() => expect(document.activeElement).toBe(subject));
    const submit = within(dialog).getByRole('button', { name: 'Send request' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    await user.type(subject, 'VPN drops');
    await user.type(
      within(dialog).getByRole('textbox', { name: 'How can we help?' }),
      'The VPN drops every hour.',
    );
    const suggestions = await within(dialog).findByRole(
      'region',
      { name: 'These articles may help' },
      { timeout: 5_000 },
    );
    expect(within(suggestions).getByRole('button', { name: /Fixing VPN drops/ })).toBeTruthy();

    await user.click(submit);
    const composer = await within(dialog).findByRole('textbox', { name: 'Your message' }, { timeout: 5_000 });
    expect(within(dialog).getByRole('heading', { name: 'VPN drops' })).toBeTruthy();
    await user.type(composer, 'Also on **wifi**');
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(dialog.querySelector('.td-widget-thread strong')?.textContent).toBe('wifi'), {
      timeout: 5_000,
    });
    expect(await screen.findByText('Sent')).toBeTruthy();

    // Stored once on the server, as the customer's message.
    const { items } = await server.userClient('u-ticket').listMyTickets({ query: {} });
    expect(items.map((t) => t.subject)).toEqual(['VPN drops']);
    const view = await lee.getTicket({ params: { ticketId: (items[0] as { id: string }).id } });
    const bodies = view.events.flatMap((e) =>
      e.type === 'message.public' && e.role === 'customer' ? [e.body] : [],
    );
    expect(bodies).toEqual(['The VPN drops every hour.', 'Also on **wifi**']);
  }, 20_000);

  it('stands alone without a provider: its own client, an agent reply arrives live', async () => {
    const user = userEvent.setup();
    render(
      <SupportWidget
        baseUrl={server.baseUrl}
        getToken={() => server.tokenFor('u-alone')}
        identity="u-alone"
        debounceMs={10}
      />,
    );
    const { dialog } = await openWithKeyboard(user);
    await user.click(await within(dialog).findByRole('button', { name: 'Contact support' }));
    await user.type(await within(dialog).findByRole('textbox', { name: 'Subject' }), 'Alone');
    await user.type(within(dialog).getByRole('textbox', { name: 'How can we help?' }), 'No provider here.');
    await user.click(within(dialog).getByRole('button', { name: 'Send request' }));
    await within(dialog).findByRole('textbox', { name: 'Your message' }, { timeout: 5_000 });
    const { items } = await server.userClient('u-alone').listMyTickets({ query: {} });
    const ticketId = (items[0] as { id: string }).id;
    await lee.replyAsAgent({ params: { ticketId }, body: { body: 'Hello from **Lee**' } });
    await waitFor(() => expect(dialog.querySelector('.td-widget-thread strong')?.textContent).toBe('Lee'), {
      timeout: 5_000,
    });
    // Screen-reader users hear it: the polite live region says who wrote.
    const live = document.querySelector('[aria-live="polite"]') as HTMLElement;
    await waitFor(() => expect(live.textContent).toBe('New message from Support'));
  }, 20_000);

  it('without baseUrl and without a provider fails loudly with a typed error', async () => {
    const user = userEvent.setup();
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => {
      errors.push(event.error);
      event.preventDefault();
    };
    window.addEventListener('error', onError);
    try {
      render(
        <ErrorBoundary>
          <SupportWidget />
        </ErrorBoundary>,
      );
      await user.click(screen.getByRole('button', { name: 'Open help' }));
      expect(await screen.findByText(/provider_missing/)).toBeTruthy();
    } finally {
      window.removeEventListener('error', onError);
    }
  });
});

class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: undefined as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    const { error } = this.state;
    return error === undefined ? this.props.children : <p>{(error as { code?: string }).code}</p>;
  }
}
