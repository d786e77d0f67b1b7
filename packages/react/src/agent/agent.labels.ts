import type { Actor, Agent, Tier } from '@tierdesk/core';
import type { Translator } from '../i18n/i18n.types';
import type { AgentTierNames, TierLabel } from './agent.types';

// Names shared by the agent components, so the queue, the ticket view and the metrics panel call a
// tier, an agent or an actor the same way.

/** The tier label function for a translator and the host's optional names. */
export function tierLabel(t: Translator['t'], names: AgentTierNames | undefined): TierLabel {
  return (tier: Tier) => names?.[tier] ?? t('agent.tier.name', { tier });
}

/** An agent's display name by id; the id itself for an agent no longer listed. */
export function agentName(
  agents: readonly Agent[] | undefined,
  id: string | null,
  t: Translator['t'],
): string {
  if (id === null) return t('agent.queue.unassigned');
  return agents?.find((a) => a.id === id)?.name ?? id;
}

/** Who wrote or did something on the timeline, for people. */
export function actorName(actor: Actor, agents: readonly Agent[] | undefined, t: Translator['t']): string {
  if (actor.name !== undefined && actor.name !== '') return actor.name;
  switch (actor.type) {
    case 'agent':
      return actor.id === undefined ? t('agent.thread.agent') : agentName(agents, actor.id, t);
    case 'customer':
      return t('agent.thread.customer');
    case 'bot':
      return t('agent.thread.bot');
    default:
      return t('agent.thread.system');
  }
}
