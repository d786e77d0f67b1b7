import { type ReactElement, useState } from 'react';
import { type UseTicketStreamOptions, useTicketStream } from '../../hooks/use-ticket-stream';
import { useThemeRootProps } from '../../theme/use-theme-root-props';
import type { AgentMacro, AgentTierNames } from '../agent.types';
import { AgentTicketView } from '../agent-ticket-view/agent-ticket-view';
import { MetricsPanel } from '../metrics-panel/metrics-panel';
import { TicketQueue } from '../ticket-queue/ticket-queue';

/** Props of {@link AgentConsoleExample}. */
export interface AgentConsoleExampleProps {
  /** The signed-in agent's id (enables "Assign to me"). */
  currentAgentId?: string;
  /** Macros offered in the ticket view. Default: two examples. */
  macros?: readonly AgentMacro[];
  /** Display names of the tiers. */
  tierNames?: AgentTierNames;
  /** The ticket open at first. */
  defaultTicketId?: string;
  /**
   * Options of the console's one event stream (its `fetch`, `getToken`, backoff). A provider given a
   * ready `client` has no `getToken` for the stream to borrow: pass it here.
   */
  stream?: Omit<UseTicketStreamOptions, 'scope' | 'enabled'>;
}

/** Macros the example offers when the host gives none. */
export const EXAMPLE_MACROS: readonly AgentMacro[] = [
  {
    id: 'ask-for-logs',
    title: 'Ask for logs',
    body: 'Could you send us the logs from **Settings → Diagnostics**? That will help us find the cause.',
    updates: { status: 'pending' },
  },
  {
    id: 'solved',
    title: 'Mark as solved',
    body: 'Glad we could help! Reply any time if it comes back.',
    updates: { status: 'solved' },
  },
];

/**
 * An agent console composed of the kit's parts: the queue, the open ticket and the metrics side by
 * side, with one event stream for all of them (mounted here, not in each component). Stories and the
 * demo render it; hosts can copy it as a starting point. Render it inside `<TierdeskProvider>`.
 */
export function AgentConsoleExample(props: AgentConsoleExampleProps): ReactElement {
  const [ticketId, setTicketId] = useState<string | undefined>(props.defaultTicketId);
  useTicketStream({ ...props.stream, scope: 'agent' });
  const rootProps = useThemeRootProps('td-console-example');
  return (
    <div {...rootProps}>
      <TicketQueue onSelect={setTicketId} selectedTicketId={ticketId} tierNames={props.tierNames} />
      {ticketId ? (
        <AgentTicketView
          ticketId={ticketId}
          macros={props.macros ?? EXAMPLE_MACROS}
          onSelectTicket={setTicketId}
          tierNames={props.tierNames}
          {...(props.currentAgentId === undefined ? {} : { currentAgentId: props.currentAgentId })}
          renderCustomerCard={(requester) => (
            <p className="td-muted">{[requester.plan, ...requester.tags].filter(Boolean).join(' · ')}</p>
          )}
        />
      ) : null}
      <MetricsPanel tierNames={props.tierNames} />
    </div>
  );
}
