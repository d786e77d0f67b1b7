import { afterEach, expect, it } from 'vitest';
import * as z from 'zod';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';

// The host describes its custom fields with its own schema library (here full zod, server-side only).
const CustomFields = z.object({
  plan: z.enum(['free', 'pro', 'enterprise']).optional(),
  orderId: z
    .string()
    .regex(/^ord_\d+$/)
    .optional(),
  seats: z.number().int().min(1).optional(),
});

describeStores('host-defined custom fields', ({ db }) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('validates custom fields on create and on update (merged), with issue paths under customFields', async () => {
    server = await startTestServer(db(), { customFields: CustomFields });
    const token = await server.tokenFor('u-ada');
    const bad = await fetch(`${server.baseUrl}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 's', body: 'b', customFields: { plan: 'gold', seats: 0 } }),
    });
    expect(bad.status).toBe(400);
    const error = ((await bad.json()) as { error: { code: string; issues: { path: unknown[] }[] } }).error;
    expect(error.code).toBe('validation_failed');
    expect(error.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        ['customFields', 'plan'],
        ['customFields', 'seats'],
      ]),
    );
    const ada = server.userClient('u-ada');
    const ok = await ada.createTicket({
      body: { subject: 's', body: 'b', customFields: { plan: 'pro', orderId: 'ord_42' } },
    });
    // The requester's view leaves custom fields out (they are the team's); the agent's view has them.
    expect(ok.customFields).toEqual({});
    const lee = await server.agentClient('agent-l1');
    expect((await lee.getTicket({ params: { ticketId: ok.id } })).ticket.customFields).toEqual({
      plan: 'pro',
      orderId: 'ord_42',
    });
    const rejected = await fetch(`${server.baseUrl}/v1/agent/tickets/${ok.id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${await server.apiKeyFor('agent-l1')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ customFields: { orderId: 'not-an-order' } }),
    });
    expect(rejected.status).toBe(400);
    const updated = await lee.updateTicket({
      params: { ticketId: ok.id },
      body: { customFields: { seats: 5 } },
    });
    expect(updated.customFields).toEqual({ plan: 'pro', orderId: 'ord_42', seats: 5 });
  });
});
