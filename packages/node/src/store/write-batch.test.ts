import { beforeEach, expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { queueSelect, queueWrite } from './index';
import { observeStatements } from './transaction-scope';

class Stale extends Error {}

describeStores('queued writes', ({ db }) => {
  beforeEach(async () => {
    await db().query('CREATE TABLE IF NOT EXISTS wb_items (id int PRIMARY KEY, v int NOT NULL)');
    await db().query('TRUNCATE wb_items');
    await db().query('INSERT INTO wb_items VALUES (1, 1)');
  });

  const rows = async () => (await db().query('SELECT id, v FROM wb_items ORDER BY id')).rows;

  it('sends queued writes as one statement before a read and before COMMIT, renumbering parameters', async () => {
    const sent: string[] = [];
    const stop = observeStatements(db(), (text) => sent.push(text));
    try {
      await db().transaction(async (tx) => {
        await queueWrite(tx, 'INSERT INTO wb_items VALUES ($1, $2)', [2, 20]);
        await queueWrite(tx, 'UPDATE wb_items SET v = $2 WHERE id = $1', [1, 10]);
        expect(sent).toEqual([]);
        // A read sees every earlier write: the batch goes first.
        const seen = await tx.query('SELECT count(*)::int AS n FROM wb_items');
        expect(seen.rows[0]?.n).toBe(2);
        await queueWrite(tx, 'DELETE FROM wb_items WHERE id = $1', [2]);
        await queueSelect(tx, 'pg_notify($1, $2)', ['wb_channel', 'x']);
      });
    } finally {
      stop();
    }
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatch(/^WITH w0 AS \(INSERT .*\$1, \$2.*w1 AS \(UPDATE .*\$4.*\$3/s);
    expect(sent[2]).toMatch(/^WITH w0 AS \(DELETE .* SELECT pg_notify\(\$2, \$3\)$/s);
    expect(await rows()).toEqual([{ id: 1, v: 10 }]);
  });

  it('keeps the order of two writes of one kind on one table by sending them apart', async () => {
    await db().query('CREATE TABLE IF NOT EXISTS wb_log (n serial PRIMARY KEY, what text NOT NULL)');
    await db().query('TRUNCATE wb_log RESTART IDENTITY');
    const sent: string[] = [];
    const stop = observeStatements(db(), (text) => sent.push(text));
    try {
      await db().transaction(async (tx) => {
        for (const what of ['first', 'second', 'third']) {
          await queueWrite(tx, 'INSERT INTO wb_log (what) VALUES ($1)', [what]);
          await queueWrite(tx, 'UPDATE wb_items SET v = v + 1 WHERE id = $1', [1]);
        }
      });
    } finally {
      stop();
    }
    expect(sent).toHaveLength(3);
    const log = await db().query('SELECT n, what FROM wb_log ORDER BY n');
    expect(log.rows).toEqual([
      { n: 1, what: 'first' },
      { n: 2, what: 'second' },
      { n: 3, what: 'third' },
    ]);
    expect(await rows()).toEqual([{ id: 1, v: 4 }]);
  });

  it('a failed guard aborts the whole batch with the guard’s own error, and nothing lands', async () => {
    const attempt = db().transaction(async (tx) => {
      await queueWrite(tx, 'INSERT INTO wb_items VALUES ($1, $2)', [3, 30]);
      await queueWrite(tx, 'UPDATE wb_items SET v = 99 WHERE id = $1 AND v = $2', [1, 7], {
        rows: 1,
        error: () => new Stale('version moved'),
      });
    });
    await expect(attempt).rejects.toBeInstanceOf(Stale);
    expect(await rows()).toEqual([{ id: 1, v: 1 }]);
  });

  it('a guard that fails inside a savepoint is undone by ROLLBACK TO, and the transaction goes on', async () => {
    await db().transaction(async (tx) => {
      await tx.query('SAVEPOINT wb');
      await queueWrite(tx, 'INSERT INTO wb_items VALUES ($1, $2)', [4, 40]);
      await queueWrite(tx, 'UPDATE wb_items SET v = 99 WHERE id = $1 AND v = $2', [1, 7], {
        rows: 1,
        error: () => new Stale('version moved'),
      });
      await expect(tx.query('RELEASE SAVEPOINT wb')).rejects.toBeInstanceOf(Stale);
      await tx.query('ROLLBACK TO SAVEPOINT wb');
      await queueWrite(tx, 'INSERT INTO wb_items VALUES ($1, $2)', [5, 50]);
    });
    expect(await rows()).toEqual([
      { id: 1, v: 1 },
      { id: 5, v: 50 },
    ]);
  });

  it('a guard that holds lets the batch commit; a body that throws sends nothing', async () => {
    await db().transaction(async (tx) => {
      await queueWrite(tx, 'UPDATE wb_items SET v = 2 WHERE id = $1 AND v = $2', [1, 1], {
        rows: 1,
        error: () => new Stale('version moved'),
      });
    });
    const sent: string[] = [];
    const stop = observeStatements(db(), (text) => sent.push(text));
    await expect(
      db().transaction(async (tx) => {
        await queueWrite(tx, 'INSERT INTO wb_items VALUES ($1, $2)', [6, 60]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    stop();
    expect(sent).toEqual([]);
    expect(await rows()).toEqual([{ id: 1, v: 2 }]);
  });

  it('refuses a statement that cannot be a CTE, and runs writes at once outside a transaction', async () => {
    await expect(
      db().transaction((tx) => queueWrite(tx, 'WITH x AS (SELECT 1) DELETE FROM wb_items', [])),
    ).rejects.toMatchObject({ code: 'invalid_usage' });
    await queueWrite(db(), 'INSERT INTO wb_items VALUES ($1, $2)', [7, 70]);
    await expect(
      queueWrite(db(), 'UPDATE wb_items SET v = 0 WHERE id = $1', [42], {
        rows: 1,
        error: () => new Stale('x'),
      }),
    ).rejects.toBeInstanceOf(Stale);
    expect(await rows()).toEqual([
      { id: 1, v: 1 },
      { id: 7, v: 70 },
    ]);
  });
});
