import {
  BusinessCalendarSchema,
  buildPath,
  EscalationRuleSchema,
  type RouteDef,
  type RouteName,
  RoutingRuleSchema,
  routes,
  SlaPolicySchema,
} from '@tierdesk/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertPolicy, listPolicies, type PolicyKind } from '../src/policies/policy.store';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';
import { collectSse } from './support/sse';
import { waitUntil } from './support/wait';

// An authorization matrix generated from the API contract: every route of `routes` is called by
// callers who must not reach user A's tickets or workspace acme's data, with a valid input for that
// route, so a 404 or 403 is the authorization answer and not a validation error. A route added to the
// contract without an entry in MATRIX fails the test.

const SUBJECT_A = 'SUBJECT-OF-A-7f3k';
const BODY_A = 'BODY-OF-A-private-9q2w';
const SUBJECT_A2 = 'SUBJECT-OF-A2-x81m';
const NOTE_A = 'NOTE-OF-A-internal-c4v5';
const ARTICLE_TITLE = 'ACME-ONLY-ARTICLE-r5t6';
const ACME_POLICY = {
  sla_policy: 'acme-only-sla',
  calendar: 'acme-only-cal',
  escalation_rule: 'acme-only-esc',
  routing_rule: 'acme-only-route',
} as const satisfies Record<PolicyKind, string>;

/** The acme data the matrix targets. */
interface Fixture {
  ticketA: string;
  ticketA2: string;
  articleId: string;
}

interface CallInput {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

/**
 * What an outsider gets: `not_found` — a 404 `not_found` from the route itself (never 2xx); `allowed`
 * — a 2xx about the caller's own data, with none of the victim's data in it.
 */
type Outcome = 'not_found' | 'allowed';

interface MatrixEntry {
  /** A valid input aimed at acme's / user A's data. */
  input: (f: Fixture) => CallInput;
  /** User-scope routes: what another end user of acme (B) gets. */
  sameWorkspace?: Outcome;
  /** What the same kind of caller from workspace globex gets. */
  otherWorkspace: Outcome;
}

const instant = () => new Date().toISOString();
const weekly = [{ day: 1, start: '09:00', end: '17:00' }];

const MATRIX: Record<RouteName, MatrixEntry | 'stream'> = {
  // ——— end-user scope ———
  createTicket: {
    input: () => ({ body: { subject: 'My own ticket', body: 'mine' } }),
    sameWorkspace: 'allowed',
    otherWorkspace: 'allowed',
  },
  listMyTickets: { input: () => ({ query: {} }), sameWorkspace: 'allowed', otherWorkspace: 'allowed' },
  getMyTicket: {
    input: (f) => ({ params: { ticketId: f.ticketA } }),
    sameWorkspace: 'not_found',
    otherWorkspace: 'not_found',
  },
  replyAsUser: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { body: 'let me in' } }),
    sameWorkspace: 'not_found',
    otherWorkspace: 'not_found',
  },
  submitCsat: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { score: 1 } }),
    sameWorkspace: 'not_found',
    otherWorkspace: 'not_found',
  },
  answerAssistant: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { accepted: false } }),
    sameWorkspace: 'not_found',
    otherWorkspace: 'not_found',
  },
  searchArticles: {
    // B shares the workspace's knowledge base; globex must not find acme's article.
    input: () => ({ query: { q: ARTICLE_TITLE } }),
    sameWorkspace: 'allowed',
    otherWorkspace: 'allowed',
  },
  getArticle: {
    input: (f) => ({ params: { articleId: f.articleId } }),
    sameWorkspace: 'allowed',
    otherWorkspace: 'not_found',
  },
  articleFeedback: {
    input: (f) => ({ params: { articleId: f.articleId }, body: { helpful: true } }),
    sameWorkspace: 'allowed',
    otherWorkspace: 'not_found',
  },
  recordDeflection: {
    input: () => ({
      body: {
        events: [{ type: 'search', sessionId: 'sess-matrix', at: instant(), query: 'q', resultCount: 0 }],
      },
    }),
    sameWorkspace: 'allowed',
    otherWorkspace: 'allowed',
  },
  supportStatus: {
    // Computed from the caller's own workspace policies; it names no ticket, policy or calendar.
    input: () => ({}),
    sameWorkspace: 'allowed',
    otherWorkspace: 'allowed',
  },
  userStream: 'stream',

  // ——— agent scope ———
  queue: { input: () => ({ query: {} }), otherWorkspace: 'allowed' },
  createTicketForUser: {
    input: () => ({ body: { subject: 'Proactive', body: 'hello', requester: { id: 'g-user' } } }),
    otherWorkspace: 'allowed',
  },
  getTicket: { input: (f) => ({ params: { ticketId: f.ticketA } }), otherWorkspace: 'not_found' },
  updateTicket: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { priority: 'urgent' } }),
    otherWorkspace: 'not_found',
  },
  replyAsAgent: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { body: 'hijack' } }),
    otherWorkspace: 'not_found',
  },
  addNote: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { body: 'hijack note' } }),
    otherWorkspace: 'not_found',
  },
  escalate: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { reason: 'cross-workspace' } }),
    otherWorkspace: 'not_found',
  },
  deescalate: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { to: 1, reason: 'cross-workspace' } }),
    otherWorkspace: 'not_found',
  },
  mergeTicket: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { into: f.ticketA2 } }),
    otherWorkspace: 'not_found',
  },
  requesterHistory: { input: () => ({ params: { requesterId: 'u-ada' } }), otherWorkspace: 'not_found' },
  listAgents: { input: () => ({}), otherWorkspace: 'allowed' },
  listArticles: { input: () => ({ query: {} }), otherWorkspace: 'allowed' },
  createArticle: {
    input: () => ({ body: { title: 'Globex article', body: 'text', published: true } }),
    otherWorkspace: 'allowed',
  },
  updateArticle: {
    input: (f) => ({ params: { articleId: f.articleId }, body: { title: 'Hijacked' } }),
    otherWorkspace: 'not_found',
  },
  deleteArticle: { input: (f) => ({ params: { articleId: f.articleId } }), otherWorkspace: 'not_found' },
  listSlaPolicies: { input: () => ({}), otherWorkspace: 'allowed' },
  createSlaPolicy: {
    input: () => ({ body: { id: 'new-sla', name: 'New', targets: { first_response: { minutes: 30 } } } }),
    otherWorkspace: 'allowed',
  },
  replaceSlaPolicy: {
    input: () => ({
      params: { id: ACME_POLICY.sla_policy },
      body: { id: ACME_POLICY.sla_policy, name: 'Hijacked', targets: { resolution: { minutes: 1 } } },
    }),
    otherWorkspace: 'not_found',
  },
  deleteSlaPolicy: { input: () => ({ params: { id: ACME_POLICY.sla_policy } }), otherWorkspace: 'not_found' },
  listCalendars: { input: () => ({}), otherWorkspace: 'allowed' },
  createCalendar: {
    input: () => ({ body: { id: 'new-cal', timeZone: 'UTC', weekly } }),
    otherWorkspace: 'allowed',
  },
  replaceCalendar: {
    input: () => ({
      params: { id: ACME_POLICY.calendar },
      body: { id: ACME_POLICY.calendar, timeZone: 'Asia/Tokyo', weekly },
    }),
    otherWorkspace: 'not_found',
  },
  deleteCalendar: { input: () => ({ params: { id: ACME_POLICY.calendar } }), otherWorkspace: 'not_found' },
  listEscalationRules: { input: () => ({}), otherWorkspace: 'allowed' },
  createEscalationRule: {
    input: () => ({
      body: {
        id: 'new-esc',
        name: 'New',
        trigger: { on: 'priority', priorities: ['urgent'] },
        reason: 'urgent',
      },
    }),
    otherWorkspace: 'allowed',
  },
  replaceEscalationRule: {
    input: () => ({
      params: { id: ACME_POLICY.escalation_rule },
      body: {
        id: ACME_POLICY.escalation_rule,
        name: 'Hijacked',
        trigger: { on: 'priority', priorities: ['low'] },
        reason: 'hijacked',
      },
    }),
    otherWorkspace: 'not_found',
  },
  deleteEscalationRule: {
    input: () => ({ params: { id: ACME_POLICY.escalation_rule } }),
    otherWorkspace: 'not_found',
  },
  listRoutingRules: { input: () => ({}), otherWorkspace: 'allowed' },
  createRoutingRule: {
    input: () => ({ body: { id: 'new-route', tier: 2, strategy: 'round_robin' } }),
    otherWorkspace: 'allowed',
  },
  replaceRoutingRule: {
    input: () => ({
      params: { id: ACME_POLICY.routing_rule },
      body: { id: ACME_POLICY.routing_rule, tier: 1, strategy: 'least_loaded' },
    }),
    otherWorkspace: 'not_found',
  },
  deleteRoutingRule: {
    input: () => ({ params: { id: ACME_POLICY.routing_rule } }),
    otherWorkspace: 'not_found',
  },
  metrics: { input: () => ({ query: {} }), otherWorkspace: 'allowed' },
  agentStream: 'stream',
  timeline: { input: (f) => ({ params: { ticketId: f.ticketA }, query: {} }), otherWorkspace: 'not_found' },
};

const CONTRACT = routes as Readonly<Record<RouteName, RouteDef>>;
const NAMES = Object.keys(routes) as RouteName[];

interface Answer {
  status: number;
  text: string;
  code: string | undefined;
}

/** Reads an SSE response's events as they arrive. */
function collectStream(response: Response, controller: AbortController) {
  return collectSse(response, controller, (message) => ({
    type: (JSON.parse(message.data) as { type: string }).type,
    raw: message.data,
  }));
}

describe('the ownership matrix covers the contract', () => {
  it('has an entry for every route of the contract, and only for those', () => {
    expect(NAMES.filter((name) => !(name in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((name) => !(name in routes))).toEqual([]);
    for (const name of NAMES) {
      const entry = MATRIX[name];
      const route = CONTRACT[name];
      expect(route.scope, `${name} has a scope the matrix knows`).toMatch(/^(user|agent)$/);
      expect(entry === 'stream', `${name}: streams and only streams are marked 'stream'`).toBe(route.stream);
      if (entry !== 'stream') {
        expect(entry.sameWorkspace !== undefined, `${name}: user routes say what user B gets`).toBe(
          route.scope === 'user',
        );
        // A route with a ticket id must hide other people's tickets.
        if (route.path.includes(':ticketId')) {
          expect(entry.otherWorkspace, name).toBe('not_found');
          if (route.scope === 'user') expect(entry.sameWorkspace, name).toBe('not_found');
        }
      }
    }
  });

  it('gives every route an input the contract accepts (so a 404 is never a validation error)', () => {
    const fixture: Fixture = { ticketA: 'tkt_a', ticketA2: 'tkt_b', articleId: 'art_a' };
    for (const name of NAMES) {
      const entry = MATRIX[name];
      if (entry === 'stream') continue;
      const route = CONTRACT[name];
      const input = entry.input(fixture);
      for (const part of ['params', 'query', 'body'] as const) {
        const schema = route[part];
        if (schema === undefined) {
          expect(input[part] === undefined || part === 'query', `${name} takes no ${part}`).toBe(true);
          continue;
        }
        const result = schema.safeParse(input[part] ?? (part === 'query' ? {} : undefined));
        expect(result.success, `${name}.${part}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
      }
    }
  });
});

describeStores('authorization and ownership across every route', ({ db }) => {
  let server: TestServer;
  let fixture: Fixture;
  let tokens: { a: string; b: string; globexUser: string; acmeAgent: string; globexAgent: string };

  /** Calls a contract route with raw fetch, so status and body are exactly what the server sent. */
  async function call(name: RouteName, input: CallInput, headers: Record<string, string>): Promise<Answer> {
    const route = CONTRACT[name];
    const query = new URLSearchParams(input.query ?? {}).toString();
    const url = `${server.baseUrl}${buildPath(route.path, input.params)}${query === '' ? '' : `?${query}`}`;
    const controller = new AbortController();
    const response = await fetch(url, {
      method: route.method,
      headers: { ...headers, ...(route.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(route.body === undefined ? {} : { body: JSON.stringify(input.body) }),
      signal: controller.signal,
    });
    if (response.headers.get('content-type')?.includes('text/event-stream')) {
      controller.abort(); // an open stream never ends by itself
      return { status: response.status, text: '', code: undefined };
    }
    const text = await response.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
    } catch {
      code = undefined;
    }
    return { status: response.status, text, code };
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** Strings only user A's data contains. */
  function privateOfA(): string[] {
    return [fixture.ticketA, fixture.ticketA2, SUBJECT_A, SUBJECT_A2, BODY_A, NOTE_A];
  }
  /** Strings only workspace acme's data contains. */
  function acmeData(): string[] {
    return [
      ...privateOfA(),
      fixture.articleId,
      ARTICLE_TITLE,
      ...Object.values(ACME_POLICY),
      '"workspaceId":"acme"',
      'agent-l1',
      'agent-l2',
    ];
  }

  function expectOutcome(what: string, answer: Answer, outcome: Outcome, forbidden: string[]): void {
    if (outcome === 'not_found') {
      expect(answer.status, `${what}: ${answer.text}`).toBe(404);
      expect(answer.code, what).toBe('not_found');
      // The route itself answered (not "No route for …"): the input reached the ownership check.
      expect(answer.text, what).not.toMatch(/No route for/);
    } else {
      expect(answer.status, `${what}: ${answer.text}`).toBeGreaterThanOrEqual(200);
      expect(answer.status, `${what}: ${answer.text}`).toBeLessThan(300);
    }
    for (const secret of forbidden) expect(answer.text, `${what} leaks ${secret}`).not.toContain(secret);
  }

  /** What rejected calls must not have changed. */
  async function snapshot() {
    const lee = await server.agentClient('agent-l1');
    const read = async (ticketId: string) => {
      const view = await lee.getTicket({ params: { ticketId } });
      return { ticket: view.ticket, events: view.events.length };
    };
    const article = (await lee.listArticles({ query: {} })).items.find((a) => a.id === fixture.articleId);
    const policies: Record<string, unknown> = {};
    for (const kind of Object.keys(ACME_POLICY) as PolicyKind[]) {
      policies[kind] = await listPolicies(db(), 'acme', kind);
    }
    const { rows } = await db().query<{ n: number }>(
      `SELECT count(*) AS n FROM tickets WHERE workspace_id = 'acme'`,
    );
    return {
      a: await read(fixture.ticketA),
      a2: await read(fixture.ticketA2),
      // Views and votes by users of acme are legitimate; the content is what must not change.
      article: article && {
        title: article.title,
        body: article.body,
        published: article.published,
        updatedAt: article.updatedAt,
      },
      policies,
      acmeTickets: rows[0]?.n,
    };
  }

  beforeEach(async () => {
    server = await startTestServer(db(), { assistant: false });
    const ada = server.userClient('u-ada', 'acme', { name: 'Ada' });
    const a = await ada.createTicket({ body: { subject: SUBJECT_A, body: BODY_A } });
    const a2 = await ada.createTicket({ body: { subject: SUBJECT_A2, body: 'second' } });
    const lee = await server.agentClient('agent-l1');
    await lee.addNote({ params: { ticketId: a.id }, body: { body: NOTE_A } });
    const article = await lee.createArticle({
      body: { title: ARTICLE_TITLE, body: 'Only for acme.', published: true },
    });
    // Straight into the store: through the API each would re-evaluate (and so change) A's tickets.
    await insertPolicy(
      db(),
      'acme',
      'sla_policy',
      SlaPolicySchema.parse({
        id: ACME_POLICY.sla_policy,
        name: 'Acme',
        targets: { resolution: { minutes: 60 } },
      }),
    );
    await insertPolicy(
      db(),
      'acme',
      'calendar',
      BusinessCalendarSchema.parse({ id: ACME_POLICY.calendar, timeZone: 'Europe/Berlin', weekly }),
    );
    await insertPolicy(
      db(),
      'acme',
      'escalation_rule',
      EscalationRuleSchema.parse({
        id: ACME_POLICY.escalation_rule,
        name: 'Acme',
        trigger: { on: 'reopen_count', atLeast: 5 },
        reason: 'reopened often',
      }),
    );
    await insertPolicy(
      db(),
      'acme',
      'routing_rule',
      RoutingRuleSchema.parse({ id: ACME_POLICY.routing_rule, tier: 3, strategy: 'round_robin' }),
    );
    fixture = { ticketA: a.id, ticketA2: a2.id, articleId: article.id };
    tokens = {
      a: await server.tokenFor('u-ada'),
      b: await server.tokenFor('u-bob'),
      // The same user id in another workspace: ownership is per workspace, not per user id.
      globexUser: await server.tokenFor('u-ada', 'globex'),
      acmeAgent: await server.apiKeyFor('agent-l1'),
      globexAgent: await server.apiKeyFor('agent-g', 'globex'),
    };
  });
  afterEach(async () => {
    await server.close();
  });

  it('end-user routes: user B and a globex user get 404 for A, agents 403, no token 401; nothing stored', async () => {
    const before = await snapshot();
    // Positive control: the owner reaches the ticket with the same inputs.
    expect(
      (
        await call(
          'getMyTicket',
          MATRIX.getMyTicket === 'stream' ? {} : MATRIX.getMyTicket.input(fixture),
          bearer(tokens.a),
        )
      ).status,
    ).toBe(200);
    let checked = 0;
    for (const name of NAMES) {
      const entry = MATRIX[name];
      const route = CONTRACT[name];
      if (route.scope !== 'user') continue;
      const input = entry === 'stream' ? {} : entry.input(fixture);
      const anonymous = await call(name, input, {});
      expect(anonymous.status, `${name} without a token`).toBe(401);
      expect(anonymous.code).toBe('unauthorized');
      const asAgent = await call(name, input, bearer(tokens.acmeAgent));
      expect(asAgent.status, `${name} with an agent key: ${asAgent.text}`).toBe(403);
      expect(asAgent.code).toBe('forbidden');
      if (entry === 'stream') continue;
      expectOutcome(
        `${name} as user B`,
        await call(name, input, bearer(tokens.b)),
        entry.sameWorkspace as Outcome,
        privateOfA(),
      );
      expectOutcome(
        `${name} as a globex user`,
        await call(name, input, bearer(tokens.globexUser)),
        entry.otherWorkspace,
        acmeData(),
      );
      checked += 1;
    }
    expect(checked).toBe(NAMES.filter((n) => CONTRACT[n].scope === 'user' && !CONTRACT[n].stream).length);
    const after = await snapshot();
    expect(after.a).toEqual(before.a);
    expect(after.a2).toEqual(before.a2);
    expect(after.article).toEqual(before.article);
    expect(after.policies).toEqual(before.policies);
    // B's own ticket from createTicket, and nothing else, is new in acme.
    expect(after.acmeTickets).toBe((before.acmeTickets ?? 0) + 1);
  });

  it('agent routes: end users 403, no token 401, a globex agent 404 or only its own data; nothing stored', async () => {
    const before = await snapshot();
    let checked = 0;
    for (const name of NAMES) {
      const entry = MATRIX[name];
      const route = CONTRACT[name];
      if (route.scope !== 'agent') continue;
      const input = entry === 'stream' ? {} : entry.input(fixture);
      const anonymous = await call(name, input, {});
      expect(anonymous.status, `${name} without a token`).toBe(401);
      expect(anonymous.code).toBe('unauthorized');
      // Even the ticket's own requester is no agent.
      const asOwner = await call(name, input, bearer(tokens.a));
      expect(asOwner.status, `${name} with an end-user token: ${asOwner.text}`).toBe(403);
      expect(asOwner.code).toBe('forbidden');
      for (const secret of acmeData()) expect(asOwner.text).not.toContain(secret);
      if (entry === 'stream') continue;
      const answer = await call(name, input, bearer(tokens.globexAgent));
      expectOutcome(`${name} as a globex agent`, answer, entry.otherWorkspace, acmeData());
      if (route.method === 'GET' && answer.status === 200) {
        // Lists of a workspace without tickets or articles are empty, not filled from acme.
        const body = JSON.parse(answer.text) as { items?: unknown[] };
        if (['queue', 'listArticles', 'listAgents'].includes(name)) expect(body.items, name).toEqual([]);
      }
      checked += 1;
    }
    expect(checked).toBe(NAMES.filter((n) => CONTRACT[n].scope === 'agent' && !CONTRACT[n].stream).length);

    // Merging across workspaces is impossible from the other side too: globex's own ticket into A's.
    const globex = await server.agentClient('agent-g', 'globex');
    const own = await globex.createTicketForUser({
      body: { subject: 'Globex ticket', body: 'x', requester: { id: 'g-user-2' } },
    });
    const merge = await call(
      'mergeTicket',
      { params: { ticketId: own.id }, body: { into: fixture.ticketA } },
      bearer(tokens.globexAgent),
    );
    expect(merge.status).toBe(404);
    expect((await globex.getTicket({ params: { ticketId: own.id } })).ticket.version).toBe(own.version);

    const after = await snapshot();
    expect(after.a).toEqual(before.a);
    expect(after.a2).toEqual(before.a2);
    expect(after.article).toEqual(before.article);
    expect(after.policies).toEqual(before.policies);
    expect(after.acmeTickets).toBe(before.acmeTickets);
  });

  it("streams from the start (Last-Event-ID 0-0) replay none of A's events to user B, a globex user or a globex agent", async () => {
    const lee = await server.agentClient('agent-l1');
    await lee.replyAsAgent({ params: { ticketId: fixture.ticketA }, body: { body: 'REPLY-TO-A-before' } });
    const open = async (path: string, token: string, lastEventId = '0-0') => {
      const controller = new AbortController();
      const response = await fetch(`${server.baseUrl}${path}`, {
        headers: { ...bearer(token), 'last-event-id': lastEventId },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      return collectStream(response, controller);
    };
    const streams = {
      a: await open('/v1/stream', tokens.a),
      b: await open('/v1/stream', tokens.b),
      globexUser: await open('/v1/stream', tokens.globexUser),
      globexAgent: await open('/v1/agent/stream', tokens.globexAgent),
    };
    try {
      for (const [who, stream] of Object.entries(streams)) {
        await waitUntil(
          () => stream.events.some((e) => e.type === 'stream.ready'),
          `stream.ready for ${who}`,
        );
      }
      // Positive control: from 0-0, A's own stream replays A's history (public parts only).
      const aText = () => streams.a.events.map((e) => e.raw).join('\n');
      expect(aText()).toContain(BODY_A);
      expect(aText()).toContain('REPLY-TO-A-before');
      expect(aText()).not.toContain(NOTE_A);

      // Live events after the replay do not reach them either.
      await lee.replyAsAgent({ params: { ticketId: fixture.ticketA }, body: { body: 'REPLY-TO-A-live' } });
      await server.userClient('u-ada').replyAsUser({
        params: { ticketId: fixture.ticketA },
        body: { body: 'A-LIVE-FOLLOW-UP' },
      });
      await waitUntil(() => aText().includes('A-LIVE-FOLLOW-UP'), "A's live follow-up on A's stream");
      // Give a wrongly routed event the same time to arrive on the others: B opens a ticket of its
      // own and waits for it on its own stream, which comes after A's events in the feed.
      await server.userClient('u-bob').createTicket({ body: { subject: 'B-OWN', body: 'b' } });
      await waitUntil(
        () => streams.b.events.some((e) => e.raw.includes('B-OWN')),
        "B's own ticket on B's stream",
      );
      for (const who of ['b', 'globexUser', 'globexAgent'] as const) {
        const text = streams[who].events.map((e) => e.raw).join('\n');
        for (const secret of [...privateOfA(), 'REPLY-TO-A-before', 'REPLY-TO-A-live', 'A-LIVE-FOLLOW-UP']) {
          expect(text, `${who}'s stream leaks ${secret}`).not.toContain(secret);
        }
      }
      expect(streams.globexUser.events.map((e) => e.type)).toEqual(['stream.ready']);
      expect(streams.globexAgent.events.map((e) => e.type)).toEqual(['stream.ready']);
    } finally {
      for (const stream of Object.values(streams)) stream.close();
    }

    // `0` is no stream position: a typed 400, not a silent replay of everything.
    const malformed = await fetch(`${server.baseUrl}/v1/stream`, {
      headers: { ...bearer(tokens.b), 'last-event-id': '0' },
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });

  it('accepts ?access_token= on the event streams only, and refuses it (401) on every other route', async () => {
    const controllers: AbortController[] = [];
    try {
      for (const [path, token] of [
        ['/v1/stream', tokens.a],
        ['/v1/agent/stream', tokens.acmeAgent],
      ] as const) {
        const controller = new AbortController();
        controllers.push(controller);
        const response = await fetch(`${server.baseUrl}${path}?access_token=${encodeURIComponent(token)}`, {
          signal: controller.signal,
        });
        expect(response.status, path).toBe(200);
        const stream = collectStream(response, controller);
        await waitUntil(
          () => stream.events.some((e) => e.type === 'stream.ready'),
          `stream.ready on ${path}`,
        );
      }
    } finally {
      for (const controller of controllers) controller.abort();
    }
    const before = await snapshot();
    // Every non-stream route, with an otherwise valid call and a valid token — but in the URL.
    for (const name of NAMES) {
      const entry = MATRIX[name];
      if (entry === 'stream') continue;
      const route = CONTRACT[name];
      const token = route.scope === 'agent' ? tokens.acmeAgent : tokens.a;
      const input = entry.input(fixture);
      const answer = await call(name, { ...input, query: { ...input.query, access_token: token } }, {});
      expect(answer.status, `${name} with ?access_token=: ${answer.text}`).toBe(401);
      expect(answer.code).toBe('unauthorized');
    }
    // Header and query token together are refused on a stream too.
    const both = await fetch(`${server.baseUrl}/v1/stream?access_token=${encodeURIComponent(tokens.a)}`, {
      headers: bearer(tokens.a),
    });
    expect(both.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });
});
