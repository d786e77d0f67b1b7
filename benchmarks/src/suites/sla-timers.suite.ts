// Suite "SLA timers": with 100 000 open tickets whose clocks run, how late do warnings and breaches
// fire, does each fire exactly once, and what does the server burn while nothing is due?
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { cloneTickets, type RunSql } from '../lib/clone-tickets';
import { createOwnDatabase, DATABASE_URL, type OwnDatabase } from '../lib/databases';
import { type BenchServer, machineBusySeconds, processCpuSeconds, startServer } from '../lib/processes';
import { type SuiteContext, type SuiteReport, table } from '../lib/report';
import { api, parallel, ticketText } from '../lib/seed';
import { fmt, summary } from '../lib/stats';
import { benchServerOptions, benchWorkspace, userTokens, WORKSPACE } from '../lib/workspace';

// The measured tickets' policy (24/7, so due times are plain offsets): first response 60 s and
// resolution 75 s, warnings at 80 %: four signals per ticket at 48, 60, 60 and 75 s after it opens.
const FAST = { firstResponseMs: 60_000, resolutionMs: 75_000, warningFraction: 0.8 };
const SIGNAL_OFFSETS_S = [
  (FAST.warningFraction * FAST.firstResponseMs) / 1000,
  FAST.firstResponseMs / 1000,
  (FAST.warningFraction * FAST.resolutionMs) / 1000,
  FAST.resolutionMs / 1000,
];
const SIGNALS_PER_TICKET = SIGNAL_OFFSETS_S.length;

/** Signals due per second at the busiest moment, for tickets opened at `perSecond` for `openingS`. */
function peakSignalRate(perSecond: number, openingS: number): number {
  // Each offset's signals come due over [offset, offset + openingS); the peak is the most such
  // windows that overlap at one instant (which is at some window's start).
  const overlaps = SIGNAL_OFFSETS_S.map(
    (start) => SIGNAL_OFFSETS_S.filter((o) => o <= start && start < o + openingS).length,
  );
  return perSecond * Math.max(...overlaps);
}

/** Runs the SLA timer benchmark on PostgreSQL. */
export async function slaTimersSuite(ctx: SuiteContext): Promise<SuiteReport> {
  const size = ctx.quick
    ? { background: 10_000, measured: 200, perSecond: 20, idleS: 10 }
    : { background: 100_000, measured: 1_000, perSecond: 40, idleS: 60 };
  if (DATABASE_URL === undefined) {
    return {
      title: 'SLA timers',
      markdown: 'Not run: no PostgreSQL configured (set TIERDESK_TEST_DATABASE_URL).',
      met: [],
      missed: ['SLA timers not measured: no PostgreSQL'],
      data: null,
    };
  }
  let own: OwnDatabase | undefined;
  let server: BenchServer | undefined;
  try {
    own = await createOwnDatabase(DATABASE_URL, 'td_bench_sla');
    const secret = randomBytes(32).toString('base64url');
    const workspace = benchWorkspace(secret);
    workspace.policies = {
      ...workspace.policies,
      slaPolicies: [
        {
          id: 'realtime',
          name: 'Realtime plan',
          position: 0,
          conditions: { requesterPlans: ['realtime'] },
          warningFraction: FAST.warningFraction,
          targets: {
            first_response: { minutes: FAST.firstResponseMs / 60_000 },
            resolution: { minutes: FAST.resolutionMs / 60_000 },
          },
        },
        {
          id: 'standard',
          name: 'Standard',
          position: 1,
          calendarId: 'office',
          targets: { first_response: { minutes: 480 }, resolution: { minutes: 2880 } },
        },
      ],
    };
    server = await startServer({
      mode: 'tierdesk',
      options: benchServerOptions({ kind: 'postgres', connectionString: own.url, max: 10 }, [workspace]),
    });
    const s = server;
    const sql: RunSql = async <T>(text: string, params: unknown[] = []) =>
      (await s.control<{ rows: T[] }>('/sql', { sql: text, params })).rows;

    // 1. The background: open tickets with running clocks, due hours or days from now.
    const seedStarted = performance.now();
    const standard = await userTokens(secret, 100, 'standard');
    const templates: string[] = [];
    await parallel(100, 10, async (i) => {
      const t = await api<{ id: string }>(s.url, 'POST', '/v1/tickets', standard[i] as string, ticketText(i));
      templates.push(t.id);
    });
    await cloneTickets(sql, {
      workspaceId: WORKSPACE,
      templateIds: templates,
      count: size.background - templates.length,
      prefix: 'tkb_',
      numberBase: 10_000_000,
    });
    const [counts] = await sql<{ tickets: number; timers: number; soonest: string }>(
      `SELECT (SELECT count(*)::int FROM tickets WHERE status NOT IN ('solved', 'closed')) AS tickets,
              (SELECT count(*)::int FROM timers) AS timers, (SELECT min(due_at)::text FROM timers) AS soonest`,
    );
    const seedMs = performance.now() - seedStarted;
    ctx.log(
      `  ${counts?.tickets} open tickets with ${counts?.timers} timers (soonest ${counts?.soonest}) in ${fmt(seedMs / 1000, 1)} s`,
    );

    // When each event row is really written, on the database's clock, inside the firing transaction.
    await sql('ALTER TABLE ticket_events ADD COLUMN bench_recorded_at timestamptz DEFAULT clock_timestamp()');

    // 2. The measured tickets, opened at a steady pace so their signals come due spread out.
    const fast = await userTokens(secret, 50, 'realtime');
    const createStarted = performance.now();
    await parallel(size.measured, 20, async (i) => {
      const wait = createStarted + (i * 1000) / size.perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      await api(s.url, 'POST', '/v1/tickets', fast[i % fast.length] as string, ticketText(50_000 + i));
    });
    const createS = (performance.now() - createStarted) / 1000;
    ctx.log(`  opened ${size.measured} measured tickets in ${fmt(createS, 1)} s`);

    const expected = size.measured * SIGNALS_PER_TICKET;
    const recordedCount = async () =>
      (
        await sql<{ n: number }>(
          "SELECT count(*)::int AS n FROM ticket_events WHERE type IN ('sla.warning', 'sla.breached') AND requester_id LIKE 'realtime-%'",
        )
      )[0]?.n ?? 0;
    const deadline = performance.now() + FAST.resolutionMs + 60_000;
    while ((await recordedCount()) < expected && performance.now() < deadline) await sleep(500);
    await sleep(3_000); // a duplicate or a late straggler would show up now

    const rows = await sql<{
      ticket_id: string;
      type: string;
      kind: string;
      metric: string;
      created_ms: string;
      recorded_ms: string;
    }>(
      `SELECT e.ticket_id, e.type, e.event->>'kind' AS kind, e.event->>'metric' AS metric,
              (extract(epoch FROM (t.data->>'createdAt')::timestamptz) * 1000)::bigint AS created_ms,
              floor(extract(epoch FROM e.bench_recorded_at) * 1000)::bigint AS recorded_ms
         FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
        WHERE e.type IN ('sla.warning', 'sla.breached') AND e.requester_id LIKE 'realtime-%'`,
    );
    const backgroundFired = (
      await sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM ticket_events WHERE type IN ('sla.warning', 'sla.breached') AND requester_id NOT LIKE 'realtime-%'",
      )
    )[0]?.n;
    const perSignal = new Map<string, number>();
    const lateness: number[] = [];
    let early = 0;
    for (const r of rows) {
      const key = `${r.ticket_id}/${r.kind}/${r.metric}/${r.type}`;
      perSignal.set(key, (perSignal.get(key) ?? 0) + 1);
      const target = r.metric === 'first_response' ? FAST.firstResponseMs : FAST.resolutionMs;
      const due = Number(r.created_ms) + (r.type === 'sla.warning' ? FAST.warningFraction * target : target);
      const late = Number(r.recorded_ms) - due;
      if (late < 0) early += 1;
      lateness.push(late);
    }
    const duplicated = [...perSignal.values()].reduce((sum, n) => sum + n - 1, 0);
    const missing = expected - perSignal.size;
    const late = summary(lateness);
    ctx.log(
      `  ${rows.length} signals recorded of ${expected}: lateness p50 ${late.p50} ms, p99 ${late.p99} ms, max ${late.max} ms`,
    );

    // 3. Nothing due: only the background's timers remain, hours away.
    const [left] = await sql<{ n: number; soonest: string }>(
      'SELECT count(*)::int AS n, min(due_at)::text AS soonest FROM timers',
    );
    const commits = async () =>
      Number(
        (
          await sql<{ n: string }>(
            'SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()',
          )
        )[0]?.n,
      );
    // Backends publish their commit counts when idle for 10 s (PostgreSQL 15+), so the firing's own
    // commits must be published before the first reading and the idle window's before the second.
    await sleep(11_000);
    const commits0 = await commits();
    const server0 = processCpuSeconds(s.pid);
    const machine0 = machineBusySeconds();
    const wall0 = performance.now();
    // In 10-second slices: the first ones after a burst of work hold V8's own clean-up (a few
    // collections on its worker threads once allocation stops), the later ones the steady state.
    const slices: number[] = [];
    for (let i = 0; i < size.idleS / 10; i++) {
      const cpu0 = processCpuSeconds(s.pid);
      const t0 = performance.now();
      await sleep(10_000);
      slices.push(((processCpuSeconds(s.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100);
    }
    const idleS = (performance.now() - wall0) / 1000;
    const serverIdlePct = ((processCpuSeconds(s.pid) - server0) / idleS) * 100;
    const machineIdlePct = ((machineBusySeconds() - machine0) / idleS) * 100;
    await sleep(11_000);
    // The first reading's own transaction is counted in the second.
    const idleCommits = (await commits()) - commits0 - 1;
    const slicesText = slices.map((p) => fmt(p, 2)).join(' / ');
    ctx.log(
      `  idle ${fmt(idleS, 1)} s: server ${fmt(serverIdlePct, 2)} % of a core (10-s slices ${slicesText}), machine ${fmt(machineIdlePct, 2)} %, ${idleCommits} commits`,
    );

    const rate = peakSignalRate(size.perSecond, size.measured / size.perSecond).toFixed(0);
    const met: string[] = [];
    const missed: string[] = [];
    (late.p99 <= 1_000 ? met : missed).push(
      `lateness p99 ≤ 1 s with ${fmt(size.background)} open tickets — measured p99 ${fmt(late.p99)} ms (max ${fmt(late.max)} ms)`,
    );
    (missing === 0 && duplicated === 0 && early === 0 ? met : missed).push(
      `every event exactly once, none early — ${fmt(perSignal.size)} of ${fmt(expected)} signals, ${missing} missing, ${duplicated} duplicated, ${early} early`,
    );
    (serverIdlePct < 1 ? met : missed).push(
      `near-zero idle CPU (< 1 % of a core for the server) — measured ${fmt(serverIdlePct, 2)} %`,
    );

    const markdown = `**Method.** PostgreSQL, a database of its own, the server (built \`@tierdesk/node\`) in a child process.
The background: ${fmt(size.background)} open tickets with running clocks (customer SLA on the Berlin business
calendar and a 4-hour OLA): 100 opened through the HTTP API as templates, the rest copied from them in SQL
with new ids (the id replaced inside data and snapshot) and their timers, so the \`timers\` table and its
index hold ${fmt(counts?.timers ?? 0)} live rows (soonest due ${counts?.soonest ?? '—'}); seeded in ${fmt(seedMs / 1000, 1)} s.
Then ${fmt(size.measured)} measured tickets were opened through the API at ${size.perSecond} per second (${fmt(createS, 1)} s) by
end users on a "realtime" plan whose 24/7 policy sets a first response of ${FAST.firstResponseMs / 1000} s and a resolution of
${FAST.resolutionMs / 1000} s with warnings at ${FAST.warningFraction * 100} %: ${SIGNALS_PER_TICKET} signals per ticket at ${SIGNAL_OFFSETS_S.join(', ')} s after it opened,
${fmt(expected)} in all, up to about ${rate} per second. A column added to \`ticket_events\` in this database records
\`clock_timestamp()\` when each event row is written inside the firing transaction; lateness is that time
minus the ticket's \`createdAt\` plus the signal's offset. After the last signal (and 3 s more, for
duplicates, and 11 s for PostgreSQL's statistics), ${size.idleS} s with nothing due: CPU of the server process
(/proc/<pid>/stat; judged on the whole window, also shown per 10-s slice), of the whole machine (/proc/stat,
PostgreSQL and the rest), and the commits PostgreSQL counted for this database.

${table(
  ['measure', 'value'],
  [
    [
      'signals expected / recorded / distinct',
      `${fmt(expected)} / ${fmt(rows.length)} / ${fmt(perSignal.size)}`,
    ],
    ['missing / duplicated / early', `${missing} / ${duplicated} / ${early}`],
    ['lateness p50 / p99 / max', `${fmt(late.p50)} ms / ${fmt(late.p99)} ms / ${fmt(late.max)} ms`],
    ['background signals fired meanwhile (expected 0)', String(backgroundFired)],
    ['timers left when idle', `${fmt(left?.n ?? 0)} (soonest ${left?.soonest ?? '—'})`],
    [`idle CPU over ${fmt(idleS, 1)} s: server process`, `${fmt(serverIdlePct, 2)} % of one core`],
    ['the same per 10-s slice, in order', `${slicesText} %`],
    [`idle CPU over ${fmt(idleS, 1)} s: whole machine (2 cores)`, `${fmt(machineIdlePct, 2)} % of one core`],
    ['commits in this database while idle', String(idleCommits)],
  ],
)}

The scheduler sleeps until the earliest due time (woken early by \`LISTEN\` when a transaction writes a
sooner timer), claims due rows with \`FOR UPDATE SKIP LOCKED\` and delivers each in the claiming transaction;
it does not poll (a safety scan runs every 5 minutes). PGlite runs the same scheduler
code; this benchmark measures the bar on PostgreSQL, the store for desks of this size.
`;
    return {
      title: 'SLA timers',
      markdown,
      met,
      missed,
      data: {
        size,
        expected,
        recorded: rows.length,
        missing,
        duplicated,
        early,
        lateness: late,
        serverIdlePct,
        serverIdleSlicesPct: slices,
        machineIdlePct,
        idleCommits,
        seedMs,
      },
    };
  } finally {
    await server?.stop();
    await own?.drop();
  }
}
