// Item 2: PostgreSQL restarted under load. The server answers 503 with Retry-After while the database
// is away, recovers by itself (no restart of the server), and loses nothing.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { signIdentityToken, type TierdeskOptions } from '@tierdesk/node';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findPostgresBinaries,
  type PostgresInstance,
  startPostgresInstance,
} from './support/postgres-instance';
import { AttemptLog, sendWithRetries } from './support/retrying-client';
import { killServerProcesses, type ServerProcess, startServerProcess } from './support/server-process';

const WORKSPACE = 'rel02';
const WORKERS = 40;
const DOWN_MS = 4_000;
const BIN = findPostgresBinaries();
if (BIN === undefined) {
  console.warn('[reliability 02] skipped: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
}

describe.skipIf(BIN === undefined)('reliability 02: PostgreSQL restarted under load', () => {
  let postgres: PostgresInstance | undefined;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await killServerProcesses();
    await postgres?.destroy();
  }, 30_000);

  it('answers 503 with Retry-After while the database is down, recovers by itself, loses nothing', async () => {
    postgres = await startPostgresInstance(BIN as string);
    const secret = randomBytes(32).toString('base64url');
    const options: TierdeskOptions = {
      store: { kind: 'postgres', connectionString: postgres.url },
      workspaces: [
        {
          id: WORKSPACE,
          name: 'Restart test',
          identitySecret: secret,
          // Every ticket's first-response warning is due 9.6 s after it opens, the breach at 12 s: the
          // durable timers must keep firing across the restarts, exactly once, not early.
          policies: {
            slaPolicies: [{ id: 'fast', name: 'Fast', targets: { first_response: { minutes: 0.2 } } }],
          },
        },
      ],
      serverSecret: 'reliability-02-server-secret-0123456789',
      assistant: false,
      limits: { rateLimit: false },
    };
    server = await startServerProcess(options);
    const url = (server as ServerProcess).url;
    // When each event row was really written, on the database's clock (the machine's clock).
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(
      'ALTER TABLE ticket_events ADD COLUMN recorded_at timestamptz DEFAULT clock_timestamp()',
    );
    await admin.end();
    const tokens = await Promise.all(
      Array.from({ length: WORKERS }, (_, u) =>
        signIdentityToken({ userId: `user-${u}`, workspaceId: WORKSPACE }, secret, {
          expiresInSeconds: 3600,
        }),
      ),
    );

    // What the outage looked like from outside: every answer with the time it came.
    type Phase = 'up' | 'down' | 'recovering';
    let phase: Phase = 'up';
    const seenByPhase: Record<Phase, Map<string, number>> = {
      up: new Map(),
      down: new Map(),
      recovering: new Map(),
    };
    const note = (what: string) => seenByPhase[phase].set(what, (seenByPhase[phase].get(what) ?? 0) + 1);

    // Readiness probe every 100 ms.
    let probing = true;
    const readyz = (async () => {
      while (probing) {
        try {
          const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
          await response.arrayBuffer();
          note(
            `readyz ${response.status}${response.headers.get('retry-after') === null ? '' : ' retry-after'}`,
          );
        } catch {
          note('readyz network error');
        }
        await sleep(100);
      }
    })();

    // Writers: each opens tickets one after another with an Idempotency-Key, retrying 5xx and
    // network errors as a client should, until told to stop.
    const log = new AttemptLog();
    const created: { key: string; subject: string; status: number; id: string | undefined }[] = [];
    const run = randomBytes(4).toString('hex');
    let writing = true;
    const writers = Array.from({ length: WORKERS }, async (_, w) => {
      for (let n = 0; writing; n++) {
        const key = `rel02-${run}-${w}-${n}`;
        const subject = `Restart test ${run} ${w}/${n}`;
        const answer = await sendWithRetries(
          () => url,
          '/v1/tickets',
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${tokens[w]}`,
              'content-type': 'application/json',
              'idempotency-key': key,
            },
            body: JSON.stringify({ subject, body: 'Written while PostgreSQL restarts.' }),
          },
          log,
          { deadlineMs: 60_000 },
        );
        note(`create ${answer.status}`);
        created.push({
          key,
          subject,
          status: answer.status,
          id: answer.status === 201 ? (JSON.parse(answer.body) as { id: string }).id : undefined,
        });
      }
    });

    const outages: { mode: string; first503Ms: number | null; recoveredMs: number | null }[] = [];
    let lastRecoveredAtMs = 0;
    const ok = () => created.filter((c) => c.status === 201).length;
    for (const mode of ['fast', 'immediate'] as const) {
      await sleep(2_000);
      phase = 'down';
      const before503 = log.count(503);
      const stoppedAt = performance.now();
      await postgres.stop(mode);
      let first503Ms: number | null = null;
      while (performance.now() - stoppedAt < DOWN_MS) {
        if (first503Ms === null && log.count(503) > before503)
          first503Ms = Math.round(performance.now() - stoppedAt);
        await sleep(20);
      }
      phase = 'recovering';
      await postgres.start();
      const startedAt = performance.now();
      const okBefore = ok();
      let recoveredMs: number | null = null;
      while (performance.now() - startedAt < 30_000) {
        if (ok() > okBefore + WORKERS) {
          recoveredMs = Math.round(performance.now() - startedAt);
          break;
        }
        await sleep(20);
      }
      outages.push({ mode, first503Ms, recoveredMs });
      lastRecoveredAtMs = Date.now();
      phase = 'up';
    }
    await sleep(2_000);
    writing = false;
    await Promise.all(writers);
    const lastCreatedAtMs = Date.now();
    probing = false;
    await readyz;

    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query<{ id: string; subject: string }>(
      "SELECT id, data->>'subject' AS subject FROM tickets WHERE workspace_id = $1",
      [WORKSPACE],
    );
    // The SLA signals: every ticket's warning and breach once, none early; those due after the
    // database came back fire promptly (the scheduler survived the outage on its own).
    while (Date.now() < lastCreatedAtMs + 12_000 + 3_000) await sleep(200);
    let signals: {
      ticket_id: string;
      type: string;
      due_ms: string;
      created_ms: string;
      recorded_ms: string;
    }[] = [];
    for (const waitStarted = Date.now(); Date.now() - waitStarted < 15_000; await sleep(250)) {
      ({ rows: signals } = await client.query(
        `SELECT e.ticket_id, e.type,
                (extract(epoch FROM (e.event->>'dueAt')::timestamptz) * 1000)::bigint AS due_ms,
                (extract(epoch FROM (t.data->>'createdAt')::timestamptz) * 1000)::bigint AS created_ms,
                floor(extract(epoch FROM e.recorded_at) * 1000)::bigint AS recorded_ms
           FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
          WHERE e.type IN ('sla.warning', 'sla.breached') AND t.workspace_id = $1`,
        [WORKSPACE],
      ));
      if (signals.length >= 2 * rows.length) break;
    }
    await client.end();
    const perSignal = new Map<string, number>();
    let early = 0;
    const latenessAfterRecovery: number[] = [];
    for (const s of signals) {
      perSignal.set(`${s.ticket_id}/${s.type}`, (perSignal.get(`${s.ticket_id}/${s.type}`) ?? 0) + 1);
      const due = Number(s.created_ms) + (s.type === 'sla.warning' ? 9_600 : 12_000);
      if (Number(s.recorded_ms) < due) early += 1;
      if (due > lastRecoveredAtMs + 1_000) latenessAfterRecovery.push(Number(s.recorded_ms) - due);
    }
    latenessAfterRecovery.sort((a, b) => a - b);
    const signalsDuplicated = [...perSignal.values()].reduce((sum, n) => sum + n - 1, 0);
    const storedIds = new Set(rows.map((r) => r.id));
    const lost = created.filter((c) => c.id !== undefined && !storedIds.has(c.id)).length;
    const perSubject = new Map<string, number>();
    for (const r of rows) perSubject.set(r.subject, (perSubject.get(r.subject) ?? 0) + 1);
    const duplicated = [...perSubject.values()].reduce((sum, n) => sum + n - 1, 0);
    const format = (m: Map<string, number>) =>
      [...m.entries()]
        .sort()
        .map(([k, n]) => `${k}×${n}`)
        .join(', ');

    console.log(
      `[reliability 02] ${created.length} tickets by ${WORKERS} writers across 2 PostgreSQL restarts ` +
        `(${outages.map((o) => `${o.mode}: first 503 after ${o.first503Ms} ms, recovered ${o.recoveredMs} ms after start`).join('; ')}); ` +
        `stored ${rows.length}, lost ${lost}, duplicated ${duplicated}; 503 with Retry-After ${log.unavailableWithRetryAfter}, ` +
        `without ${log.unavailableWithoutRetryAfter}; attempts: ${log.summary()}`,
    );
    console.log(
      `[reliability 02] SLA signals ${signals.length} (expected ${2 * rows.length}), duplicated ${signalsDuplicated}, ` +
        `early ${early}; ${latenessAfterRecovery.length} due after the last recovery: lateness p50 ` +
        `${latenessAfterRecovery[Math.floor(latenessAfterRecovery.length / 2)]} ms, max ${latenessAfterRecovery.at(-1)} ms`,
    );
    console.log(`[reliability 02] while down: ${format(seenByPhase.down)}`);
    console.log(
      `[reliability 02] recovering: ${format(seenByPhase.recovering)}; up: ${format(seenByPhase.up)}`,
    );

    // Every ticket a client asked for was created, once.
    expect(created.every((c) => c.status === 201)).toBe(true);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(rows).toHaveLength(created.length);
    // The outage was seen as 503 + Retry-After, never as a 500 or a dead server.
    for (const o of outages) expect(o.first503Ms).not.toBeNull();
    expect(log.unavailableWithRetryAfter).toBeGreaterThan(0);
    expect(log.unavailableWithoutRetryAfter).toBe(0);
    expect(log.count(500)).toBe(0);
    expect(seenByPhase.down.get('readyz 503 retry-after') ?? 0).toBeGreaterThan(0);
    expect(server?.child.exitCode).toBeNull();
    // It came back without a restart: the server process is the one started at the beginning.
    for (const o of outages) expect(o.recoveredMs).not.toBeNull();
    const { status } = await fetch(`${url}/readyz`);
    expect(status).toBe(200);
    expect(perSignal.size).toBe(2 * rows.length);
    expect(signalsDuplicated).toBe(0);
    expect(early).toBe(0);
    expect(latenessAfterRecovery.length).toBeGreaterThan(0);
    // Prompt, not rescued minutes later by the 5-minute safety scan (generous: the machine is shared).
    expect(latenessAfterRecovery.at(-1)).toBeLessThan(30_000);
  }, 90_000);
});
