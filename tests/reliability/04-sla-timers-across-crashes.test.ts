// Item 4: 10,000 SLA events due within a minute, the server SIGKILLed twice while they fire: every
// event recorded exactly once, none before its due time.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { signIdentityToken, type TierdeskOptions } from '@tierdesk/node';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createOwnDatabase, type OwnDatabase, TEST_DATABASE_URL } from './support/own-database';
import { AttemptLog, sendWithRetries } from './support/retrying-client';
import { killServerProcesses, type ServerProcess, startServerProcess } from './support/server-process';

const WORKSPACE = 'rel04';
const TICKETS = 1_250;
const CREATORS = 50;
const KILLS = 2;
// Two clocks per ticket (the customer SLA and an internal OLA), each with a first-response and a
// resolution target, each firing a warning (80 %) and a breach: 8 timed events per ticket, all at
// distinct offsets from the ticket's creation (24/7, so business time is wall time).
const TARGETS = {
  sla: { first_response: 0.25, resolution: 0.5 },
  ola: { first_response: 0.35, resolution: 0.6 },
} as const;
const EVENTS_PER_TICKET = 8;
const EVENTS = TICKETS * EVENTS_PER_TICKET;

function expectedOffsetMs(
  kind: 'sla' | 'ola',
  metric: 'first_response' | 'resolution',
  type: string,
): number {
  const targetMs = TARGETS[kind][metric] * 60_000;
  return type === 'sla.warning' ? targetMs * 0.8 : targetMs;
}

describe.skipIf(TEST_DATABASE_URL === undefined)('reliability 04: SLA timers across crashes', () => {
  let own: OwnDatabase | undefined;
  afterAll(async () => {
    await killServerProcesses();
    await own?.drop();
  }, 30_000);

  it('fires 10,000 SLA events exactly once and never early, with the server SIGKILLed twice', async () => {
    own = await createOwnDatabase(TEST_DATABASE_URL as string, 'td_rel04');
    const secret = randomBytes(32).toString('base64url');
    const options: TierdeskOptions = {
      store: { kind: 'postgres', connectionString: own.url },
      workspaces: [
        {
          id: WORKSPACE,
          name: 'Timer crash test',
          identitySecret: secret,
          policies: {
            slaPolicies: (['sla', 'ola'] as const).map((kind) => ({
              id: `${kind}-fast`,
              name: `${kind} due within a minute`,
              kind,
              targets: {
                first_response: { minutes: TARGETS[kind].first_response },
                resolution: { minutes: TARGETS[kind].resolution },
              },
            })),
          },
        },
      ],
      serverSecret: 'reliability-04-server-secret-0123456789',
      assistant: false,
      limits: { rateLimit: false },
    };
    let server: ServerProcess = await startServerProcess(options);
    const port = server.port;
    const url = () => `http://127.0.0.1:${port}`;

    // When each event row was really written (inside the firing transaction), on the database's clock
    // (the same machine's clock the server's due times come from).
    const client = new pg.Client({ connectionString: own.url });
    await client.connect();
    await client.query(
      'ALTER TABLE ticket_events ADD COLUMN recorded_at timestamptz DEFAULT clock_timestamp()',
    );
    const firedCount = async () => {
      const { rows } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM ticket_events WHERE type IN ('sla.warning', 'sla.breached')",
      );
      return Number(rows[0]?.n);
    };

    const tokens = await Promise.all(
      Array.from({ length: CREATORS }, (_, u) =>
        signIdentityToken({ userId: `user-${u}`, workspaceId: WORKSPACE }, secret, {
          expiresInSeconds: 3600,
        }),
      ),
    );
    const log = new AttemptLog();
    const createStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CREATORS }, async (_, c) => {
        while (next < TICKETS) {
          const i = next++;
          const answer = await sendWithRetries(
            url,
            '/v1/tickets',
            {
              method: 'POST',
              headers: {
                authorization: `Bearer ${tokens[c]}`,
                'content-type': 'application/json',
                'idempotency-key': `rel04-${i}`,
              },
              body: JSON.stringify({ subject: `Timer test #${i}`, body: 'Nobody answers this one.' }),
            },
            log,
          );
          expect(answer.status).toBe(201);
        }
      }),
    );
    const createMs = Math.round(performance.now() - createStarted);

    // Kill twice while the events fire: at about a third and two thirds of them.
    const restartMs: number[] = [];
    const firedAtKill: number[] = [];
    for (let k = 1; k <= KILLS; k++) {
      const threshold = Math.floor((EVENTS * k) / (KILLS + 1));
      while ((await firedCount()) < threshold) await sleep(100);
      await server.kill();
      firedAtKill.push(await firedCount());
      const started = performance.now();
      server = await startServerProcess(options, { port });
      restartMs.push(Math.round(performance.now() - started));
    }
    const waitStarted = performance.now();
    while ((await firedCount()) < EVENTS && performance.now() - waitStarted < 60_000) await sleep(200);
    await sleep(1_000); // a duplicate fired late would show up now

    const { rows } = await client.query<{
      ticket_id: string;
      type: string;
      kind: 'sla' | 'ola';
      metric: 'first_response' | 'resolution';
      due_ms: string;
      created_ms: string;
      recorded_ms: string;
    }>(
      `SELECT e.ticket_id, e.type, e.event->>'kind' AS kind, e.event->>'metric' AS metric,
              (extract(epoch FROM (e.event->>'dueAt')::timestamptz) * 1000)::bigint AS due_ms,
              (extract(epoch FROM (t.data->>'createdAt')::timestamptz) * 1000)::bigint AS created_ms,
              floor(extract(epoch FROM e.recorded_at) * 1000)::bigint AS recorded_ms
         FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
        WHERE e.type IN ('sla.warning', 'sla.breached') AND t.workspace_id = $1`,
      [WORKSPACE],
    );
    const { rows: ticketRows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM tickets WHERE workspace_id = $1',
      [WORKSPACE],
    );
    const { rows: timerRows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM timers WHERE workspace_id = $1 AND key = 'sla'",
      [WORKSPACE],
    );
    await client.end();

    const perEvent = new Map<string, number>();
    let early = 0;
    let wrongDue = 0;
    const lateness: number[] = [];
    for (const r of rows) {
      const id = `${r.ticket_id}/${r.kind}/${r.metric}/${r.type}`;
      perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
      const expectedDue = Number(r.created_ms) + expectedOffsetMs(r.kind, r.metric, r.type);
      // Both signals name the target's due time (a warning says what it warns about).
      const targetDue = Number(r.created_ms) + expectedOffsetMs(r.kind, r.metric, 'sla.breached');
      if (Math.abs(Number(r.due_ms) - targetDue) > 1) wrongDue += 1;
      if (Number(r.recorded_ms) < expectedDue) early += 1;
      lateness.push(Number(r.recorded_ms) - expectedDue);
    }
    const duplicated = [...perEvent.values()].reduce((sum, n) => sum + n - 1, 0);
    const missing = TICKETS * EVENTS_PER_TICKET - perEvent.size;
    lateness.sort((a, b) => a - b);
    const pct = (p: number) => lateness[Math.min(lateness.length - 1, Math.floor(p * lateness.length))];

    console.log(
      `[reliability 04] ${Number(ticketRows[0]?.n)} tickets created in ${createMs} ms (${log.summary()}); ` +
        `${EVENTS} SLA events due within ${TARGETS.ola.resolution * 60} s of each ticket; ${KILLS} SIGKILLs ` +
        `at ${firedAtKill.join(' and ')} events fired (restarts ${restartMs.join('/')} ms); ` +
        `recorded ${rows.length}, distinct ${perEvent.size}, missing ${missing}, duplicated ${duplicated}, ` +
        `early ${early}, wrong due ${wrongDue}; lateness p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, ` +
        `max ${lateness.at(-1)} ms (the killed server's downtime included)`,
    );
    expect(firedAtKill).toHaveLength(KILLS);
    expect(Number(ticketRows[0]?.n)).toBe(TICKETS);
    expect(missing).toBe(0);
    expect(duplicated).toBe(0);
    expect(rows).toHaveLength(EVENTS);
    expect(early).toBe(0);
    expect(wrongDue).toBe(0);
    // Nothing left to fire: every clock breached, so no ticket keeps an SLA timer.
    expect(Number(timerRows[0]?.n)).toBe(0);
  }, 200_000);
});
