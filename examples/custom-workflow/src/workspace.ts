import type { WorkspaceConfig } from '@tierdesk/node';

/** The managers who decide on refunds. */
export const MANAGERS = ['agent-mia'] as const;

/**
 * The example's workspace: a standard SLA, a much tighter one for the enterprise plan (the plan
 * comes from the identity token, or the requester of a ticket an agent opens), and agents at L1,
 * L2/L3 and a manager.
 */
export function exampleWorkspace(options: { id?: string; identitySecret: string }): WorkspaceConfig {
  return {
    id: options.id ?? 'acme',
    name: 'Acme',
    identitySecret: options.identitySecret,
    policies: {
      slaPolicies: [
        {
          id: 'sla-enterprise',
          name: 'Enterprise',
          kind: 'sla',
          position: 0,
          conditions: { requesterPlans: ['enterprise'] },
          targets: { first_response: { minutes: 2 }, resolution: { minutes: 60 } },
          warningFraction: 0.5,
        },
        {
          id: 'sla-standard',
          name: 'Standard',
          kind: 'sla',
          position: 1,
          conditions: {},
          targets: { first_response: { minutes: 8 * 60 }, resolution: { minutes: 5 * 24 * 60 } },
        },
      ],
    },
    agents: [
      { id: 'agent-lee', name: 'Lee', tiers: [1] },
      { id: 'agent-kim', name: 'Kim', tiers: [2, 3] },
      { id: 'agent-mia', name: 'Mia (manager)', tiers: [1, 2] },
    ],
  };
}
