import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildPath, type RouteDef, type RouteName, routes } from '@tierdesk/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueReplyToken } from '../../packages/node/src/email/reply-token';
import { createUnsubscribeToken } from '../../packages/node/src/email/unsubscribe';
import { createPgliteDatabase, migrate, type SqlDatabase } from '../../packages/node/src/store';
import { startTestServer, type TestServer } from '../../packages/node/tests/support/server';
import { collectSse } from '../../packages/node/tests/support/sse';
import { waitUntil } from '../../packages/node/tests/support/wait';

// Item 9: an authorization matrix over the WHOLE route surface of the server — every route of the
// contract (both streams included) and the server-only routes (attachment downloads, anonymous
// visitor tokens, email unsubscribe, inbound email) — called by every kind of outsider: no token, another
// end user of the same workspace, an anonymous visitor, a user and an agent of another workspace, and
// the wrong kind of caller. Two tripwires make a route added later fail here until it has a row: the
// contract's route names, and every `/v1…` path literal in the server's source.

const SUBJECT_A = 'SUBJECT-OF-A-r9matrix';
const BODY_A = 'BODY-OF-A-private-r9';
const NOTE_A = 'NOTE-OF-A-internal-r9';
const ARTICLE_TITLE = 'ACME-ONLY-ARTICLE-r9';
const ATTACHMENT_BYTES = 'ATTACHMENT-OF-A-bytes-r9';
const INBOUND_SECRET = 'inbound-secret-for-r9-0123456789';
const TOKEN_SECRET = 'email-token-secret-for-r9-0123456789-abcdef';
const REPLY_DOMAIN = 'reply.acme.example';

type Outcome = 'not_found' | 'allowed';
interface Fixture {
  ticketA: string;
  ticketA2: string;
  articleId: string;
  attachmentId: string;
}
interface CallInput {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}
interface ContractEntry {
  input: (f: Fixture) => CallInput;
  /** User routes: what end user B of the same workspace (and an anonymous visitor) gets. */
  sameWorkspace?: Outcome;
  /** What the same kind of caller from workspace globex gets. */
  otherWorkspace: Outcome;
}

const now = () => new Date().toISOString();
const weekly = [{ day: 1, start: '09:00', end: '17:00' }];

const CONTRACT_MATRIX: Record<RouteName, ContractEntry | 'stream'> = {
  createTicket: {
    input: () => ({ body: { subject: 'Mine', body: 'mine' } }),
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
      body: { events: [{ type: 'search', sessionId: 'sess-r9', at: now(), query: 'q', resultCount: 0 }] },
    }),
    sameWorkspace: 'allowed',
    otherWorkspace: 'allowed',
  },
  supportStatus: { input: () => ({}), sameWorkspace: 'allowed', otherWorkspace: 'allowed' },
  userStream: 'stream',
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
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { body: 'hijack' } }),
    otherWorkspace: 'not_found',
  },
  escalate: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { reason: 'x-ws' } }),
    otherWorkspace: 'not_found',
  },
  deescalate: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { to: 1, reason: 'x-ws' } }),
    otherWorkspace: 'not_found',
  },
  mergeTicket: {
    input: (f) => ({ params: { ticketId: f.ticketA }, body: { into: f.ticketA2 } }),
    otherWorkspace: 'not_found',
  },
  // B has acme tickets and none in globex (the globex user shares A's id, so A's id would be globex's own).
  requesterHistory: { input: () => ({ params: { requesterId: 'u-bob' } }), otherWorkspace: 'not_found' },
  listAgents: { input: () => ({}), otherWorkspace: 'allowed' },
  listArticles: { input: () => ({ query: {} }), otherWorkspace: 'allowed' },
  createArticle: {
    input: () => ({ body: { title: 'Globex', body: 'text', published: true } }),
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
      params: { id: 'sla-standard-acme' },
      body: { id: 'sla-standard-acme', name: 'Hijacked', targets: { resolution: { minutes: 1 } } },
    }),
    otherWorkspace: 'not_found',
  },
  deleteSlaPolicy: { input: () => ({ params: { id: 'sla-standard-acme' } }), otherWorkspace: 'not_found' },
  listCalendars: { input: () => ({}), otherWorkspace: 'allowed' },
  createCalendar: {
    input: () => ({ body: { id: 'new-cal', timeZone: 'UTC', weekly } }),
    otherWorkspace: 'allowed',
  },
  replaceCalendar: {
    input: () => ({ params: { id: 'cal-acme' }, body: { id: 'cal-acme', timeZone: 'Asia/Tokyo', weekly } }),
    otherWorkspace: 'not_found',
  },
  deleteCalendar: { input: () => ({ params: { id: 'cal-acme' } }), otherWorkspace: 'not_found' },
  listEscalationRules: { input: () => ({}), otherWorkspace: 'allowed' },
  createEscalationRule: {
    input: () => ({
      body: { id: 'new-esc', name: 'N', trigger: { on: 'priority', priorities: ['urgent'] }, reason: 'u' },
    }),
    otherWorkspace: 'allowed',
  },
  replaceEscalationRule: {
    input: () => ({
      params: { id: 'esc-acme' },
      body: {
        id: 'esc-acme',
        name: 'Hijacked',
        trigger: { on: 'priority', priorities: ['low'] },
        reason: 'h',
      },
    }),
    otherWorkspace: 'not_found',
  },
  deleteEscalationRule: { input: () => ({ params: { id: 'esc-acme' } }), otherWorkspace: 'not_found' },
  listRoutingRules: { input: () => ({}), otherWorkspace: 'allowed' },
  createRoutingRule: {
    input: () => ({ body: { id: 'new-route', tier: 2, strategy: 'round_robin' } }),
    otherWorkspace: 'allowed',
  },
  replaceRoutingRule: {
    input: () => ({
      params: { id: 'route-acme' },
      body: { id: 'route-acme', tier: 1, strategy: 'least_loaded' },
    }),
    otherWorkspace: 'not_found',
  },
  deleteRoutingRule: { input: () => ({ params: { id: 'route-acme' } }), otherWorkspace: 'not_found' },
  metrics: { input: () => ({ query: {} }), otherWorkspace: 'allowed' },
  agentStream: 'stream',
  timeline: { input: (f) => ({ params: { ticketId: f.ticketA }, query: {} }), otherWorkspace: 'not_found' },
};

/**
 * The routes the server answers outside the contract (registered in `createTierdesk`). Each is checked
 * below by its own test; `/v1/openapi.json` is public and carries no workspace data.
 */
const SERVER_ROUTES = [
  'POST /v1/visitors',
  'GET /v1/tickets/:ticketId/attachments/:attachmentId',
  'GET /v1/agent/tickets/:ticketId/attachments/:attachmentId',
  'GET /v1/email/unsubscribe',
  'POST /v1/email/unsubscribe',
  'POST /v1/email/inbound',
  'POST /v1/email/inbound/postmark',
  'POST /v1/email/inbound/sendgrid',
  'GET /v1/openapi.json',
  'GET /v1/metrics',
] as const;

const CONTRACT = routes as Readonly<Record<RouteName, RouteDef>>;
const NAMES = Object.keys(routes) as RouteName[];
const NODE_SRC = join(import.meta.dirname, '../../packages/node/src');

/** Every `/v1…` path literal in the server's source (tests and adapter fixtures excluded). */
function serverPathLiterals(): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'testing') walk(path);
        continue;
      }
      if (!/\.ts$/.test(entry.name) || /\.test(-support)?\.ts$/.test(entry.name)) continue;
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const code = line.trim();
        if (code.startsWith('*') || code.startsWith('//') || code.startsWith('/*')) continue;
        for (const match of code.matchAll(/`(\/v1[^`]*)`|'(\/v1[^']*)'|"(\/v1[^"]*)"/g)) {
          found.add(`${relative(NODE_SRC, path)}: ${match[1] ?? match[2] ?? match[3]}`);
        }
      }
    }
  };
  walk(NODE_SRC);
  return [...found].sort();
}

// The literals the server's source holds today, each mapped to the matrix rows that cover it.
const KNOWN_LITERALS: Record<string, readonly string[]> = {
  'tierdesk.ts: /v1/visitors': ['POST /v1/visitors'],
  "tierdesk.ts: /v1${kind === 'agent' ? '/agent' : ''}/tickets/:ticketId/attachments/:attachmentId": [
    'GET /v1/tickets/:ticketId/attachments/:attachmentId',
    'GET /v1/agent/tickets/:ticketId/attachments/:attachmentId',
  ],
  'handler.ts: /v1/openapi.json': ['GET /v1/openapi.json'],
  // An alias answered as the contract's `metrics` route.
  'handler.ts: /v1/metrics': ['GET /v1/metrics'],
  'handler.ts: /v1/agent/metrics': [],
  // The namespace prefix the Express adapter keeps 404s for; no route of its own.
  'adapters/express.ts: /v1': [],
  'email/unsubscribe.ts: /v1/email/unsubscribe': ['GET /v1/email/unsubscribe', 'POST /v1/email/unsubscribe'],
  'email/inbound.ts: /v1/email/inbound': ['POST /v1/email/inbound'],
  'email/inbound.ts: /v1/email/inbound/postmark': ['POST /v1/email/inbound/postmark'],
  'email/inbound.ts: /v1/email/inbound/sendgrid': ['POST /v1/email/inbound/sendgrid'],
};

describe('[reliability 09] the matrix covers every route', () => {
  it('has a row for every route of the contract (streams included), and only for those', () => {
    expect(NAMES.filter((n) => !(n in CONTRACT_MATRIX))).toEqual([]);
    expect(Object.keys(CONTRACT_MATRIX).filter((n) => !(n in routes))).toEqual([]);
    for (const name of NAMES) {
      const entry = CONTRACT_MATRIX[name];
      const route = CONTRACT[name];
      expect(entry === 'stream', `${name}: streams are marked 'stream'`).toBe(route.stream === true);
      if (entry !== 'stream' && route.path.includes(':ticketId')) {
        expect(entry.otherWorkspace, name).toBe('not_found');
        if (route.scope === 'user') expect(entry.sameWorkspace, name).toBe('not_found');
      }
      // Every input is one the contract accepts, so a 404 is the ownership check, not validation.
      if (entry === 'stream') continue;
      const input = entry.input({
        ticketA: 'tkt_a',
        ticketA2: 'tkt_b',
        articleId: 'art_a',
        attachmentId: 'att_a',
      });
      for (const part of ['params', 'query', 'body'] as const) {
        const schema = route[part];
        if (schema === undefined) continue;
        const result = schema.safeParse(input[part] ?? (part === 'query' ? {} : undefined));
        expect(result.success, `${name}.${part}`).toBe(true);
      }
    }
  });

  it('knows every /v1 path the server source registers (a new server-only route fails here)', () => {
    const literals = serverPathLiterals();
    expect(
      literals.filter((l) => !(l in KNOWN_LITERALS)),
      'add a row to SERVER_ROUTES and a check',
    ).toEqual([]);
    const covered = new Set(Object.values(KNOWN_LITERALS).flat());
    expect([...covered].sort()).toEqual([...SERVER_ROUTES].sort());
    // Contract paths live in the core package; server paths must not shadow them.
    const contractKeys = new Set(NAMES.map((n) => `${CONTRACT[n].method} ${CONTRACT[n].path}`));
    for (const route of SERVER_ROUTES) expect(contractKeys.has(route), route).toBe(false);
  });
});

describe('[reliability 09] authorization matrix over every route and stream [pglite]', () => {
  let db: SqlDatabase;
  let server: TestServer;
  let fixture: Fixture;
  let tokens: Record<'a' | 'b' | 'visitor' | 'globexUser' | 'acmeAgent' | 'globexAgent', string>;
  const figures = { cells: 0, s401: 0, s403: 0, s404: 0, s400: 0, allowedOwnData: 0, leaks: 0 };

  interface Answer {
    status: number;
    text: string;
    code: string | undefined;
  }

  async function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Answer> {
    const controller = new AbortController();
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: controller.signal,
    });
    if (response.headers.get('content-type')?.includes('text/event-stream')) {
      controller.abort();
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

  function call(name: RouteName, input: CallInput, headers: Record<string, string>): Promise<Answer> {
    const route = CONTRACT[name];
    const query = new URLSearchParams(input.query ?? {}).toString();
    const path = `${buildPath(route.path, input.params)}${query === '' ? '' : `?${query}`}`;
    return route.body === undefined
      ? send(route.method, path, headers)
      : send(
          route.method,
          path,
          { ...headers, 'content-type': 'application/json' },
          JSON.stringify(input.body),
        );
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const acmeSecrets = () => [
    fixture.ticketA,
    fixture.ticketA2,
    SUBJECT_A,
    BODY_A,
    NOTE_A,
    ARTICLE_TITLE,
    ATTACHMENT_BYTES,
    fixture.attachmentId,
  ];
  const privateOfA = () => [fixture.ticketA, fixture.ticketA2, SUBJECT_A, BODY_A, NOTE_A, ATTACHMENT_BYTES];

  /** Records one cell of the matrix and checks its status and that it leaks nothing. */
  function cell(what: string, answer: Answer, expected: number | 'ok', forbidden: string[]): void {
    figures.cells += 1;
    if (expected === 'ok') {
      expect(answer.status, `${what}: ${answer.text}`).toBeGreaterThanOrEqual(200);
      expect(answer.status, `${what}: ${answer.text}`).toBeLessThan(300);
      figures.allowedOwnData += 1;
    } else {
      expect(answer.status, `${what}: ${answer.text}`).toBe(expected);
      expect(answer.text, `${what} answered by a route, not the router`).not.toMatch(/No route for/);
      if (expected === 401) figures.s401 += 1;
      if (expected === 403) figures.s403 += 1;
      if (expected === 404) figures.s404 += 1;
      if (expected === 400) figures.s400 += 1;
    }
    for (const secret of forbidden) {
      if (answer.text.includes(secret)) figures.leaks += 1;
      expect(answer.text, `${what} leaks ${secret}`).not.toContain(secret);
    }
  }

  /** A checksum of everything of user A and of workspace acme an outsider must not change. */
  async function protectedState(): Promise<string> {
    const parts = await Promise.all([
      db.query(
        `SELECT id, version, data FROM tickets WHERE workspace_id = 'acme' AND requester_id = 'u-ada' ORDER BY id`,
      ),
      db.query(
        `SELECT ticket_id, seq, type FROM ticket_events WHERE workspace_id = 'acme' AND requester_id = 'u-ada' ORDER BY ticket_id, seq`,
      ),
      db.query(`SELECT kind, id, data FROM policies WHERE workspace_id = 'acme' ORDER BY kind, id`),
      db.query(`SELECT id, title, body, published FROM articles WHERE workspace_id = 'acme' ORDER BY id`),
      db.query(`SELECT id, ticket_id, sha256 FROM ticket_attachments ORDER BY id`),
      db
        .query(`SELECT workspace_id, requester_id FROM email_opt_outs ORDER BY 1, 2`)
        .catch(() => ({ rows: [] })),
    ]);
    return createHash('sha256')
      .update(JSON.stringify(parts.map((p) => p.rows)))
      .digest('hex');
  }

  beforeAll(async () => {
    db = await createPgliteDatabase();
    await migrate(db);
    server = await startTestServer(db, {
      assistant: false,
      email: {
        from: 'Acme Support <support@acme.example>',
        replyDomain: REPLY_DOMAIN,
        tokenSecret: TOKEN_SECRET,
        transport: { send: async () => ({ messageId: 'test' }) },
        appUrl: 'https://app.acme.example/support/{ticketId}',
        publicUrl: 'https://support-api.acme.example',
      },
      inboundEmail: { secret: INBOUND_SECRET, replyDomain: REPLY_DOMAIN, workspaceId: 'acme' },
    });
    const ada = server.userClient('u-ada', 'acme', { name: 'Ada', email: 'ada@example.com' });
    const a = await ada.createTicket({ body: { subject: SUBJECT_A, body: BODY_A } });
    const a2 = await ada.createTicket({ body: { subject: `${SUBJECT_A}-2`, body: 'second' } });
    await server.userClient('u-bob').createTicket({ body: { subject: 'B-FIRST-r9', body: 'b' } });
    const lee = await server.agentClient('agent-l1');
    await lee.addNote({ params: { ticketId: a.id }, body: { body: NOTE_A } });
    const article = await lee.createArticle({
      body: { title: ARTICLE_TITLE, body: 'Only for acme.', published: true },
    });
    for (const [path, body] of [
      [
        '/v1/agent/sla-policies',
        { id: 'sla-standard-acme', name: 'Acme', targets: { resolution: { minutes: 60 } } },
      ],
      ['/v1/agent/calendars', { id: 'cal-acme', timeZone: 'Europe/Berlin', weekly }],
      [
        '/v1/agent/escalation-rules',
        { id: 'esc-acme', name: 'A', trigger: { on: 'reopen_count', atLeast: 5 }, reason: 'r' },
      ],
      ['/v1/agent/routing-rules', { id: 'route-acme', tier: 3, strategy: 'round_robin' }],
    ] as const) {
      const res = await send(
        'POST',
        path as string,
        { ...bearer(await server.apiKeyFor('agent-l1')), 'content-type': 'application/json' },
        JSON.stringify(body),
      );
      expect(res.status, res.text).toBe(201);
    }
    // A file the server keeps for A's ticket (as inbound mail stores them).
    await db.query(
      `INSERT INTO ticket_attachments (workspace_id, id, ticket_id, name, content_type, size, sha256, content)
       VALUES ('acme', 'att_r9matrix', $1, 'log.txt', 'text/plain', $2, $3, $4)`,
      [
        a.id,
        ATTACHMENT_BYTES.length,
        createHash('sha256').update(ATTACHMENT_BYTES).digest('hex'),
        Buffer.from(ATTACHMENT_BYTES),
      ],
    );
    fixture = { ticketA: a.id, ticketA2: a2.id, articleId: article.id, attachmentId: 'att_r9matrix' };
    const visitor = await send('POST', '/v1/visitors?workspace=acme', {});
    expect(visitor.status).toBe(201);
    tokens = {
      a: await server.tokenFor('u-ada'),
      b: await server.tokenFor('u-bob'),
      visitor: (JSON.parse(visitor.text) as { token: string }).token,
      globexUser: await server.tokenFor('u-ada', 'globex'),
      acmeAgent: await server.apiKeyFor('agent-l1'),
      globexAgent: await server.apiKeyFor('agent-g', 'globex'),
    };
  }, 60_000);

  afterAll(async () => {
    console.log(
      `[reliability 09] cells=${figures.cells} 401=${figures.s401} 403=${figures.s403} 404=${figures.s404} 400=${figures.s400} own-data-2xx=${figures.allowedOwnData} leaks=${figures.leaks} routes=${NAMES.length} contract + ${SERVER_ROUTES.length} server-only`,
    );
    await server?.close();
    await db?.close();
  });

  it('end-user routes: no token 401, agents 403, user B / a visitor / a globex user 404 for A’s data; nothing changed', async () => {
    const before = await protectedState();
    expect(
      (await call('getMyTicket', { params: { ticketId: fixture.ticketA } }, bearer(tokens.a))).status,
    ).toBe(200);
    for (const name of NAMES) {
      const route = CONTRACT[name];
      if (route.scope !== 'user') continue;
      const entry = CONTRACT_MATRIX[name];
      const input = entry === 'stream' ? {} : entry.input(fixture);
      cell(`${name} without a token`, await call(name, input, {}), 401, acmeSecrets());
      cell(`${name} as an acme agent`, await call(name, input, bearer(tokens.acmeAgent)), 403, []);
      cell(
        `${name} as a globex agent`,
        await call(name, input, bearer(tokens.globexAgent)),
        403,
        acmeSecrets(),
      );
      if (entry === 'stream') continue;
      const same = entry.sameWorkspace === 'not_found' ? 404 : 'ok';
      cell(`${name} as user B`, await call(name, input, bearer(tokens.b)), same, privateOfA());
      cell(
        `${name} as an anonymous visitor`,
        await call(name, input, bearer(tokens.visitor)),
        route.anonymous === true ? same : 403,
        privateOfA(),
      );
      cell(
        `${name} as a globex user with A's user id`,
        await call(name, input, bearer(tokens.globexUser)),
        entry.otherWorkspace === 'not_found' ? 404 : 'ok',
        acmeSecrets(),
      );
    }
    expect(await protectedState()).toBe(before);
  });

  it('agent routes: no token 401, end users and visitors 403, a globex agent 404 for acme data; nothing changed', async () => {
    const before = await protectedState();
    for (const name of NAMES) {
      const route = CONTRACT[name];
      if (route.scope !== 'agent') continue;
      const entry = CONTRACT_MATRIX[name];
      const input = entry === 'stream' ? {} : entry.input(fixture);
      cell(`${name} without a token`, await call(name, input, {}), 401, acmeSecrets());
      cell(`${name} as the requester A`, await call(name, input, bearer(tokens.a)), 403, acmeSecrets());
      cell(`${name} as a visitor`, await call(name, input, bearer(tokens.visitor)), 403, acmeSecrets());
      cell(
        `${name} as a globex user`,
        await call(name, input, bearer(tokens.globexUser)),
        403,
        acmeSecrets(),
      );
      if (entry === 'stream') continue;
      cell(
        `${name} as a globex agent`,
        await call(name, input, bearer(tokens.globexAgent)),
        entry.otherWorkspace === 'not_found' ? 404 : 'ok',
        acmeSecrets(),
      );
    }
    expect(await protectedState()).toBe(before);
  });

  it('GET /v1/metrics (alias of the metrics route): agents only, each of its own workspace', async () => {
    const before = await protectedState();
    const get = (headers: Record<string, string>) => send('GET', '/v1/metrics', headers);
    cell('/v1/metrics without a token', await get({}), 401, acmeSecrets());
    cell('/v1/metrics as the requester A', await get(bearer(tokens.a)), 403, acmeSecrets());
    cell('/v1/metrics as a visitor', await get(bearer(tokens.visitor)), 403, acmeSecrets());
    cell('/v1/metrics as a globex user', await get(bearer(tokens.globexUser)), 403, acmeSecrets());
    const globex = await get(bearer(tokens.globexAgent));
    cell('/v1/metrics as a globex agent', globex, 'ok', acmeSecrets());
    const acme = await get(bearer(tokens.acmeAgent));
    cell('/v1/metrics as an acme agent', acme, 'ok', []);
    // The same report as the contract's route, for each agent's own workspace.
    const backlog = (text: string) =>
      (JSON.parse(text) as { backlog: { total: number }[] }).backlog.reduce((n, b) => n + b.total, 0);
    for (const [answer, token] of [
      [acme, tokens.acmeAgent],
      [globex, tokens.globexAgent],
    ] as const) {
      const contract = await call('metrics', { query: {} }, bearer(token));
      expect(backlog(answer.text)).toBe(backlog(contract.text));
    }
    expect(backlog(acme.text)).toBeGreaterThanOrEqual(3);
    expect(await protectedState()).toBe(before);
  });

  it("streams replayed from the start carry none of A's events to B, a visitor, a globex user or agent", async () => {
    const open = async (path: string, token: string) => {
      const controller = new AbortController();
      const response = await fetch(`${server.baseUrl}${path}`, {
        headers: { ...bearer(token), 'last-event-id': '0-0' },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      return collectSse(response, controller, (m) => ({
        type: (JSON.parse(m.data) as { type: string }).type,
        raw: m.data,
      }));
    };
    const streams = {
      a: await open('/v1/stream', tokens.a),
      b: await open('/v1/stream', tokens.b),
      visitor: await open('/v1/stream', tokens.visitor),
      globexUser: await open('/v1/stream', tokens.globexUser),
      globexAgent: await open('/v1/agent/stream', tokens.globexAgent),
    };
    try {
      for (const [who, s] of Object.entries(streams)) {
        await waitUntil(() => s.events.some((e) => e.type === 'stream.ready'), `stream.ready for ${who}`);
      }
      const lee = await server.agentClient('agent-l1');
      await lee.replyAsAgent({ params: { ticketId: fixture.ticketA }, body: { body: 'LIVE-REPLY-TO-A-r9' } });
      await waitUntil(
        () => streams.a.events.some((e) => e.raw.includes('LIVE-REPLY-TO-A-r9')),
        'the live reply on A’s stream',
      );
      expect(streams.a.events.map((e) => e.raw).join('\n')).toContain(BODY_A);
      // B's own ticket arrives after A's reply in the feed: once B sees it, A's would have arrived too.
      await server.userClient('u-bob').createTicket({ body: { subject: 'B-OWN-r9', body: 'b' } });
      await waitUntil(
        () => streams.b.events.some((e) => e.raw.includes('B-OWN-r9')),
        "B's own ticket on B's stream",
      );
      for (const who of ['b', 'visitor', 'globexUser', 'globexAgent'] as const) {
        const text = streams[who].events.map((e) => e.raw).join('\n');
        figures.cells += 1;
        for (const secret of [...privateOfA(), 'LIVE-REPLY-TO-A-r9']) {
          if (text.includes(secret)) figures.leaks += 1;
          expect(text, `${who}'s stream leaks ${secret}`).not.toContain(secret);
        }
      }
    } finally {
      for (const s of Object.values(streams)) s.close();
    }
  });

  it('attachment downloads: only the requester and acme agents get the bytes; others 401/403/404', async () => {
    const before = await protectedState();
    const userPath = `/v1/tickets/${fixture.ticketA}/attachments/${fixture.attachmentId}`;
    const agentPath = `/v1/agent/tickets/${fixture.ticketA}/attachments/${fixture.attachmentId}`;
    // Positive controls.
    expect((await send('GET', userPath, bearer(tokens.a))).text).toBe(ATTACHMENT_BYTES);
    expect((await send('GET', agentPath, bearer(tokens.acmeAgent))).text).toBe(ATTACHMENT_BYTES);
    const forbidden = [ATTACHMENT_BYTES];
    cell('user download without a token', await send('GET', userPath, {}), 401, forbidden);
    cell('user download as user B', await send('GET', userPath, bearer(tokens.b)), 404, forbidden);
    cell('user download as a visitor', await send('GET', userPath, bearer(tokens.visitor)), 404, forbidden);
    cell(
      'user download as a globex user',
      await send('GET', userPath, bearer(tokens.globexUser)),
      404,
      forbidden,
    );
    cell(
      'user download as an acme agent',
      await send('GET', userPath, bearer(tokens.acmeAgent)),
      403,
      forbidden,
    );
    cell(
      'user download via ?access_token=',
      await send('GET', `${userPath}?access_token=${tokens.a}`, {}),
      401,
      forbidden,
    );
    // A's own attachment id under B's ticket: the id alone opens nothing.
    const bTicket = await server.userClient('u-bob').createTicket({ body: { subject: 'B', body: 'b' } });
    cell(
      "A's attachment id under B's own ticket, as B",
      await send('GET', `/v1/tickets/${bTicket.id}/attachments/${fixture.attachmentId}`, bearer(tokens.b)),
      404,
      forbidden,
    );
    cell('agent download without a token', await send('GET', agentPath, {}), 401, forbidden);
    cell('agent download as the requester', await send('GET', agentPath, bearer(tokens.a)), 403, forbidden);
    cell('agent download as a visitor', await send('GET', agentPath, bearer(tokens.visitor)), 403, forbidden);
    cell(
      'agent download as a globex agent',
      await send('GET', agentPath, bearer(tokens.globexAgent)),
      404,
      forbidden,
    );
    expect(await protectedState()).toBe(before);
  });

  it('visitor tokens: only for configured workspaces, scoped to the visitor’s own tickets', async () => {
    cell(
      'visitor token for an unknown workspace',
      await send('POST', '/v1/visitors?workspace=initech', {}),
      404,
      [],
    );
    cell('visitor token without a workspace', await send('POST', '/v1/visitors', {}), 404, []);
    // Another visitor's ticket is as closed to a visitor as A's.
    const other = await send('POST', '/v1/visitors?workspace=acme', {});
    const otherToken = (JSON.parse(other.text) as { token: string }).token;
    const created = await send(
      'POST',
      '/v1/tickets',
      { ...bearer(otherToken), 'content-type': 'application/json' },
      JSON.stringify({ subject: 'VISITOR-2-PRIVATE', body: 'v2' }),
    );
    expect(created.status, created.text).toBe(201);
    const id = (JSON.parse(created.text) as { id: string }).id;
    cell(
      "a visitor reading another visitor's ticket",
      await send('GET', `/v1/tickets/${id}`, bearer(tokens.visitor)),
      404,
      ['VISITOR-2-PRIVATE'],
    );
    cell("user B reading a visitor's ticket", await send('GET', `/v1/tickets/${id}`, bearer(tokens.b)), 404, [
      'VISITOR-2-PRIVATE',
    ]);
    cell(
      "a globex agent reading an acme visitor's ticket",
      await send('GET', `/v1/agent/tickets/${id}`, bearer(tokens.globexAgent)),
      404,
      ['VISITOR-2-PRIVATE'],
    );
  });

  it('email unsubscribe: a link forged for A, or signed for another workspace, changes nothing', async () => {
    const before = await protectedState();
    const forged = createUnsubscribeToken(
      { workspaceId: 'acme', requesterId: 'u-ada' },
      'not-the-secret-0123456789-abcdefghijkl',
    );
    const enc = encodeURIComponent(forged);
    cell(
      'unsubscribe GET with a forged token',
      await send('GET', `/v1/email/unsubscribe?token=${enc}`, {}),
      400,
      [],
    );
    cell(
      'unsubscribe POST with a forged token',
      await send(
        'POST',
        `/v1/email/unsubscribe?token=${enc}`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        'List-Unsubscribe=One-Click',
      ),
      400,
      [],
    );
    // Tampered: a genuine link of B with A's id pasted into the payload.
    const genuineB = createUnsubscribeToken({ workspaceId: 'acme', requesterId: 'u-bob' }, TOKEN_SECRET);
    const payloadA = Buffer.from(JSON.stringify(['acme', 'u-ada'])).toString('base64url');
    const tampered = `${payloadA}.${genuineB.split('.')[1]}`;
    cell(
      "unsubscribe POST with B's signature on A's claims",
      await send(
        'POST',
        `/v1/email/unsubscribe?token=${encodeURIComponent(tampered)}`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        'List-Unsubscribe=One-Click',
      ),
      400,
      [],
    );
    expect(await protectedState()).toBe(before);
    // Positive control: the genuine link shows its form.
    expect(
      (await send('GET', `/v1/email/unsubscribe?token=${encodeURIComponent(genuineB)}`, {})).status,
    ).toBe(200);
  });

  it('inbound email: no or wrong secret 401; a reply to A’s thread from B or with a foreign token 403; nothing stored', async () => {
    const before = await protectedState();
    const goodToken = await issueReplyToken(
      db,
      { workspaceId: 'acme', ticketId: fixture.ticketA, requesterId: 'u-ada' },
      TOKEN_SECRET,
    );
    const foreignToken = await issueReplyToken(
      db,
      { workspaceId: 'acme', ticketId: fixture.ticketA, requesterId: 'u-ada' },
      'another-servers-secret-0123456789-abcdefgh',
    );
    const mail = (token: string, from: string, n: number) =>
      JSON.stringify({
        from,
        to: [`reply+${token}@${REPLY_DOMAIN}`],
        subject: 'Re: yours',
        text: `INBOUND-HIJACK-r9-${n}`,
        messageId: `<r9-${n}-${Date.now()}@mail.example>`,
      });
    const auth = { authorization: `Bearer ${INBOUND_SECRET}`, 'content-type': 'application/json' };
    let n = 0;
    for (const path of ['/v1/email/inbound', '/v1/email/inbound/postmark', '/v1/email/inbound/sendgrid']) {
      cell(
        `${path} without the secret`,
        await send(
          'POST',
          path,
          { 'content-type': 'application/json' },
          mail(goodToken, 'bob@example.com', n++),
        ),
        401,
        [],
      );
      cell(
        `${path} with a wrong secret`,
        await send(
          'POST',
          path,
          { authorization: 'Bearer wrong-secret-0123456789abcdef', 'content-type': 'application/json' },
          mail(goodToken, 'bob@example.com', n++),
        ),
        401,
        [],
      );
      cell(
        `${path} with an acme agent's API key`,
        await send('POST', path, { ...bearer(tokens.acmeAgent), 'content-type': 'application/json' }, '{}'),
        401,
        [],
      );
    }
    const fromB = await send(
      'POST',
      '/v1/email/inbound',
      auth,
      mail(goodToken, 'Bob <bob@example.com>', n++),
    );
    cell("a reply into A's thread from B's address", fromB, 403, privateOfA());
    expect(fromB.text).toContain('sender_mismatch');
    const foreign = await send(
      'POST',
      '/v1/email/inbound',
      auth,
      mail(foreignToken, 'Ada <ada@example.com>', n++),
    );
    cell('a reply with a token signed by another secret', foreign, 403, privateOfA());
    expect(foreign.text).toContain('token_invalid');
    const { rows } = await db.query(
      `SELECT 1 FROM ticket_events WHERE event::text LIKE '%INBOUND-HIJACK-r9%'`,
    );
    expect(rows).toEqual([]);
    expect(await protectedState()).toBe(before);
    // Positive control: A's own reply from A's address lands on A's ticket.
    const own = await send('POST', '/v1/email/inbound', auth, mail(goodToken, 'Ada <ada@example.com>', n++));
    expect(own.status, own.text).toBe(200);
  });
});
