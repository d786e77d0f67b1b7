import type { ClockSummary, Ticket } from '@tierdesk/core';
import { type ReactNode, useEffect, useState } from 'react';
import type { DueKind } from '../../i18n/i18n.types';
import { useWidgetTranslator as useTranslator } from '../../i18n/use-widget-translator';

/**
 * The promise a ticket's requester is owed now: the running reply clock (first or next response)
 * due first, else the running resolution clock. Paused clocks promise nothing (the team waits for the
 * user), and met or stopped ones are kept. `undefined` when nothing is promised.
 */
export function currentPromise(ticket: Ticket): { dueAt: number; kind: DueKind } | undefined {
  const running = ticket.sla.filter(
    (clock): clock is ClockSummary & { dueAt: string } =>
      clock.kind === 'sla' && clock.status === 'running' && clock.dueAt !== null,
  );
  const earliest = (clocks: typeof running) =>
    clocks.reduce<(typeof running)[number] | undefined>(
      (best, clock) =>
        best === undefined || Date.parse(clock.dueAt) < Date.parse(best.dueAt) ? clock : best,
      undefined,
    );
  const reply = earliest(
    running.filter((c) => c.metric === 'first_response' || c.metric === 'next_response'),
  );
  if (reply !== undefined) return { dueAt: Date.parse(reply.dueAt), kind: 'reply' };
  const resolution = earliest(running.filter((c) => c.metric === 'resolution'));
  return resolution === undefined ? undefined : { dueAt: Date.parse(resolution.dueAt), kind: 'resolution' };
}

/** The current time, re-read every `intervalMs` while mounted (for deadlines that read "in 5 min"). */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Props of {@link TicketPromise}. */
export interface TicketPromiseProps {
  /** The ticket as its requester sees it (its SLA clocks carry the due times). */
  ticket: Ticket;
  /** Extra class on the element. */
  className?: string;
}

/**
 * The honest promise of one ticket, from its SLA clocks over the team's business hours: "Reply due
 * Tue 10:30 AM", "Reply due in 25 min", or "Reply overdue by 5 min" when the team is late. Nothing
 * when no clock runs (solved, or waiting for the user). Updates itself as time passes.
 */
export function TicketPromise({ ticket, className }: TicketPromiseProps): ReactNode {
  const { formatDueIn } = useTranslator();
  const now = useNow();
  const promise = currentPromise(ticket);
  if (promise === undefined) return null;
  return (
    <p className={className ? `td-widget-promise ${className}` : 'td-widget-promise'}>
      {formatDueIn(promise.dueAt - now, { kind: promise.kind })}
    </p>
  );
}
