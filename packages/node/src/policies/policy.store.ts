import type { BusinessCalendar, EscalationRule, RoutingRule, SlaPolicy } from '@tierdesk/core';
import type { SqlExecutor } from '../store';
import type { TicketPolicies } from '../tickets/ticket.service';

/** The kinds of policy the server stores as data. */
export type PolicyKind = 'sla_policy' | 'calendar' | 'escalation_rule' | 'routing_rule';

/** What each kind of policy is. */
export interface PolicyOf {
  sla_policy: SlaPolicy;
  calendar: BusinessCalendar;
  escalation_rule: EscalationRule;
  routing_rule: RoutingRule;
}

/** The policies of a workspace, all kinds. */
export interface WorkspacePolicies {
  slaPolicies: SlaPolicy[];
  calendars: BusinessCalendar[];
  escalationRules: EscalationRule[];
  routingRules: RoutingRule[];
}

/** Lists a workspace's policies of one kind, in id order. */
export async function listPolicies<K extends PolicyKind>(
  db: SqlExecutor,
  workspaceId: string,
  kind: K,
): Promise<PolicyOf[K][]> {
  const { rows } = await db.query<{ data: PolicyOf[K] }>(
    'SELECT data FROM policies WHERE workspace_id = $1 AND kind = $2 ORDER BY id',
    [workspaceId, kind],
  );
  return rows.map((r) => r.data);
}

/** Inserts a policy; false when one with the same id exists. */
export async function insertPolicy<K extends PolicyKind>(
  tx: SqlExecutor,
  workspaceId: string,
  kind: K,
  policy: PolicyOf[K],
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO policies (workspace_id, kind, id, data) VALUES ($1, $2, $3, $4)
     ON CONFLICT (workspace_id, kind, id) DO NOTHING`,
    [workspaceId, kind, policy.id, JSON.stringify(policy)],
  );
  return rowCount === 1;
}

/** Replaces a policy; false when there is none with that id. */
export async function replacePolicy<K extends PolicyKind>(
  tx: SqlExecutor,
  workspaceId: string,
  kind: K,
  policy: PolicyOf[K],
): Promise<boolean> {
  const { rowCount } = await tx.query(
    'UPDATE policies SET data = $4, updated_at = now() WHERE workspace_id = $1 AND kind = $2 AND id = $3',
    [workspaceId, kind, policy.id, JSON.stringify(policy)],
  );
  return rowCount === 1;
}

/** Deletes a policy; false when there was none. */
export async function deletePolicy(
  tx: SqlExecutor,
  workspaceId: string,
  kind: PolicyKind,
  id: string,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    'DELETE FROM policies WHERE workspace_id = $1 AND kind = $2 AND id = $3',
    [workspaceId, kind, id],
  );
  return rowCount === 1;
}

/** Reads all policies of a workspace in one query. */
export async function loadWorkspacePolicies(
  db: SqlExecutor,
  workspaceId: string,
): Promise<WorkspacePolicies> {
  const { rows } = await db.query<{ kind: PolicyKind; data: unknown }>(
    'SELECT kind, data FROM policies WHERE workspace_id = $1 ORDER BY kind, id',
    [workspaceId],
  );
  const out: WorkspacePolicies = { slaPolicies: [], calendars: [], escalationRules: [], routingRules: [] };
  for (const row of rows) {
    if (row.kind === 'sla_policy') out.slaPolicies.push(row.data as SlaPolicy);
    else if (row.kind === 'calendar') out.calendars.push(row.data as BusinessCalendar);
    else if (row.kind === 'escalation_rule') out.escalationRules.push(row.data as EscalationRule);
    else if (row.kind === 'routing_rule') out.routingRules.push(row.data as RoutingRule);
  }
  return out;
}

/** The policies a new ticket of the workspace starts under. */
export async function loadTicketPolicies(db: SqlExecutor, workspaceId: string): Promise<TicketPolicies> {
  const all = await loadWorkspacePolicies(db, workspaceId);
  return {
    sla: { policies: all.slaPolicies, calendars: all.calendars },
    escalationRules: all.escalationRules,
    routingRules: all.routingRules,
  };
}

/**
 * Routing within a tier: the first routing rule for the tier (and group, when it names one) picks an
 * active agent who serves the tier and has capacity left — round-robin (the one assigned longest ago)
 * or least-loaded (fewest open tickets). Null when no rule applies or everyone is at capacity.
 */
export async function routeTicket(
  tx: SqlExecutor,
  request: {
    workspaceId: string;
    ticketId: string;
    tier: number;
    groupId: string | null;
    /** The workspace's routing rules, when the caller has read them already. */
    routingRules?: readonly RoutingRule[];
  },
): Promise<string | null> {
  const rules = request.routingRules ?? (await listPolicies(tx, request.workspaceId, 'routing_rule'));
  const rule = rules.find(
    (r) => r.tier === request.tier && (r.groupId === null || r.groupId === request.groupId),
  );
  if (rule === undefined) return null;
  const order =
    rule.strategy === 'least_loaded'
      ? 'open_count ASC, last_assigned ASC NULLS FIRST, a.id'
      : 'last_assigned ASC NULLS FIRST, a.id';
  const { rows } = await tx.query<{ id: string }>(
    `SELECT a.id,
            (SELECT count(*) FROM tickets t WHERE t.workspace_id = a.workspace_id AND t.assignee_id = a.id
                AND t.status NOT IN ('solved', 'closed')) AS open_count,
            (SELECT max(e.at) FROM ticket_events e WHERE e.workspace_id = a.workspace_id AND e.type = 'assignee.changed'
                AND e.event->>'to' = a.id) AS last_assigned
       FROM agents a
      WHERE a.workspace_id = $1 AND a.active
        AND (a.data->'tiers') @> to_jsonb($2::int)
        AND ($3::text IS NULL OR (a.data->'groups') @> to_jsonb($3::text))
        AND (SELECT count(*) FROM tickets t WHERE t.workspace_id = a.workspace_id AND t.assignee_id = a.id
                AND t.status NOT IN ('solved', 'closed')) < COALESCE((a.data->>'capacity')::int, 2147483647)
      ORDER BY ${order}
      LIMIT 1`,
    [request.workspaceId, request.tier, rule.groupId],
  );
  return rows[0]?.id ?? null;
}
