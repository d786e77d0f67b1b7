import { createApiKey } from './auth';
import { createId } from './ids';
import type { SqlDatabase } from './store';
import type { WorkspaceConfig } from './tierdesk';

/** The id of the demo workspace `--seed` creates. */
export const DEMO_WORKSPACE_ID = 'demo';

/**
 * The demo workspace: a Berlin business calendar, an SLA policy, escalation and routing rules, and an
 * agent per tier. Pass it to `createTierdesk({ workspaces: [demoWorkspace(secret)] })`.
 */
export function demoWorkspace(identitySecret: string): WorkspaceConfig {
  return {
    id: DEMO_WORKSPACE_ID,
    name: 'Demo workspace',
    identitySecret,
    policies: {
      calendars: [
        {
          id: 'berlin',
          name: 'Berlin office',
          timeZone: 'Europe/Berlin',
          weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
          holidays: ['2026-12-24', '2026-12-25', '2026-12-26', '2027-01-01'],
        },
      ],
      slaPolicies: [
        {
          id: 'sla-urgent',
          name: 'Urgent (24/7)',
          position: 0,
          conditions: { priorities: ['urgent'] },
          targets: {
            first_response: { minutes: 30 },
            next_response: { minutes: 60 },
            resolution: { minutes: 8 * 60 },
          },
        },
        {
          id: 'sla-standard',
          name: 'Standard (business hours)',
          position: 1,
          conditions: {},
          calendarId: 'berlin',
          targets: {
            first_response: { minutes: 120 },
            next_response: { minutes: 240 },
            resolution: { minutes: 16 * 60 },
          },
        },
      ],
      escalationRules: [
        {
          id: 'warn-to-l2',
          name: 'First response at risk goes to L2',
          trigger: { on: 'sla.warning', metrics: ['first_response'] },
          to: 'next',
          reason: 'first response at risk',
        },
      ],
      routingRules: [
        { id: 'route-l1', tier: 1, strategy: 'round_robin' },
        { id: 'route-l2', tier: 2, strategy: 'least_loaded' },
      ],
    },
    agents: [
      { id: 'agent-lee', name: 'Lee (L1)', tiers: [1], capacity: 20 },
      { id: 'agent-kim', name: 'Kim (L2)', tiers: [2], capacity: 10 },
      { id: 'agent-sam', name: 'Sam (L3)', tiers: [3, 4], capacity: 5 },
    ],
  };
}

const ARTICLES = [
  {
    title: 'Resetting your password',
    body: 'Open **Settings → Security** and choose *Reset password*. We email you a link that works for 30 minutes.\n\nIf the email does not arrive, check your spam folder or ask your admin whether single sign-on is enabled.',
    tags: ['account', 'password'],
  },
  {
    title: 'Exporting invoices as CSV',
    body: 'Go to **Billing → Invoices**, filter the period and press *Export CSV*. Exports include every invoice of the period, up to 50,000 rows.\n\nAn empty export usually means the filter excludes everything: reset the filters and try again.',
    tags: ['billing', 'export'],
  },
  {
    title: 'Inviting teammates',
    body: 'Admins can invite teammates from **Settings → Members**. Invitations expire after 7 days; resend them from the same page.',
    tags: ['account', 'team'],
  },
  {
    title: 'Two-factor authentication',
    body: 'Turn on two-factor authentication under **Settings → Security**. Keep your recovery codes somewhere safe: support cannot bypass 2FA for you.',
    tags: ['account', 'security'],
  },
  {
    title: 'Why is the dashboard slow?',
    body: 'Large date ranges are computed on demand. Narrow the range, or schedule the report to be emailed instead.\n\nIf a 7-day range takes longer than 10 seconds, contact us with the page URL and the time it happened.',
    tags: ['performance'],
  },
];

/** What seeding created: credentials to log in with. */
export interface SeedResult {
  workspaceId: string;
  /** API keys of the demo agents (shown once; only hashes are stored). */
  agentKeys: Record<string, string>;
  articles: number;
}

/** Adds the demo articles (once) and fresh API keys for the demo agents. */
export async function seedDemoData(db: SqlDatabase, nowMs: number = Date.now()): Promise<SeedResult> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM articles WHERE workspace_id = $1',
    [DEMO_WORKSPACE_ID],
  );
  if ((rows[0]?.n ?? 0) === 0) {
    const at = new Date(nowMs).toISOString();
    for (const article of ARTICLES) {
      await db.query(
        `INSERT INTO articles (id, workspace_id, title, body, tags, locale, published, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'en', true, $6, $6)`,
        [createId('art'), DEMO_WORKSPACE_ID, article.title, article.body, article.tags, at],
      );
    }
  }
  const agentKeys: Record<string, string> = {};
  for (const agentId of ['agent-lee', 'agent-kim', 'agent-sam']) {
    agentKeys[agentId] = (await createApiKey(db, { workspaceId: DEMO_WORKSPACE_ID, agentId })).key;
  }
  return { workspaceId: DEMO_WORKSPACE_ID, agentKeys, articles: ARTICLES.length };
}
