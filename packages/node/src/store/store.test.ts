import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeStores, TEST_DATABASE_URL } from '../../tests/support/databases';
import {
  createPgliteDatabase,
  createPostgresDatabase,
  isStoreError,
  notifyInTransaction,
  type SqlDatabase,
  StoreError,
  type StoreErrorHandler,
  toStoreError,
} from './index';
import { observeStatements } from './transaction-scope';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects when `promise` has not settled within `ms`: a hang must fail the test with a clear message. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once `count` parties have called `arrive()`: lines up concurrent transactions. */
function barrier(count: number): { arrive(): Promise<void> } {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    arrive() {
      arrived += 1;
      if (arrived === count) release();
      return all;
    },
  };
}

/** Captures a rejection so its fields can be asserted; fails when the promise fulfils. */
async function rejectionOf(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise;
  } catch (error) {
    expect(isStoreError(error), `expected a StoreError, got ${String(error)}`).toBe(true);
    return error as StoreError;
  }
  throw new Error('expected a rejection, but the promise fulfilled');
}

const channelName = () => `td_test_${randomBytes(5).toString('hex')}`;

/** Subscribes and records every payload; `waitFor` resolves once a payload arrived. */
async function collect(db: SqlDatabase, channel: string) {
  const payloads: string[] = [];
  const waiters: Array<{ payload: string; resolve: () => void }> = [];
  const unsubscribe = await db.listen(channel, (payload) => {
    payloads.push(payload);
    for (const waiter of waiters.filter((w) => w.payload === payload)) waiter.resolve();
  });
  return {
    payloads,
    unsubscribe,
    waitFor(payload: string): Promise<void> {
      if (payloads.includes(payload)) return Promise.resolve();
      return within(
        new Promise<void>((resolve) => waiters.push({ payload, resolve })),
        5_000,
        `notification ${payload}`,
      );
    },
  };
}

async function insertWorkspace(db: Pick<SqlDatabase, 'query'>, id: string, name = id): Promise<void> {
  await db.query('INSERT INTO workspaces (id, name) VALUES ($1, $2)', [id, name]);
}

async function workspaceIds(db: SqlDatabase): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM workspaces ORDER BY id');
  return rows.map((row) => row.id);
}

describeStores('store', ({ db, kind, openAnother }) => {
  /** Another database of the same engine with its own onError (PGlite: a new in-memory one). */
  const openSpare = (onError?: StoreErrorHandler): Promise<SqlDatabase> =>
    kind === 'pglite'
      ? createPgliteDatabase(onError === undefined ? {} : { onError })
      : createPostgresDatabase({
          connectionString: TEST_DATABASE_URL as string,
          max: 2,
          ...(onError === undefined ? {} : { onError }),
        });

  describe('query', () => {
    it('binds $n parameters and reports rows and rowCount', async () => {
      await insertWorkspace(db(), 'ws_a', 'Alpha');
      await insertWorkspace(db(), 'ws_b', 'Beta');
      const selected = await db().query<{ id: string; name: string }>(
        'SELECT id, name FROM workspaces WHERE name = $1 OR id = $2 ORDER BY id',
        ['Alpha', 'ws_b'],
      );
      expect(selected.rows).toEqual([
        { id: 'ws_a', name: 'Alpha' },
        { id: 'ws_b', name: 'Beta' },
      ]);
      expect(selected.rowCount).toBe(2);

      const updated = await db().query('UPDATE workspaces SET name = $1', ['Renamed']);
      expect(updated).toEqual({ rows: [], rowCount: 2 });
      const deleted = await db().query('DELETE FROM workspaces WHERE id = $1 RETURNING id', ['ws_a']);
      expect(deleted).toEqual({ rows: [{ id: 'ws_a' }], rowCount: 1 });
    });

    it('runs several statements without parameters and answers with the last one', async () => {
      const result = await db().query(
        `INSERT INTO workspaces (id, name) VALUES ('ws_1', 'One');
         INSERT INTO workspaces (id, name) VALUES ('ws_2', 'Two');
         UPDATE workspaces SET name = upper(name)`,
      );
      expect(result).toEqual({ rows: [], rowCount: 2 });
      const last = await db().query("SELECT 1 AS first; SELECT name FROM workspaces WHERE id = 'ws_2'");
      expect(last).toEqual({ rows: [{ name: 'TWO' }], rowCount: 1 });
      // An empty parameter list is "no parameters" on both drivers, not a prepared statement.
      expect((await db().query('SELECT 1 AS a; SELECT 2 AS b', [])).rows).toEqual([{ b: 2 }]);
    });

    it('parses values the same way on both drivers', async () => {
      const sql = `SELECT
          2::int2 AS small, 40000::int4 AS int, 7::int8 AS int8,
          (SELECT count(*) FROM (VALUES (1), (2), (3)) AS three (n)) AS counted,
          9007199254740993::int8 AS huge, (-9007199254740993)::int8 AS negative_huge,
          12345678901234567890.0123456789::numeric AS numeric,
          1.5::float8 AS float, true AS flag, NULL::text AS nothing,
          '2024-03-01 10:15:00.123+02'::timestamptz AS at,
          '{"a": [1, "x", null], "b": {"c": true}}'::jsonb AS doc, '{"j": 1}'::json AS plain_json,
          ARRAY['x', 'y'] AS texts, ARRAY[1, 2]::int4[] AS ints,
          ARRAY[NULL, 3, 9007199254740993]::int8[] AS int8s,
          ARRAY[1.10, 2.5]::numeric[] AS numerics, ARRAY['{"k": 1}'::jsonb] AS docs,
          ARRAY['2024-03-01 00:00:00+00'::timestamptz] AS ats,
          '2024-03-01'::date AS day, ARRAY['2024-03-02'::date] AS days,
          '1 day 02:00:00'::interval AS span, ARRAY['3 days'::interval] AS spans`;
      const expected = {
        small: 2,
        int: 40000,
        int8: 7,
        counted: 3,
        huge: 9007199254740993n,
        negative_huge: -9007199254740993n,
        numeric: '12345678901234567890.0123456789',
        float: 1.5,
        flag: true,
        nothing: null,
        at: new Date('2024-03-01T08:15:00.123Z'),
        doc: { a: [1, 'x', null], b: { c: true } },
        plain_json: { j: 1 },
        texts: ['x', 'y'],
        ints: [1, 2],
        int8s: [null, 3, 9007199254740993n],
        numerics: ['1.10', '2.5'],
        docs: [{ k: 1 }],
        ats: [new Date('2024-03-01T00:00:00Z')],
        // A date is midnight UTC of that day on both drivers, whatever the process's time zone.
        day: new Date('2024-03-01T00:00:00Z'),
        days: [new Date('2024-03-02T00:00:00Z')],
        span: '1 day 02:00:00',
        spans: ['3 days'],
      };
      // The simple protocol (no parameters) and the extended one (parameters) parse alike. A zone west
      // of UTC would shift a date parsed as local midnight into the previous day.
      const zone = process.env.TZ;
      process.env.TZ = 'America/New_York';
      try {
        expect((await db().query(sql)).rows).toEqual([expected]);
        expect((await db().query(`${sql} WHERE $1::int = 1`, [1])).rows).toEqual([expected]);
      } finally {
        if (zone === undefined) delete process.env.TZ;
        else process.env.TZ = zone;
      }
    });

    it('serialises parameters alike: Date, bigint, object as jsonb, array, null, boolean', async () => {
      const at = new Date('2024-05-06T07:08:09.010Z');
      await db().query(
        `INSERT INTO workspaces (id, name, settings, next_ticket_number, created_at) VALUES ($1, $2, $3, $4, $5)`,
        ['ws_p', 'Params', { locale: 'de', tiers: [1, 2], nested: { ok: true } }, 9007199254740993n, at],
      );
      await db().query(
        `INSERT INTO articles (id, workspace_id, title, body, tags, locale, published, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
        ['art_1', 'ws_p', 'Title', 'Body', ['billing', "it's"], 'en', true, at],
      );
      const { rows } = await db().query(
        `SELECT w.settings, w.next_ticket_number, w.created_at, a.tags, a.published, $2::text AS missing
         FROM workspaces w JOIN articles a ON a.workspace_id = w.id WHERE w.id = $1`,
        ['ws_p', null],
      );
      expect(rows).toEqual([
        {
          settings: { locale: 'de', tiers: [1, 2], nested: { ok: true } },
          next_ticket_number: 9007199254740993n,
          created_at: at,
          tags: ['billing', "it's"],
          published: true,
          missing: null,
        },
      ]);
    });

    it('rejects an invalid statement with a StoreError carrying the SQLSTATE', async () => {
      const syntax = await rejectionOf(db().query('SELEC 1'));
      expect(syntax).toBeInstanceOf(StoreError);
      expect(syntax).toMatchObject({ code: 'unknown', sqlState: '42601' });
      const missing = await rejectionOf(db().query('SELECT * FROM no_such_table WHERE id = $1', [1]));
      expect(missing).toMatchObject({ code: 'unknown', sqlState: '42P01' });
      expect(missing.cause).toBeDefined();
    });
  });

  describe('transaction', () => {
    it('commits what the body wrote and returns its value', async () => {
      const value = await db().transaction(async (tx) => {
        await insertWorkspace(tx, 'ws_t1');
        await insertWorkspace(tx, 'ws_t2');
        const { rows } = await tx.query<{ n: number }>('SELECT count(*) AS n FROM workspaces');
        return rows[0]?.n;
      });
      expect(value).toBe(2);
      expect(await workspaceIds(db())).toEqual(['ws_t1', 'ws_t2']);
    });

    it('rolls back everything when the body throws, and rethrows the body error untouched', async () => {
      class BodyError extends Error {}
      const thrown = new BodyError('changed my mind');
      await expect(
        db().transaction(async (tx) => {
          await insertWorkspace(tx, 'ws_gone');
          await tx.query("UPDATE workspaces SET name = 'x'");
          throw thrown;
        }),
      ).rejects.toBe(thrown);
      expect(await workspaceIds(db())).toEqual([]);
    });

    it('rolls back when a statement fails, rejecting with the mapped StoreError', async () => {
      await insertWorkspace(db(), 'ws_taken');
      const error = await rejectionOf(
        db().transaction(async (tx) => {
          await insertWorkspace(tx, 'ws_new');
          await insertWorkspace(tx, 'ws_taken');
        }),
      );
      expect(error).toMatchObject({ code: 'conflict', constraint: 'workspaces_pkey' });
      expect(await workspaceIds(db())).toEqual(['ws_taken']);
    });

    it('never reports success for a transaction that a swallowed failure turned into a rollback', async () => {
      await insertWorkspace(db(), 'ws_taken');
      // The body catches the failed statement and returns normally: the transaction is aborted, so
      // COMMIT rolls back the first insert. Resolving would silently lose that write.
      const error = await rejectionOf(
        db().transaction(async (tx) => {
          await insertWorkspace(tx, 'ws_lost');
          await tx
            .query("INSERT INTO workspaces (id, name) VALUES ('ws_taken', 'dup')")
            .catch(() => undefined);
          return 'done';
        }),
      );
      expect(error.code).toBe('unknown');
      expect(error.sqlState).toBe('25P02');
      expect(await workspaceIds(db())).toEqual(['ws_taken']);
    });

    it('rejects a nested transaction with invalid_usage and keeps the outer one usable', async () => {
      const outcome = await within(
        db().transaction(async (tx) => {
          await insertWorkspace(tx, 'ws_outer');
          const nested = await rejectionOf(
            db().transaction(async (inner) => insertWorkspace(inner, 'ws_inner')),
          );
          expect(nested.code).toBe('invalid_usage');
          await insertWorkspace(tx, 'ws_outer_2');
          return 'committed';
        }),
        10_000,
        'the outer transaction',
      );
      expect(outcome).toBe('committed');
      expect(await workspaceIds(db())).toEqual(['ws_outer', 'ws_outer_2']);
    });

    it('rejects using the database itself inside its own transaction instead of deadlocking', async () => {
      await within(
        db().transaction(async (tx) => {
          await insertWorkspace(tx, 'ws_inside');
          for (const misuse of [
            () => db().query('SELECT 1'),
            () => db().query('SELECT $1::int AS n', [1]),
            () => db().notify('td_test_misuse', 'x'),
            () => db().listen('td_test_misuse', () => {}),
          ]) {
            // Also proves the misuse is a rejected promise, not a synchronous throw.
            let promise: Promise<unknown> | undefined;
            expect(() => {
              promise = misuse();
            }).not.toThrow();
            expect((await rejectionOf(promise as Promise<unknown>)).code).toBe('invalid_usage');
          }
        }),
        10_000,
        'the transaction',
      );
      expect(await workspaceIds(db())).toEqual(['ws_inside']);
    });

    it('closes the executor once the transaction has finished', async () => {
      let leaked: Pick<SqlDatabase, 'query'> | undefined;
      await db().transaction(async (tx) => {
        leaked = tx;
      });
      const error = await rejectionOf((leaked as Pick<SqlDatabase, 'query'>).query('SELECT 1'));
      expect(error.code).toBe('invalid_usage');
    });

    it('maps a serialization failure (SQLSTATE 40001) to serialization', async () => {
      const error = await rejectionOf(
        db().transaction(async (tx) => {
          await insertWorkspace(tx, 'ws_retry');
          await tx.query(`DO $$ BEGIN RAISE EXCEPTION 'could not serialize' USING ERRCODE = '40001'; END $$`);
        }),
      );
      expect(error).toMatchObject({ code: 'serialization', sqlState: '40001' });
      expect(await workspaceIds(db())).toEqual([]);
    });
  });

  describe('concurrency', () => {
    if (kind === 'pglite') {
      it('serialises concurrent transactions: no statement slips into another transaction', async () => {
        await db().query("INSERT INTO workspaces (id, name, next_ticket_number) VALUES ('ws_c', 'C', 0)");
        const log: string[] = [];
        await Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            db().transaction(async (tx) => {
              log.push(`begin ${i}`);
              const { rows } = await tx.query<{ n: number }>(
                "SELECT next_ticket_number AS n FROM workspaces WHERE id = 'ws_c'",
              );
              await sleep(5); // a lost update would happen here if transactions overlapped
              await tx.query("UPDATE workspaces SET next_ticket_number = $1 WHERE id = 'ws_c'", [
                (rows[0]?.n ?? 0) + 1,
              ]);
              log.push(`end ${i}`);
            }),
          ),
        );
        const { rows } = await db().query<{ n: number }>(
          "SELECT next_ticket_number AS n FROM workspaces WHERE id = 'ws_c'",
        );
        expect(rows[0]?.n).toBe(5);
        for (let i = 0; i < log.length; i += 2) {
          expect(log[i]?.replace('begin', 'end')).toBe(log[i + 1]);
        }
      });

      it('makes a query outside the transaction wait for COMMIT', async () => {
        const started = barrier(2);
        const writer = db().transaction(async (tx) => {
          await insertWorkspace(tx, 'ws_w');
          await started.arrive();
          await sleep(50);
        });
        await started.arrive();
        const { rows } = await db().query<{ n: number }>('SELECT count(*) AS n FROM workspaces');
        expect(rows[0]?.n).toBe(1);
        await writer;
      });
    } else {
      it('runs transactions in parallel; FOR UPDATE keeps a read-modify-write correct', async () => {
        await db().query("INSERT INTO workspaces (id, name, next_ticket_number) VALUES ('ws_c', 'C', 0)");
        let inside = 0;
        let maxInside = 0;
        const ready = barrier(4);
        await Promise.all(
          Array.from({ length: 4 }, () =>
            db().transaction(async (tx) => {
              inside += 1;
              maxInside = Math.max(maxInside, inside);
              await ready.arrive(); // all four are open at once
              const { rows } = await tx.query<{ n: number }>(
                "SELECT next_ticket_number AS n FROM workspaces WHERE id = 'ws_c' FOR UPDATE",
              );
              await sleep(5);
              await tx.query("UPDATE workspaces SET next_ticket_number = $1 WHERE id = 'ws_c'", [
                (rows[0]?.n ?? 0) + 1,
              ]);
              inside -= 1;
            }),
          ),
        );
        expect(maxInside).toBe(4);
        const { rows } = await db().query<{ n: number }>(
          "SELECT next_ticket_number AS n FROM workspaces WHERE id = 'ws_c'",
        );
        expect(rows[0]?.n).toBe(4);
      });

      it('lets two instances claim disjoint rows with FOR UPDATE SKIP LOCKED', async () => {
        const other = await openAnother();
        await db().query(
          `INSERT INTO outbox (workspace_id, topic, payload) SELECT 'ws', 'topic', jsonb_build_object('n', n)
           FROM generate_series(1, 4) AS n`,
        );
        const claim = `SELECT id FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED`;
        const firstHolds = barrier(2);
        const secondDone = barrier(2);
        let firstIds: number[] = [];
        let secondIds: number[] = [];
        let thirdIds: number[] = [];
        await Promise.all([
          db().transaction(async (tx) => {
            firstIds = (await tx.query<{ id: number }>(claim)).rows.map((r) => r.id);
            await firstHolds.arrive();
            await secondDone.arrive(); // keep the locks until the other instance has claimed
          }),
          (async () => {
            await firstHolds.arrive();
            await other.transaction(async (tx) => {
              secondIds = (await tx.query<{ id: number }>(claim)).rows.map((r) => r.id);
            });
            // Without SKIP LOCKED the other instance blocks; with it, nothing is left for a third.
            await other.transaction(async (tx) => {
              await tx.query(`UPDATE outbox SET delivered_at = now() WHERE id = ANY($1)`, [secondIds]);
            });
            await other.transaction(async (tx) => {
              thirdIds = (await tx.query<{ id: number }>(claim)).rows.map((r) => r.id);
            });
            await secondDone.arrive();
          })(),
        ]);
        expect(firstIds).toHaveLength(2);
        expect(secondIds).toHaveLength(2);
        expect(new Set([...firstIds, ...secondIds]).size).toBe(4);
        expect(thirdIds).toEqual([]);
      });

      it('maps a real SERIALIZABLE write-skew failure to serialization', async () => {
        const bothRead = barrier(2);
        const attempt = (name: string) =>
          db().transaction(async (tx) => {
            await tx.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
            await tx.query<{ n: number }>('SELECT count(*) AS n FROM workspaces');
            await bothRead.arrive();
            await insertWorkspace(tx, name);
          });
        const results = await Promise.allSettled([attempt('ws_s1'), attempt('ws_s2')]);
        const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
        expect(failures).toHaveLength(1);
        expect(toStoreError(failures[0])).toMatchObject({ code: 'serialization', sqlState: '40001' });
        expect(await workspaceIds(db())).toHaveLength(1);
      });
    }
  });

  describe('errors', () => {
    it('maps a unique violation to conflict with the constraint name', async () => {
      await db().query(
        "INSERT INTO workspaces (id, name) VALUES ('ws_k', 'K'); INSERT INTO api_keys (id, workspace_id, agent_id, key_hash) VALUES ('k1', 'ws_k', 'a', 'h')",
      );
      const error = await rejectionOf(
        db().query(
          "INSERT INTO api_keys (id, workspace_id, agent_id, key_hash) VALUES ('k2', 'ws_k', 'a', $1)",
          ['h'],
        ),
      );
      expect(error).toMatchObject({
        code: 'conflict',
        sqlState: '23505',
        constraint: 'api_keys_key_hash_key',
      });
      expect(error.name).toBe('StoreError');
    });

    it('rejects with unavailable once closed, on every method; closing twice is fine', async () => {
      const spare = await openSpare();
      await spare.query('SELECT 1');
      await spare.close();
      await spare.close();
      for (const call of [
        () => spare.query('SELECT 1'),
        () => spare.query('SELECT $1::int', [1]),
        () => spare.transaction(async (tx) => tx.query('SELECT 1')),
        () => spare.notify('td_test_closed', 'x'),
        () => spare.listen('td_test_closed', () => {}),
      ]) {
        expect((await rejectionOf(call())).code).toBe('unavailable');
      }
    }, 60_000);
  });

  describe('listen / notify', () => {
    it('delivers a notification sent outside a transaction', async () => {
      const channel = channelName();
      const inbox = await collect(db(), channel);
      await db().notify(channel, 'hello');
      await inbox.waitFor('hello');
      expect(inbox.payloads).toEqual(['hello']);
      await inbox.unsubscribe();
    });

    it('delivers pg_notify from a committed transaction, never from a rolled-back one', async () => {
      const channel = channelName();
      const inbox = await collect(db(), channel);
      await db().transaction(async (tx) => {
        await tx.query('SELECT pg_notify($1, $2)', [channel, 'committed']);
        await sleep(20);
        expect(inbox.payloads).toEqual([]); // held back until COMMIT
      });
      await inbox.waitFor('committed');
      await expect(
        db().transaction(async (tx) => {
          await tx.query('SELECT pg_notify($1, $2)', [channel, 'rolled-back']);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      // Notifications arrive in commit order: once the marker is in, a rolled-back one never comes.
      await db().notify(channel, 'marker');
      await inbox.waitFor('marker');
      expect(inbox.payloads).toEqual(['committed', 'marker']);
      await inbox.unsubscribe();
    });

    it("sends a transaction's notifications in one statement with its queued writes, in order, once each; none on rollback", async () => {
      const [one, two] = [channelName(), channelName()];
      const inboxOne = await collect(db(), one);
      const inboxTwo = await collect(db(), two);
      const statements: string[] = [];
      const stop = observeStatements(db(), (text) => statements.push(text));
      try {
        await db().transaction(async (tx) => {
          await notifyInTransaction(tx, one, 'a');
          await notifyInTransaction(tx, two, 'x');
          await notifyInTransaction(tx, one, 'a'); // a repeat: folded
          await notifyInTransaction(tx, one, 'b');
          expect(statements).toEqual([]); // queued, not sent
          // The transaction's next statement sends them first, as one.
          await tx.query('SELECT 1');
          expect(statements).toEqual([
            'SELECT pg_notify($1, $2), pg_notify($3, $4), pg_notify($5, $6)',
            'SELECT 1',
          ]);
          // On an executor without queued writes (a wrapper) a notification is its own statement, sent now.
          const wrapped = { query: tx.query };
          await notifyInTransaction(wrapped, two, 'y');
          expect(statements.slice(2)).toEqual(['SELECT pg_notify($1, $2)']);
          await sleep(20);
          expect([...inboxOne.payloads, ...inboxTwo.payloads]).toEqual([]); // still held until COMMIT
        });
      } finally {
        stop();
      }
      await inboxOne.waitFor('b');
      await inboxTwo.waitFor('y');
      expect(inboxOne.payloads).toEqual(['a', 'b']);
      expect(inboxTwo.payloads).toEqual(['x', 'y']);

      await expect(
        db().transaction(async (tx) => {
          await notifyInTransaction(tx, one, 'lost');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await db().notify(one, 'marker');
      await inboxOne.waitFor('marker');
      expect(inboxOne.payloads).toEqual(['a', 'b', 'marker']);
      await inboxOne.unsubscribe();
      await inboxTwo.unsubscribe();
    });

    it('stops delivering to an unsubscribed listener and keeps the others', async () => {
      const channel = channelName();
      const first = await collect(db(), channel);
      const second = await collect(db(), channel);
      await first.unsubscribe();
      await first.unsubscribe(); // idempotent
      await db().notify(channel, 'after');
      await second.waitFor('after');
      await sleep(20);
      expect(first.payloads).toEqual([]);
      await second.unsubscribe();
      // The channel can be subscribed again after its last listener left.
      const third = await collect(db(), channel);
      await db().notify(channel, 'again');
      await third.waitFor('again');
      expect(second.payloads).toEqual(['after']);
      await third.unsubscribe();
    });

    it('rejects a channel name that is not a lower-case identifier', async () => {
      for (const bad of ['Upper', 'has-dash', 'semi;colon', '', 'x'.repeat(64)]) {
        expect((await rejectionOf(db().listen(bad, () => {}))).code).toBe('invalid_usage');
        expect((await rejectionOf(db().notify(bad, 'x'))).code).toBe('invalid_usage');
      }
    });

    it('reports a throwing listener to onError and keeps delivering', async () => {
      const reported: unknown[] = [];
      const spare = await openSpare((error) => reported.push(error));
      try {
        const channel = channelName();
        const boom = new Error('listener failed');
        await spare.listen(channel, () => {
          throw boom;
        });
        const inbox = await collect(spare, channel);
        await spare.notify(channel, 'one');
        await spare.notify(channel, 'two');
        await inbox.waitFor('two');
        expect(inbox.payloads).toEqual(['one', 'two']);
        expect(reported).toEqual([boom, boom]);
      } finally {
        await spare.close();
      }
    }, 60_000);

    if (kind === 'postgres') {
      it('re-LISTENs after the LISTEN connection was killed, reporting the loss to onError', async () => {
        const reported: unknown[] = [];
        const spare = await openSpare((error) => reported.push(error));
        try {
          const channel = channelName();
          const inbox = await collect(spare, channel);
          const killed = await db().query<{ killed: boolean }>(
            `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE query = $1`,
            [`LISTEN "${channel}"`],
          );
          expect(killed.rows).toEqual([{ killed: true }]);
          // Notifications sent while it reconnects are lost by design: keep sending until one arrives.
          let attempt = 0;
          const deadline = Date.now() + 5_000;
          while (inbox.payloads.length === 0 && Date.now() < deadline) {
            await spare.notify(channel, `after-${attempt++}`);
            await sleep(50);
          }
          expect(inbox.payloads.length).toBeGreaterThan(0);
          expect(reported.length).toBeGreaterThan(0);
          expect(toStoreError(reported[0]).code).toBe('unavailable');
          await inbox.unsubscribe();
        } finally {
          await spare.close();
        }
      });

      it('receives a notification sent by another instance', async () => {
        const other = await openAnother();
        const channel = channelName();
        const inbox = await collect(db(), channel);
        await other.notify(channel, 'from-other');
        await other.transaction(async (tx) => {
          await tx.query('SELECT pg_notify($1, $2)', [channel, 'from-other-tx']);
        });
        await inbox.waitFor('from-other-tx');
        expect(inbox.payloads).toEqual(['from-other', 'from-other-tx']);
        await inbox.unsubscribe();
      });
    }
  });
});

describe('connecting to PostgreSQL', () => {
  it('rejects with unavailable when the connection is refused', async () => {
    const error = await rejectionOf(
      createPostgresDatabase({
        connectionString: 'postgres://postgres@127.0.0.1:1/test',
        connectionTimeoutMs: 3_000,
      }),
    );
    expect(error.code).toBe('unavailable');
    expect(error.sqlState).toBeUndefined();
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('rejects with unavailable when every address of a host refuses', async () => {
    // localhost may resolve to ::1 and 127.0.0.1: Node then fails with an AggregateError.
    const error = await rejectionOf(
      createPostgresDatabase({
        connectionString: 'postgres://postgres@localhost:1/test',
        connectionTimeoutMs: 3_000,
      }),
    );
    expect(error.code).toBe('unavailable');
  });

  it('rejects an invalid schema name before connecting', async () => {
    const error = await rejectionOf(
      createPostgresDatabase({
        connectionString: 'postgres://postgres@127.0.0.1:1/test',
        schema: 'Bad"Name',
      }),
    );
    expect(error.code).toBe('invalid_usage');
  });

  it.skipIf(TEST_DATABASE_URL === undefined)(
    'rejects with unavailable when the database does not exist',
    async () => {
      const url = new URL(TEST_DATABASE_URL as string);
      url.pathname = `/td_missing_${randomBytes(4).toString('hex')}`;
      const error = await rejectionOf(createPostgresDatabase({ connectionString: url.toString() }));
      expect(error).toMatchObject({ code: 'unavailable', sqlState: '3D000' });
    },
  );
});

describe('toStoreError', () => {
  it('keeps a StoreError, maps socket and driver errors, wraps anything else as unknown', () => {
    const store = new StoreError('conflict', 'x');
    expect(toStoreError(store)).toBe(store);
    expect(toStoreError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).code).toBe('unavailable');
    const shutdown = Object.assign(new Error('terminating'), { code: '57P01', severity: 'FATAL' });
    expect(toStoreError(shutdown)).toMatchObject({ code: 'unavailable', sqlState: '57P01' });
    const deadlock = Object.assign(new Error('deadlock'), { code: '40P01', severity: 'ERROR' });
    expect(toStoreError(deadlock).code).toBe('serialization');
    // A five-character code without a severity is not an SQLSTATE (e.g. Node's EPIPE).
    expect(toStoreError(Object.assign(new Error('pipe'), { code: 'EPIPE' })).sqlState).toBeUndefined();
    expect(toStoreError('plain string')).toMatchObject({ code: 'unknown', message: 'plain string' });
    expect(
      toStoreError(new AggregateError([Object.assign(new Error('r'), { code: 'ECONNREFUSED' })])).code,
    ).toBe('unavailable');
  });
});
