// Suite "Growth": do reads stay fast as a desk grows? Latency of the read routes at 10 k, 100 k and
// 1 M tickets (and 100, 1 000, 10 000 articles): keyset-paginated lists should stay flat, indexed
// lookups grow at most logarithmically.
import { randomBytes } from 'node:crypto';
import { signIdentityToken } from '@tierdesk/node';
import { inBatches, type RunSql } from '../lib/clone-tickets';
import { createOwnDatabase, DATABASE_URL, type OwnDatabase } from '../lib/databases';
import { type LoadRequest, sequentialLatency } from '../lib/load';
import { type BenchServer, startServer } from '../lib/processes';
import { type SuiteContext, type SuiteReport, table } from '../lib/report';
import { api, parallel, seedArticles, ticketText } from '../lib/seed';
import { createRandom, fmt } from '../lib/stats';
import { AGENT, benchServerOptions, benchWorkspace, userTokens, WORKSPACE } from '../lib/workspace';

type Engine = 'postgres' | 'pglite';
const TEMPLATES = 200;
const HEAVY = 'heavy-requester';
const DEEP_PAGES = 40;
const ROUTES = [
  'list own tickets, first page',
  'list own tickets, deep page (heavy requester)',
  'agent queue, first page',
  'agent queue, status=open & tier=2',
  'agent queue, deep page',
  'get ticket by id (agent)',
  'article search, one word',
  'article search, two words',
] as const;
type Route = (typeof ROUTES)[number];
const FLAT: readonly Route[] = [ROUTES[0], ROUTES[1], ROUTES[2], ROUTES[3], ROUTES[4]];

interface Step {
  tickets: number;
  articles: number;
  seedS: number;
  latency: Record<Route, { p50Ms: number; p99Ms: number }>;
}

/** Adds tickets `from`…`to`-1 as copies of the templates, spread over requesters, statuses, tiers and time. */
async function addTickets(
  sql: RunSql,
  templates: readonly string[],
  from: number,
  to: number,
): Promise<void> {
  await inBatches(from, to, 50_000, async (start, end) => {
    // ~10 tickets per requester at every size; every 10th ticket belongs to the heavy requester (an
    // integration account, say), whose list is deep enough to page through at every size.
    await sql(
      `WITH tpl AS (SELECT t.*, (array_position($1::text[], t.id) - 1) AS k FROM tickets t WHERE t.id = ANY($1::text[])),
            g AS (SELECT n,
                         CASE WHEN n % 10 = 0 THEN '${HEAVY}' ELSE 'user-' || (n % GREATEST(1, $4::bigint / 10)) END AS requester,
                         (ARRAY['new', 'open', 'pending', 'solved', 'closed'])[1 + n % 5] AS status,
                         1 + (n % 3) AS tier,
                         now() - make_interval(secs => n * 7) AS at
                    FROM generate_series($2::bigint, $3::bigint) AS n)
       INSERT INTO tickets (id, workspace_id, number, requester_id, status, tier, priority, assignee_id,
                            sla_state, data, snapshot, version, created_at, updated_at)
       SELECT 'tkg_' || g.n, tpl.workspace_id, 10000000 + g.n, g.requester, g.status, g.tier, tpl.priority, tpl.assignee_id,
              tpl.sla_state,
              jsonb_set(
                replace(tpl.data::text, tpl.id, 'tkg_' || g.n)::jsonb || jsonb_build_object(
                  'number', 10000000 + g.n, 'status', g.status, 'tier', g.tier,
                  'createdAt', to_char(g.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                '{requester,id}', to_jsonb(g.requester)),
              replace(tpl.snapshot::text, tpl.id, 'tkg_' || g.n)::jsonb, tpl.version, g.at, g.at
         FROM g JOIN tpl ON tpl.k = g.n % array_length($1::text[], 1)`,
      [templates, start, end, to],
    );
  });
  await sql('ANALYZE tickets');
}

/**
 * Adds articles `from`…`to`-1 as copies of the API-written ones: the first half of one's paragraphs and
 * the second half of another's, so texts differ while lengths stay those of the written articles (search
 * highlights cost by text length, and the steps must differ only in how many articles there are).
 */
async function addArticles(sql: RunSql, from: number, to: number): Promise<void> {
  await sql(
    `WITH src AS (SELECT a.*, string_to_array(a.body, E'\\n\\n') AS paras, row_number() OVER (ORDER BY id) - 1 AS k,
                         count(*) OVER () AS total FROM articles a WHERE id NOT LIKE 'artg_%'),
          g AS (SELECT n FROM generate_series($1::bigint, $2::bigint) AS n)
     INSERT INTO articles (id, workspace_id, title, body, tags, locale, published, created_at, updated_at, body_nodes)
     SELECT 'artg_' || g.n, a.workspace_id, a.title || ' (' || g.n || ')',
            array_to_string(a.paras[:(cardinality(a.paras) + 1) / 2] || b.paras[(cardinality(b.paras) + 1) / 2 + 1:], E'\\n\\n'),
            a.tags, a.locale, true, now(), now(), a.body_nodes
       FROM g JOIN src a ON a.k = g.n % a.total JOIN src b ON b.k = (g.n * 7 + 3) % b.total`,
    [from, to - 1],
  );
  await sql('ANALYZE articles');
}

async function runEngine(engine: Engine, steps: readonly number[], ctx: SuiteContext): Promise<Step[]> {
  let own: OwnDatabase | undefined;
  let server: BenchServer | undefined;
  try {
    const secret = randomBytes(32).toString('base64url');
    let store: Parameters<typeof benchServerOptions>[0] = { kind: 'pglite' };
    if (engine === 'postgres') {
      own = await createOwnDatabase(DATABASE_URL as string, 'td_bench_growth');
      store = { kind: 'postgres', connectionString: own.url, max: 10 };
    }
    server = await startServer({
      mode: 'tierdesk',
      options: benchServerOptions(store, [benchWorkspace(secret)]),
    });
    const s = server;
    const sql: RunSql = async <T>(text: string, params: unknown[] = []) =>
      (await s.control<{ rows: T[] }>('/sql', { sql: text, params })).rows;
    const { key } = await s.control<{ key: string }>('/api-key', { workspaceId: WORKSPACE, agentId: AGENT });
    const tokens = await userTokens(secret, 100);
    const heavy = await signIdentityToken({ userId: HEAVY, workspaceId: WORKSPACE }, secret, {
      expiresInSeconds: 7200,
    });
    const templates: string[] = [];
    await parallel(TEMPLATES, 10, async (i) => {
      const t = await api<{ id: string }>(
        s.url,
        'POST',
        '/v1/tickets',
        tokens[i % tokens.length] as string,
        ticketText(i),
      );
      templates.push(t.id);
    });
    await seedArticles(s.url, key, 100);
    const random = createRandom(99);
    const results: Step[] = [];
    let tickets = TEMPLATES;
    let articles = 100;
    for (const target of steps) {
      const seedStarted = performance.now();
      const articleTarget = Math.max(100, Math.round(target / 100));
      await addTickets(sql, templates, tickets, target);
      const ticketsSeedS = (performance.now() - seedStarted) / 1000;
      if (articleTarget > articles) await addArticles(sql, articles, articleTarget);
      tickets = target;
      articles = articleTarget;
      const seedS = (performance.now() - seedStarted) / 1000;
      // Cursors 50 pages deep, found by walking the pages as a client would.
      const walk = async (path: string, token: string): Promise<string> => {
        let cursor = '';
        for (let p = 0; p < (ctx.quick ? 5 : DEEP_PAGES); p++) {
          const page = await api<{ nextCursor: string | null }>(
            s.url,
            'GET',
            `${path}${cursor === '' ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
            token,
          );
          if (page.nextCursor === null) throw new Error(`${path} ended after ${p + 1} pages`);
          cursor = page.nextCursor;
        }
        return cursor;
      };
      const heavyCursor = await walk('/v1/tickets?limit=20', heavy);
      const queueCursor = await walk('/v1/agent/tickets?limit=25', key);
      const ids = (await sql<{ id: string }>('SELECT id FROM tickets ORDER BY random() LIMIT 200')).map(
        (r) => r.id,
      );
      const words = ['password', 'invoice', 'export', 'webhook', 'login', 'sync', 'report', 'upload'];
      const auth = (token: string) => ({ authorization: `Bearer ${token}` });
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
      const requests: Record<Route, () => LoadRequest> = {
        [ROUTES[0]]: () => ({ method: 'GET', path: '/v1/tickets?limit=20', headers: auth(pick(tokens)) }),
        [ROUTES[1]]: () => ({
          method: 'GET',
          path: `/v1/tickets?limit=20&cursor=${encodeURIComponent(heavyCursor)}`,
          headers: auth(heavy),
        }),
        [ROUTES[2]]: () => ({ method: 'GET', path: '/v1/agent/tickets?limit=25', headers: auth(key) }),
        [ROUTES[3]]: () => ({
          method: 'GET',
          path: '/v1/agent/tickets?status=open&tier=2&limit=25',
          headers: auth(key),
        }),
        [ROUTES[4]]: () => ({
          method: 'GET',
          path: `/v1/agent/tickets?limit=25&cursor=${encodeURIComponent(queueCursor)}`,
          headers: auth(key),
        }),
        [ROUTES[5]]: () => ({ method: 'GET', path: `/v1/agent/tickets/${pick(ids)}`, headers: auth(key) }),
        [ROUTES[6]]: () => ({
          method: 'GET',
          path: `/v1/articles/search?q=${pick(words)}`,
          headers: auth(pick(tokens)),
        }),
        [ROUTES[7]]: () => ({
          method: 'GET',
          path: `/v1/articles/search?q=${pick(words)}+${pick(words)}`,
          headers: auth(pick(tokens)),
        }),
      } as Record<Route, () => LoadRequest>;
      const latency = {} as Step['latency'];
      for (const route of ROUTES) {
        const r = await sequentialLatency(s.url, requests[route], ctx.quick ? 40 : 150);
        latency[route] = { p50Ms: r.p50Ms, p99Ms: r.p99Ms };
      }
      ctx.log(
        `  ${engine} ${fmt(target)} tickets / ${fmt(articleTarget)} articles (seeded in ${fmt(seedS, 1)} s, tickets ${fmt(ticketsSeedS, 1)} s): ${ROUTES.map((r) => `${latency[r].p50Ms.toFixed(1)}`).join(' / ')} ms p50`,
      );
      results.push({ tickets: target, articles: articleTarget, seedS, latency });
    }
    return results;
  } finally {
    await server?.stop();
    await own?.drop();
  }
}

/** Latency of the read routes as the desk grows, on PostgreSQL (to 1 M) and PGlite (to 100 k). */
export async function growthSuite(ctx: SuiteContext): Promise<SuiteReport> {
  const plan: { engine: Engine; steps: number[] }[] = [
    ...(DATABASE_URL === undefined
      ? []
      : [{ engine: 'postgres' as const, steps: ctx.quick ? [2_000, 20_000] : [10_000, 100_000, 1_000_000] }]),
    { engine: 'pglite', steps: ctx.quick ? [2_000] : [10_000, 100_000] },
  ];
  const met: string[] = [];
  const missed: string[] = [];
  const sections: string[] = [];
  const data: Record<string, Step[]> = {};
  for (const { engine, steps } of plan) {
    const results = await runEngine(engine, steps, ctx);
    data[engine] = results;
    const first = results[0] as Step;
    const last = results.at(-1) as Step;
    const growth = last.tickets / first.tickets;
    const rows = ROUTES.map((route) => [
      route,
      ...results.map((r) => `${fmt(r.latency[route].p50Ms, 1)} / ${fmt(r.latency[route].p99Ms, 1)}`),
      `${(last.latency[route].p50Ms / first.latency[route].p50Ms).toFixed(2)}×`,
    ]);
    sections.push(`### ${engine === 'postgres' ? 'PostgreSQL' : 'PGlite'}

${table(
  [
    'route (p50 / p99 ms, one request at a time)',
    ...results.map((r) => `${fmt(r.tickets)} tickets, ${fmt(r.articles)} articles`),
    `p50 at ${fmt(last.tickets)} vs ${fmt(first.tickets)}`,
  ],
  rows,
)}

Seeding per step: ${results.map((r) => `${fmt(r.tickets)} in ${fmt(r.seedS, 1)} s`).join(', ')}.`);
    if (results.length < 2) continue;
    for (const route of ROUTES) {
      const ratio = last.latency[route].p50Ms / first.latency[route].p50Ms;
      // Flat: within 2× from the smallest to the largest step. Logarithmic: no more than the ratio of
      // the logarithms of the sizes (log 1 M / log 10 k = 1.5), plus the same 2× allowance for noise.
      const bound = FLAT.includes(route) ? 2 : 2 * (Math.log(last.tickets) / Math.log(first.tickets));
      const kind = FLAT.includes(route) ? 'flat (≤ 2×)' : `at most logarithmic (≤ ${bound.toFixed(1)}×)`;
      (ratio <= bound ? met : missed).push(
        `${engine}: ${route} ${kind} from ${fmt(first.tickets)} to ${fmt(last.tickets)} tickets (${growth}× more) — p50 ${fmt(first.latency[route].p50Ms, 1)} → ${fmt(last.latency[route].p50Ms, 1)} ms (${ratio.toFixed(2)}×)`,
      );
    }
  }
  const markdown = `**Method.** Per engine, one server (built \`@tierdesk/node\`, child process, PostgreSQL: a database of its
own) grows in steps. ${TEMPLATES} tickets are opened through the HTTP API as templates; each step adds copies of
them in SQL (new ids replaced inside data and snapshot, ~10 tickets per requester, every 10th ticket
belonging to one heavy requester, statuses new/open/pending/solved/closed and tiers 1–3 in turn, created
7 s apart going back in time), then \`ANALYZE\`. Articles grow with the tickets (1 per 100, at least 100):
100 written through the API, the rest copies whose body is the first half of one's paragraphs and the
second half of another's, so texts differ while lengths stay those of the written ones (a copy keeps its
template's parsed-node column, which search does not read). Latency is measured one request
at a time over HTTP on a warm server (20 unreported requests first, then ${ctx.quick ? 40 : 150} per route), as p50 / p99 ms.
Deep pages are page ${DEEP_PAGES + 1} (page 6 in quick mode), requested with the cursor a client gets after walking the pages before it. Judged: keyset lists and queue
pages flat if the largest step's p50 is within 2× of the smallest's; the id lookup and full-text search at
most logarithmic (p50 ratio no more than twice log(largest)/log(smallest)). PGlite stops at 100 k: it keeps
the whole database in its WebAssembly memory, and 1 M tickets (~5 GB of rows) do not fit; PostgreSQL is the
store for desks of that size.

${sections.join('\n\n')}
`;
  return { title: 'Growth', markdown, met, missed, data };
}
