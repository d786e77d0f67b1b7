import { expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { syncWebhookEndpoints, type WebhookEndpointConfig } from './webhook.endpoints';
import { isWebhookError, type WebhookErrorCode } from './webhook.errors';
import { generateWebhookSecret } from './webhook.signature';

const secret = generateWebhookSecret();
const publicResolver = async () => [{ address: '93.184.216.34', family: 4 }];
const hooks: WebhookEndpointConfig = { id: 'crm', url: 'https://hooks.example.com/crm', secret };
const audit: WebhookEndpointConfig = {
  id: 'audit',
  url: 'https://hooks.example.com/audit',
  secret,
  events: ['ticket.created', 'ticket.closed'],
};

describeStores('syncWebhookEndpoints', ({ db }) => {
  const sync = (endpoints: WebhookEndpointConfig[]) =>
    syncWebhookEndpoints(db(), 'ws_1', endpoints, { resolve: publicResolver });

  async function endpoints() {
    const { rows } = await db().query<{
      id: string;
      url: string;
      events: string[] | null;
      disabled: boolean;
      disabled_reason: string | null;
      removed: boolean;
    }>(
      `SELECT id, url, events, disabled_at IS NOT NULL AS disabled, disabled_reason, removed_at IS NOT NULL AS removed
       FROM webhook_endpoints WHERE workspace_id = 'ws_1' ORDER BY id`,
    );
    return rows;
  }

  async function seedWorkspace(): Promise<void> {
    await db().query(`INSERT INTO workspaces (id, name) VALUES ('ws_1', 'Acme')`);
  }

  it('inserts, updates and removes endpoints to match the configuration', async () => {
    await seedWorkspace();
    expect(await sync([hooks, audit])).toEqual({ active: ['crm', 'audit'], disabled: [], removed: [] });
    expect(await endpoints()).toMatchObject([
      { id: 'audit', events: ['ticket.created', 'ticket.closed'], disabled: false, removed: false },
      { id: 'crm', events: null, disabled: false, removed: false },
    ]);
    expect(await sync([{ ...hooks, url: 'https://hooks.example.com/crm2' }])).toEqual({
      active: ['crm'],
      disabled: [],
      removed: ['audit'],
    });
    expect(await endpoints()).toMatchObject([
      { id: 'audit', removed: true },
      { id: 'crm', url: 'https://hooks.example.com/crm2', removed: false },
    ]);
    // Listing a removed endpoint again revives it.
    expect(await sync([hooks, audit])).toEqual({ active: ['crm', 'audit'], disabled: [], removed: [] });
    expect((await endpoints()).every((e) => !e.removed)).toBe(true);
  });

  it('keeps a disabled endpoint disabled until its URL or secret changes', async () => {
    await seedWorkspace();
    await sync([hooks, audit]);
    const disable = () =>
      db().query(
        `UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = 'gone' WHERE id = 'crm'`,
      );
    await disable();
    expect(await sync([hooks, { ...audit, events: ['ticket.created'] }])).toMatchObject({
      disabled: ['crm'],
    });
    expect((await endpoints()).find((e) => e.id === 'crm')).toMatchObject({
      disabled: true,
      disabled_reason: 'gone',
    });

    expect(await sync([{ ...hooks, url: 'https://hooks.example.com/new' }, audit])).toMatchObject({
      active: ['crm', 'audit'],
    });
    await disable();
    expect(
      await sync([
        { ...hooks, url: 'https://hooks.example.com/new', secret: generateWebhookSecret() },
        audit,
      ]),
    ).toMatchObject({ active: ['crm', 'audit'], disabled: [] });
    expect((await endpoints()).find((e) => e.id === 'crm')).toMatchObject({
      disabled: false,
      disabled_reason: null,
    });
  });

  const refusals: [string, WebhookEndpointConfig[], WebhookErrorCode][] = [
    ['a loopback URL', [{ ...hooks, url: 'http://127.0.0.1:9/x' }], 'address_not_allowed'],
    ['the metadata address', [{ ...hooks, url: 'http://169.254.169.254/' }], 'address_not_allowed'],
    ['a URL with credentials', [{ ...hooks, url: 'https://a:b@hooks.example.com/' }], 'invalid_url'],
    ['a malformed secret', [{ ...hooks, secret: 'sk_123' }], 'invalid_secret'],
    ['a duplicate id', [hooks, { ...audit, id: 'crm' }], 'invalid_endpoint'],
    ['an empty event filter', [{ ...hooks, events: [] }], 'invalid_endpoint'],
    ['an invalid id', [{ ...hooks, id: 'a b' }], 'invalid_endpoint'],
  ];
  it.each(refusals)('refuses %s with a typed error and writes nothing', async (_, config, code) => {
    await seedWorkspace();
    const error = await sync(config).catch((e: unknown) => e);
    expect(isWebhookError(error) && error.code).toBe(code);
    expect(await endpoints()).toEqual([]);
  });

  it('refuses a host that resolves to a private address', async () => {
    await seedWorkspace();
    const error = await syncWebhookEndpoints(db(), 'ws_1', [hooks], {
      resolve: async () => [{ address: '10.1.2.3', family: 4 }],
    }).catch((e: unknown) => e);
    expect(isWebhookError(error) && error.code).toBe('address_not_allowed');
  });

  it('only warns when a host cannot be resolved at start', async () => {
    await seedWorkspace();
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (message: string) => warnings.push(message) };
    const result = await syncWebhookEndpoints(db(), 'ws_1', [hooks], {
      logger,
      resolve: () => Promise.reject(new Error('EAI_AGAIN')),
    });
    expect(result.active).toEqual(['crm']);
    expect(warnings).toHaveLength(1);
  });
});
