// Suite "Server throughput and latency": the HTTP benchmark on PostgreSQL and on PGlite, with the two
// targets of the issue and SPEC checked against ceilings measured in the same run.
import type { ProfileSummary } from '../lib/cpu-profile';
import { DATABASE_URL } from '../lib/databases';
import { type SuiteContext, type SuiteReport, table } from '../lib/report';
import { fmt, pct } from '../lib/stats';
import { type Engine, HTTP_SCENARIOS, type HttpBenchResult, httpBench } from './http.bench';

const TARGETS = [
  { scenario: 'create ticket', ceiling: 'raw single-row insert (ceiling)', ratio: 0.5 },
  { scenario: 'list own tickets', ceiling: 'hello-world JSON route (ceiling)', ratio: 0.4 },
] as const;

function profileTable(summary: ProfileSummary): string {
  const parts = summary.byPart.slice(0, 8).map((p) => `${p.part} ${p.pct.toFixed(1)} %`);
  const fns = table(
    ['function (self time)', 'part', 'share'],
    summary.topFunctions.slice(0, 10).map((f) => [`\`${f.fn}\``, f.part, `${f.pct.toFixed(1)} %`]),
  );
  return `Server process, ${fmt(summary.totalMs / 1000, 1)} s sampled. By part: ${parts.join(', ')}.\n\n${fns}`;
}

function engineSection(r: HttpBenchResult): string {
  const hello = r.scenarios['hello-world JSON route (ceiling)'].rps;
  const raw = r.scenarios['raw single-row insert (ceiling)'].rps;
  const rows = HTTP_SCENARIOS.map((name) => {
    const s = r.scenarios[name];
    const ceiling = name.startsWith('create') ? raw : name.includes('ceiling') ? Number.NaN : hello;
    const spread = s.rounds.map((x) => fmt(x.rps)).join(' / ');
    const cpu = s.cpuMsPerRequest;
    return [
      name,
      fmt(s.rps),
      spread,
      fmt(s.p50Ms, 1),
      fmt(s.p99Ms, 1),
      name.includes('ceiling')
        ? '—'
        : `${pct(s.rps / ceiling)} of ${name.startsWith('create') ? 'raw insert' : 'hello-world'}`,
      `${fmt(cpu.server, 2)} / ${r.engine === 'postgres' ? fmt(cpu.postgres, 2) : 'in server'} / ${fmt(cpu.loadgen, 2)}`,
      String(s.failed),
    ];
  });
  const profiles = Object.entries(r.profiles)
    .map(
      ([name, summary]) =>
        `Profile of **${name}** (${r.engine}):\n\n${profileTable(summary as ProfileSummary)}`,
    )
    .join('\n\n');
  return `### ${r.engine === 'postgres' ? 'PostgreSQL' : 'PGlite'}

Seeded ${fmt(r.options.articles)} articles and ${fmt(r.options.users * r.options.ticketsPerUser)} tickets of ${fmt(r.options.users)} end users in ${fmt(r.seedMs / 1000, 1)} s.

${table(['scenario', 'req/s (median)', 'req/s per round', 'p50 ms', 'p99 ms', 'vs ceiling', 'CPU ms per request: server / rest of machine (PostgreSQL) / load generator', 'non-2xx'], rows)}

${profiles}`;
}

/** Runs the HTTP benchmark on both engines (PostgreSQL only when a database URL is set). */
export async function httpSuite(ctx: SuiteContext): Promise<SuiteReport> {
  const options = ctx.quick
    ? { rounds: 1, durationS: 2, connections: 50, users: 40, ticketsPerUser: 3, articles: 100 }
    : { rounds: 3, durationS: 3, connections: 50, users: 200, ticketsPerUser: 5, articles: 1_000 };
  const engines: Engine[] = DATABASE_URL === undefined ? ['pglite'] : ['postgres', 'pglite'];
  const results: HttpBenchResult[] = [];
  for (const engine of engines) results.push(await httpBench({ engine, ...options }, ctx.log));
  const met: string[] = [];
  const missed: string[] = [];
  for (const r of results) {
    for (const t of TARGETS) {
      const ratio = r.scenarios[t.scenario].rps / r.scenarios[t.ceiling].rps;
      const line = `${r.engine}: ${t.scenario} ≥ ${pct(t.ratio)} of ${t.ceiling.replace(' (ceiling)', '')} — measured ${pct(ratio)} (${fmt(r.scenarios[t.scenario].rps)} vs ${fmt(r.scenarios[t.ceiling].rps)} req/s)`;
      (ratio >= t.ratio ? met : missed).push(line);
    }
  }
  const markdown = `**Method.** Each engine gets a fresh store (PostgreSQL: a database of its own on the machine's server,
pool of 10 connections; PGlite: in memory, in the server process) and a workspace like the demo's: a
business calendar, a customer SLA (first response, next response, resolution) and an internal OLA, so
every ticket runs real clocks. The Tierdesk server runs the built \`@tierdesk/node\` in a child process
behind its node:http adapter, with rate limiting and the Tier 0 assistant off (one would measure 429s,
the other a knowledge-base search per ticket). The load generator is autocannon in the benchmark's own
process: ${options.connections} keep-alive connections, one request in flight each, ${options.durationS} s per measurement, on
loopback. Requests carry end-user identity tokens (HS256) or an agent API key, as real clients do.

Ceilings, measured in the same run and interleaved with the routes (every round measures every
scenario once, ${options.rounds} rounds, medians reported; one unreported 1 s warm-up each):
- **hello-world JSON route**: the same node:http adapter (Web Request → handler → Web Response) around
  a handler that answers a small JSON object: what the HTTP stack alone costs.
- **raw single-row insert**: ${options.connections} concurrent callers, each inserting one ticket-sized row (the JSON of
  a stored ticket) per autocommitted statement, through a plain \`pg.Pool\` of the server's size
  (PostgreSQL) or the server's own PGlite instance, inside the server process.

Routes: **create ticket** \`POST /v1/tickets\`; **reply to own ticket** \`POST /v1/tickets/:id/messages\`
(random seeded tickets); **list own tickets** \`GET /v1/tickets?limit=20\` (random user); **agent queue**
\`GET /v1/agent/tickets?status=new&status=open&limit=25\`; **article search** \`GET /v1/articles/search?q=<word>\`
(a random topic word). Throughput counts 2xx answers only. CPU per request over the same window: the
server process from /proc/<pid>/stat, the load generator from \`process.cpuUsage()\`, and the rest of the
machine's busy time from /proc/stat (PostgreSQL, on an otherwise quiet machine); on 2 cores, server, database and load generator compete for the same CPUs, so a ratio
below target can mean the machine ran out of CPU rather than that the route waited.

After the rounds, each scenario with a target runs once more with the V8 profiler of the server
process on (started and stopped through its control port), and the profile's self time is summarised
below. "native (writev)" is time inside the socket write system call, where on 2 cores the woken
PostgreSQL backend or load generator often takes the CPU; "(idle)" is the server waiting.

${results.map(engineSection).join('\n\n')}
`;
  return { title: 'Server throughput and latency', markdown, met, missed, data: results };
}
