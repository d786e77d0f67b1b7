// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../../node/tests/support/server';
import { openServer, testQueryClient } from '../../hooks/hooks.test-support';
import { TierdeskProvider } from '../../provider/tierdesk-provider';
import { AgentConsoleExample } from './agent-console.example';

// The console example (what stories and the demo render) against the real server: the queue opens
// a ticket in the view beside it, the metrics render below, one stream keeps them live.

let server: TestServer;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ server, close } = await openServer());
}, 60_000);
afterAll(async () => {
  await close?.();
});
afterEach(() => {
  cleanup();
});

describe('<AgentConsoleExample/> over a real server', () => {
  it('opens a ticket from the queue, shows it with the example macros, and live-adds a new ticket to the queue', async () => {
    const customer = server.userClient('u-console', 'acme', { name: 'Grace' });
    await customer.createTicket({ body: { subject: 'Console first', body: 'Hello.' } });
    const key = await server.apiKeyFor('agent-l1');
    render(
      <TierdeskProvider
        baseUrl={server.baseUrl}
        getToken={() => key}
        identity="agent-l1"
        queryClient={testQueryClient()}
      >
        <AgentConsoleExample currentAgentId="agent-l1" />
      </TierdeskProvider>,
    );
    const queue = await screen.findByRole('table', { name: 'Queue' }, { timeout: 5_000 });
    await userEvent.setup().click(within(queue).getByRole('button', { name: /Console first/ }));
    expect(
      await screen.findByRole('heading', { level: 2, name: /Console first/ }, { timeout: 5_000 }),
    ).toBeTruthy();
    expect(within(queue).getByRole('button', { current: true }).textContent).toContain('Console first');
    const macros = screen.getByRole('combobox', { name: 'Macros' });
    expect(
      within(macros)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Choose a macro', 'Ask for logs', 'Mark as solved']);
    expect(await screen.findByRole('heading', { name: 'Metrics' })).toBeTruthy();

    await new Promise((resolve) => setTimeout(resolve, 300));
    await customer.createTicket({ body: { subject: 'Console second', body: 'Again.' } });
    expect(
      await within(queue).findByRole('button', { name: /Console second/ }, { timeout: 5_000 }),
    ).toBeTruthy();
  });
});
