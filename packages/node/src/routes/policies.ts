import { computeMetrics, type DeflectionEvent, MetricsInputError, type TimelineEvent } from '@tierdesk/core';
import { ApiError } from '../http/api-error';
import {
  deletePolicy,
  insertPolicy,
  listPolicies,
  type PolicyKind,
  type PolicyOf,
  replacePolicy,
} from '../policies/policy.store';
import type { SqlExecutor } from '../store';
import { agent, inTransaction, isStorableInstant, type RouteContext, type RouteImpls } from './route.types';

type PolicyCtx = RouteContext<{
  method: 'GET';
  path: string;
  scope: 'agent';
  summary: string;
  params: undefined;
  query: undefined;
  body: undefined;
  response: undefined;
  status: 200;
  versioned: false;
  stream: false;
}>;

const NOUN: Record<PolicyKind, string> = {
  sla_policy: 'SLA policy',
  calendar: 'calendar',
  escalation_rule: 'escalation rule',
  routing_rule: 'routing rule',
};

/**
 * Every SLA policy's calendar must exist: a policy naming a missing one fails every new ticket and the
 * support status of the workspace. Checked inside the write's transaction, so a refused write rolls back.
 */
async function checkCalendarReferences(
  tx: SqlExecutor,
  workspaceId: string,
  kind: PolicyKind,
  id: string,
): Promise<void> {
  if (kind !== 'sla_policy' && kind !== 'calendar') return;
  const calendars = new Set((await listPolicies(tx, workspaceId, 'calendar')).map((c) => c.id));
  for (const policy of await listPolicies(tx, workspaceId, 'sla_policy')) {
    if (policy.calendarId === null || policy.calendarId === undefined || calendars.has(policy.calendarId))
      continue;
    if (kind === 'calendar') {
      throw new ApiError(
        'conflict',
        `Calendar ${id} is used by SLA policy ${policy.id}; change that policy first.`,
      );
    }
    throw new ApiError(
      'validation_failed',
      `Invalid body: no calendar ${policy.calendarId} (at body.calendarId)`,
      {
        issues: [{ path: ['calendarId'], code: 'unknown_calendar', message: 'no calendar with this id' }],
      },
    );
  }
}

// The four policy collections share one behaviour; only the kind differs.
function collection<K extends PolicyKind>(kind: K) {
  return {
    async list(ctx: Pick<PolicyCtx, 'identity' | 'exec'>) {
      return { body: { items: await listPolicies(ctx.exec, agent(ctx).workspaceId, kind) } };
    },
    async create(ctx: Pick<PolicyCtx, 'identity' | 'exec' | 'app' | 'tx'> & { body: PolicyOf[K] }) {
      const me = agent(ctx);
      await inTransaction(ctx, async (tx) => {
        if (!(await insertPolicy(tx, me.workspaceId, kind, ctx.body))) {
          throw new ApiError(
            'conflict',
            `A ${NOUN[kind]} with id ${ctx.body.id} exists; replace it with PUT.`,
          );
        }
        await checkCalendarReferences(tx, me.workspaceId, kind, ctx.body.id);
        await ctx.app.policiesChanged(tx, me.workspaceId);
      });
      return { body: ctx.body, status: 201 };
    },
    async replace(
      ctx: Pick<PolicyCtx, 'identity' | 'exec' | 'app' | 'tx'> & {
        body: PolicyOf[K];
        params: { id: string };
      },
    ) {
      const me = agent(ctx);
      if (ctx.body.id !== ctx.params.id) {
        throw new ApiError('validation_failed', 'Invalid body: id must match the path (at body.id)', {
          issues: [{ path: ['id'], code: 'custom', message: 'must equal the id in the path' }],
        });
      }
      await inTransaction(ctx, async (tx) => {
        if (!(await replacePolicy(tx, me.workspaceId, kind, ctx.body))) {
          throw new ApiError('not_found', `No such ${NOUN[kind]}.`);
        }
        await checkCalendarReferences(tx, me.workspaceId, kind, ctx.body.id);
        await ctx.app.policiesChanged(tx, me.workspaceId);
      });
      return { body: ctx.body };
    },
    async remove(ctx: Pick<PolicyCtx, 'identity' | 'exec' | 'app' | 'tx'> & { params: { id: string } }) {
      const me = agent(ctx);
      await inTransaction(ctx, async (tx) => {
        if (!(await deletePolicy(tx, me.workspaceId, kind, ctx.params.id))) {
          throw new ApiError('not_found', `No such ${NOUN[kind]}.`);
        }
        await checkCalendarReferences(tx, me.workspaceId, kind, ctx.params.id);
        await ctx.app.policiesChanged(tx, me.workspaceId);
      });
      return { body: undefined, status: 204 };
    },
  };
}

const sla = collection('sla_policy');
const calendars = collection('calendar');
const escalation = collection('escalation_rule');
const routing = collection('routing_rule');

const DAY_MS = 24 * 60 * 60 * 1000;

/** Policies CRUD and metrics (agent scope). */
export const policyRoutes: RouteImpls<
  | 'listSlaPolicies'
  | 'createSlaPolicy'
  | 'replaceSlaPolicy'
  | 'deleteSlaPolicy'
  | 'listCalendars'
  | 'createCalendar'
  | 'replaceCalendar'
  | 'deleteCalendar'
  | 'listEscalationRules'
  | 'createEscalationRule'
  | 'replaceEscalationRule'
  | 'deleteEscalationRule'
  | 'listRoutingRules'
  | 'createRoutingRule'
  | 'replaceRoutingRule'
  | 'deleteRoutingRule'
  | 'metrics'
> = {
  listSlaPolicies: sla.list,
  createSlaPolicy: sla.create,
  replaceSlaPolicy: sla.replace,
  deleteSlaPolicy: sla.remove,
  listCalendars: calendars.list,
  createCalendar: calendars.create,
  replaceCalendar: calendars.replace,
  deleteCalendar: calendars.remove,
  listEscalationRules: escalation.list,
  createEscalationRule: escalation.create,
  replaceEscalationRule: escalation.replace,
  deleteEscalationRule: escalation.remove,
  listRoutingRules: routing.list,
  createRoutingRule: routing.create,
  replaceRoutingRule: routing.replace,
  deleteRoutingRule: routing.remove,

  async metrics(ctx) {
    const me = agent(ctx);
    const now = ctx.app.clock.now();
    const to = ctx.query.to === undefined ? now : Date.parse(ctx.query.to);
    const from = ctx.query.from === undefined ? to - 30 * DAY_MS : Date.parse(ctx.query.from);
    for (const [name, ms] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (!isStorableInstant(ms)) {
        throw new ApiError(
          'validation_failed',
          `Invalid query: ${name} must lie in the years 1970–9999 (at query.${name})`,
          {
            issues: [{ path: [name], code: 'out_of_range', message: 'must lie in the years 1970–9999' }],
          },
        );
      }
    }
    if (from > to) {
      throw new ApiError('validation_failed', 'Invalid query: from must not be after to (at query.from)', {
        issues: [{ path: ['from'], code: 'custom', message: 'must not be after to' }],
      });
    }
    const fromIso = new Date(from).toISOString();
    const toIso = new Date(to).toISOString();
    // Every ticket with activity in the window, plus every ticket still open (the backlog).
    const { rows } = await ctx.exec.query<{ ticket_id: string; event: TimelineEvent }>(
      `SELECT e.ticket_id, e.event FROM ticket_events e
        WHERE e.workspace_id = $1 AND e.ticket_id IN (
              SELECT DISTINCT ticket_id FROM ticket_events WHERE workspace_id = $1 AND at >= $2 AND at < $3
              UNION
              SELECT id FROM tickets WHERE workspace_id = $1 AND status NOT IN ('solved', 'closed'))
        ORDER BY e.ticket_id, e.seq`,
      [me.workspaceId, fromIso, toIso],
    );
    const byTicket = new Map<string, TimelineEvent[]>();
    for (const row of rows) {
      const list = byTicket.get(row.ticket_id) ?? [];
      list.push(row.event);
      byTicket.set(row.ticket_id, list);
    }
    const { rows: steps } = await ctx.exec.query<{ event: DeflectionEvent }>(
      // Sessions that started up to a day before the window may still end in it.
      'SELECT event FROM deflection_events WHERE workspace_id = $1 AND at >= $2 AND at < $3 ORDER BY at',
      [me.workspaceId, new Date(from - DAY_MS).toISOString(), toIso],
    );
    try {
      const report = computeMetrics({
        tickets: [...byTicket].map(([ticketId, events]) => ({ ticketId, events })),
        deflections: steps.map((s) => s.event),
        from: fromIso,
        to: toIso,
        now: Math.min(now, to),
      });
      return { body: report };
    } catch (error) {
      if (error instanceof MetricsInputError) throw new ApiError('bad_request', error.message);
      throw error;
    }
  },
};
