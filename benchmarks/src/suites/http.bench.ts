// Server throughput and latency over loopback: five API routes beside two ceilings measured in the same
// run, interleaved (every round measures every scenario once), medians over the rounds.
import { randomBytes } from 'node:crypto';
import { SEARCH_WORDS } from '../lib/corpus';
import type { ProfileSummary } from '../lib/cpu-profile';
import { createOwnDatabase, DATABASE_URL, type OwnDatabase } from '../lib/databases';
import { type LoadRequest, type LoadResult, runLoad } from '../lib/load';
import { type BenchServer, machineBusySeconds, processCpuSeconds, startServer } from '../lib/processes';
import { api, seedArticles, seedTickets, ticketText } from '../lib/seed';
import { createRandom, fmt, median } from '../lib/stats';
import { AGENT, benchServerOptions, benchWorkspace, userTokens, WORKSPACE } from '../lib/workspace';

export type Engine = 'pglite' | 'postgres';

/** The scenarios, in the order every round runs them. */
export const HTTP_SCENARIOS = [
  'hello-world JSON route (ceiling)',
  'raw single-row insert (ceiling)',
  'create ticket',
  'reply to own ticket',
  'list own tickets',
  'agent queue',
  'article search',
] as const;
export type HttpScenario = (typeof HTTP_SCENARIOS)[number];

export interface HttpBenchOptions {
  engine: Engine;
  rounds: number;
  durationS: number;
  connections: number;
  users: number;
  ticketsPerUser: number;
  articles: number;
}

/** One measurement with the CPU each process used during it. */
export interface Measured extends LoadResult {
  /** CPU ms per successful request: the server process, PostgreSQL (all its processes), the load generator. */
  cpuMsPerRequest: { server: number; postgres: number; loadgen: number };
}

/** The scenarios a target is set for, profiled after the rounds. */
export const PROFILED: readonly HttpScenario[] = ['create ticket', 'list own tickets'];

export interface HttpBenchResult {
  engine: Engine;
  options: HttpBenchOptions;
  /** Per scenario: every round's result, and the medians. */
  scenarios: Record<
    HttpScenario,
    {
      rounds: Measured[];
      rps: number;
      p50Ms: number;
      p99Ms: number;
      failed: number;
      cpuMsPerRequest: Measured['cpuMsPerRequest'];
    }
  >;
  /** Server CPU profiles of the scenarios with targets, one run each after the rounds. */
  profiles: Partial<Record<HttpScenario, ProfileSummary>>;
  seedMs: number;
}

export async function httpBench(
  options: HttpBenchOptions,
  log: (line: string) => void,
): Promise<HttpBenchResult> {
  const { engine, connections, durationS } = options;
  let own: OwnDatabase | undefined;
  const servers: BenchServer[] = [];
  try {
    const secret = randomBytes(32).toString('base64url');
    let store: Parameters<typeof benchServerOptions>[0];
    if (engine === 'postgres') {
      if (DATABASE_URL === undefined)
        throw new Error('set TIERDESK_TEST_DATABASE_URL for the PostgreSQL benchmarks');
      own = await createOwnDatabase(DATABASE_URL, 'td_bench_http');
      store = { kind: 'postgres', connectionString: own.url, max: 10 };
    } else {
      store = { kind: 'pglite' };
    }
    const server = await startServer({
      mode: 'tierdesk',
      options: benchServerOptions(store, [benchWorkspace(secret)]),
    });
    servers.push(server);
    const hello = await startServer({ mode: 'hello' });
    servers.push(hello);

    const seedStarted = performance.now();
    const { key } = await server.control<{ key: string }>('/api-key', {
      workspaceId: WORKSPACE,
      agentId: AGENT,
    });
    const tokens = await userTokens(secret, options.users);
    await seedArticles(server.url, key, options.articles);
    const tickets = await seedTickets(server.url, tokens, options.ticketsPerUser);
    const seedMs = performance.now() - seedStarted;
    log(
      `  ${engine}: seeded ${options.articles} articles, ${tickets.length} tickets in ${(seedMs / 1000).toFixed(1)} s`,
    );
    // A stored ticket as the API returns it: the raw insert writes a row of the same size.
    const sampleRow = await api<Record<string, unknown>>(
      server.url,
      'GET',
      `/v1/agent/tickets/${tickets[0]?.id}`,
      key,
    );

    const random = createRandom(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    let created = 0;
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const requests: Record<Exclude<HttpScenario, 'raw single-row insert (ceiling)'>, () => LoadRequest> = {
      'hello-world JSON route (ceiling)': () => ({ method: 'GET', path: '/hello' }),
      'create ticket': () => ({
        method: 'POST',
        path: '/v1/tickets',
        headers: auth(pick(tokens)),
        body: JSON.stringify(ticketText(100_000 + created++)),
      }),
      'reply to own ticket': () => {
        const t = pick(tickets);
        return {
          method: 'POST',
          path: `/v1/tickets/${t.id}/messages`,
          headers: auth(t.token),
          body: JSON.stringify({ body: 'Any news on this? It still happens after a reload.' }),
        };
      },
      'list own tickets': () => ({
        method: 'GET',
        path: '/v1/tickets?limit=20',
        headers: auth(pick(tokens)),
      }),
      'agent queue': () => ({
        method: 'GET',
        path: '/v1/agent/tickets?status=new&status=open&limit=25',
        headers: auth(key),
      }),
      'article search': () => ({
        method: 'GET',
        path: `/v1/articles/search?q=${encodeURIComponent(pick(SEARCH_WORDS))}`,
        headers: auth(pick(tokens)),
      }),
    };

    const measureLoad = async (scenario: HttpScenario, seconds: number): Promise<LoadResult> => {
      if (scenario === 'raw single-row insert (ceiling)') {
        const r = await server.control<{ rps: number; p50Ms: number; p99Ms: number; inserts: number }>(
          '/raw-insert',
          {
            connections,
            durationMs: seconds * 1000,
            row: sampleRow,
          },
        );
        return {
          rps: r.rps,
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          ok: r.inserts,
          failed: 0,
          statuses: {},
          durationS: seconds,
        };
      }
      const target = scenario === 'hello-world JSON route (ceiling)' ? hello.url : server.url;
      return runLoad(target, requests[scenario], { connections, durationS: seconds });
    };

    const measure = async (scenario: HttpScenario, seconds: number): Promise<Measured> => {
      const pid = scenario === 'hello-world JSON route (ceiling)' ? hello.pid : server.pid;
      const server0 = processCpuSeconds(pid);
      const machine0 = machineBusySeconds();
      const load0 = process.cpuUsage();
      const result = await measureLoad(scenario, seconds);
      const load = process.cpuUsage(load0);
      const serverCpu = processCpuSeconds(pid) - server0;
      const loadCpu = (load.user + load.system) / 1e6;
      const perRequest = (cpuSeconds: number) =>
        result.ok === 0 ? Number.NaN : (cpuSeconds * 1000) / result.ok;
      return {
        ...result,
        cpuMsPerRequest: {
          server: perRequest(serverCpu),
          // The rest of the machine's busy time: PostgreSQL's processes on an otherwise quiet machine
          // (backends come and go with the pool, so summing their /proc entries would miss some).
          postgres:
            engine === 'postgres'
              ? perRequest(Math.max(0, machineBusySeconds() - machine0 - serverCpu - loadCpu))
              : 0,
          // The raw-insert ceiling runs in the server process; the load generator is idle meanwhile.
          loadgen: perRequest(loadCpu),
        },
      };
    };

    // One short warm-up of each scenario (JIT, caches, connection pools) that is not reported.
    for (const scenario of HTTP_SCENARIOS) await measure(scenario, 1);
    const perScenario = Object.fromEntries(HTTP_SCENARIOS.map((s) => [s, [] as Measured[]])) as Record<
      HttpScenario,
      Measured[]
    >;
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of HTTP_SCENARIOS) {
        const result = await measure(scenario, durationS);
        perScenario[scenario].push(result);
        log(
          `  ${engine} round ${round} ${scenario}: ${result.rps.toFixed(0)} req/s, p50 ${fmt(result.p50Ms, 1)} ms, p99 ${fmt(result.p99Ms, 1)} ms${result.failed > 0 ? `, FAILED ${result.failed} ${JSON.stringify(result.statuses)}` : ''}`,
        );
      }
    }
    const profiles: HttpBenchResult['profiles'] = {};
    for (const scenario of PROFILED) {
      await server.control('/profile/start', {});
      await measureLoad(scenario, durationS);
      profiles[scenario] = await server.control<ProfileSummary>('/profile/stop', { top: 12 });
    }
    const warnings = server
      .stderr()
      .split('\n')
      // autocannon closes its connections at the end of a run, some in mid-request.
      .filter((line) => line.trim() !== '' && !line.includes('ClientDisconnectedError'))
      .join('\n');
    if (warnings !== '')
      log(`  ${engine} server stderr (last lines):\n${warnings.split('\n').slice(-5).join('\n')}`);
    const scenarios = Object.fromEntries(
      HTTP_SCENARIOS.map((s) => {
        const rounds = perScenario[s];
        return [
          s,
          {
            rounds,
            rps: median(rounds.map((r) => r.rps)),
            p50Ms: median(rounds.map((r) => r.p50Ms)),
            p99Ms: median(rounds.map((r) => r.p99Ms)),
            failed: rounds.reduce((sum, r) => sum + r.failed, 0),
            cpuMsPerRequest: {
              server: median(rounds.map((r) => r.cpuMsPerRequest.server)),
              postgres: median(rounds.map((r) => r.cpuMsPerRequest.postgres)),
              loadgen: median(rounds.map((r) => r.cpuMsPerRequest.loadgen)),
            },
          },
        ];
      }),
    ) as HttpBenchResult['scenarios'];
    return { engine, options, scenarios, profiles, seedMs };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await own?.drop();
  }
}
