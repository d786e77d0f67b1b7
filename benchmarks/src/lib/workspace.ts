import { randomBytes } from 'node:crypto';
import { signIdentityToken, type TierdeskOptions, type WorkspaceConfig } from '@tierdesk/node';

export const WORKSPACE = 'bench';
export const AGENT = 'agent-bench';

/**
 * The workspace every server benchmark runs: a business calendar and customer SLA (first response,
 * next response, resolution) like the demo's, an internal OLA, one agent on every tier. Every ticket
 * therefore runs real clocks, so creation and replies pay the SLA engine's work as in production.
 */
export function benchWorkspace(
  identitySecret: string,
  extra: Partial<WorkspaceConfig> = {},
): WorkspaceConfig {
  return {
    id: WORKSPACE,
    name: 'Benchmark',
    identitySecret,
    agents: [{ id: AGENT, name: 'Bench Agent', tiers: [0, 1, 2, 3, 4] }],
    policies: {
      calendars: [
        {
          id: 'office',
          timeZone: 'Europe/Berlin',
          weekly: [
            ...[1, 2, 3, 4, 5].flatMap((day) => [
              { day, start: '08:00', end: '12:30' },
              { day, start: '13:30', end: '20:00' },
            ]),
            { day: 6, start: '10:00', end: '16:00' },
          ],
          holidays: ['2026-12-24', '2026-12-25', '2026-12-26', '2026-12-31', '2027-01-01'],
        },
      ],
      slaPolicies: [
        {
          id: 'standard',
          name: 'Standard',
          calendarId: 'office',
          targets: {
            first_response: { minutes: 480 },
            next_response: { minutes: 480 },
            resolution: { minutes: 2880 },
          },
        },
        {
          id: 'tier-ola',
          name: 'Internal OLA',
          kind: 'ola',
          targets: { first_response: { minutes: 240 } },
        },
      ],
    },
    ...extra,
  };
}

/** Server options the benchmarks share: no rate limit (it would measure 429s), no Tier 0 assistant. */
export function benchServerOptions(
  store: TierdeskOptions['store'],
  workspaces: WorkspaceConfig[],
): TierdeskOptions {
  return {
    store,
    workspaces,
    serverSecret: randomBytes(32).toString('base64url'),
    assistant: false,
    limits: { rateLimit: false },
  };
}

/** Identity tokens of `count` end users (`user-0` …), valid for two hours. */
export function userTokens(secret: string, count: number, plan?: string): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, (_, u) =>
      signIdentityToken(
        {
          userId: plan === undefined ? `user-${u}` : `${plan}-user-${u}`,
          workspaceId: WORKSPACE,
          name: `User ${u}`,
          ...(plan === undefined ? {} : { plan }),
        },
        secret,
        { expiresInSeconds: 7200 },
      ),
    ),
  );
}
