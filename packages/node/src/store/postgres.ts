import pg from 'pg';
import { StoreError, toStoreError } from './errors';
import { quoteIdentifier, reportToConsole } from './identifiers';
import type { SqlDatabase, SqlExecutor, SqlResult, SqlRow, StoreErrorHandler } from './sql';
import { registerScope, TransactionScope } from './transaction-scope';

/** Options of {@link createPostgresDatabase}. */
export interface PostgresDatabaseOptions {
  /** A libpq-style URL, e.g. `postgres://user:pass@host:5432/db`. */
  connectionString: string;
  /** The most pooled connections (the LISTEN connection comes on top). Default 10. */
  max?: number;
  /**
   * A schema to keep all Tierdesk tables in (lower-case identifier). Created if missing and made the
   * `search_path` of every pooled connection. Default: the server's search_path (usually `public`).
   */
  schema?: string;
  /** How long to wait for a new connection before failing with `unavailable`. Default 10 000 ms. */
  connectionTimeoutMs?: number;
  /**
   * Receives failures no caller can receive: an idle pooled connection or the LISTEN connection
   * dropping (notifications sent until it is re-established are lost), a listener callback that
   * threw. Default: console.error.
   */
  onError?: StoreErrorHandler;
}

// Type OIDs whose default pg parsing differs from PGlite's.
const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;
const TEXT_ARRAY_OID = 1009;
const NUMERIC_ARRAY_OID = 1231;
const DATE_OID = 1082;
const DATE_ARRAY_OID = 1182;
const INTERVAL_OID = 1186;
const INTERVAL_ARRAY_OID = 1187;

// Same as PGlite, so code never sees `count(*)` as "20" on one driver and 20 on the other; values past
// 2^53 become bigints instead of silently losing precision.
function parseInt8(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

// Same as PGlite: midnight UTC of the day (pg's default is local midnight, which shifts the day in
// any time zone west of UTC).
function parseDate(text: string): Date | number {
  if (text === 'infinity') return Number.POSITIVE_INFINITY;
  if (text === '-infinity') return Number.NEGATIVE_INFINITY;
  return new Date(text);
}

type NestedArray<T> = Array<T | null | NestedArray<T>>;

function mapNested<T>(values: NestedArray<string>, parse: (text: string) => T): NestedArray<T> {
  return values.map((value) =>
    value === null ? null : Array.isArray(value) ? mapNested(value, parse) : parse(value),
  );
}

/**
 * pg's type parsers, adjusted so both drivers return the same values (see {@link SqlDatabase}):
 * int8 and int8[] as numbers or bigints, numeric[] as strings (pg makes lossy floats of them), date as
 * UTC midnight, interval as its text (pg makes an object of it).
 */
function createTypeParsers(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  const parseTextArray = types.getTypeParser(TEXT_ARRAY_OID, 'text') as unknown as (
    text: string,
  ) => NestedArray<string>;
  const identity = (text: string): string => text;
  types.setTypeParser(INT8_OID, 'text', parseInt8);
  types.setTypeParser(INT8_ARRAY_OID, 'text', (text) => mapNested(parseTextArray(text), parseInt8));
  types.setTypeParser(NUMERIC_ARRAY_OID, 'text', parseTextArray);
  types.setTypeParser(DATE_OID, 'text', parseDate);
  types.setTypeParser(DATE_ARRAY_OID, 'text', (text) => mapNested(parseTextArray(text), parseDate));
  types.setTypeParser(INTERVAL_OID, 'text', identity);
  types.setTypeParser(INTERVAL_ARRAY_OID, 'text', parseTextArray);
  return types;
}

type PgQueryable = Pick<pg.ClientBase, 'query'>;

async function runQuery<T extends SqlRow>(
  client: PgQueryable,
  text: string,
  params: unknown[] | undefined,
): Promise<SqlResult<T>> {
  let result: pg.QueryResult<T> | pg.QueryResult<T>[];
  try {
    result = await client.query<T>(text, params);
  } catch (error) {
    throw toStoreError(error);
  }
  // pg answers a multi-statement text (simple protocol) with one result per statement.
  const last = Array.isArray(result) ? result.at(-1) : result;
  return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
}

interface ChannelState {
  readonly callbacks: Set<(payload: string) => void>;
  /** Settles when the first LISTEN for the channel is active (or failed). */
  readonly ready: Promise<void>;
}

const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 5_000;

// The same error PGlite raises in that case (SQLSTATE in_failed_sql_transaction).
function transactionRolledBack(): StoreError {
  return new StoreError(
    'unknown',
    'Transaction was rolled back instead of committed: one of its statements failed earlier.',
    { sqlState: '25P02' },
  );
}

/**
 * LISTENs on one dedicated connection outside the pool: a pooled connection would be handed to other
 * queries and lose its LISTENs when recycled. When that connection drops it reconnects with backoff
 * and LISTENs again on every channel that still has subscribers.
 */
class PostgresListener {
  readonly #config: pg.ClientConfig;
  readonly #onError: StoreErrorHandler;
  readonly #channels = new Map<string, ChannelState>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryAttempt = 0;
  #closed = false;

  constructor(config: pg.ClientConfig, onError: StoreErrorHandler) {
    this.#config = config;
    this.#onError = onError;
  }

  async subscribe(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>> {
    const quoted = quoteIdentifier(channel, 'channel');
    let state = this.#channels.get(channel);
    if (state === undefined) {
      const created: ChannelState = {
        callbacks: new Set(),
        ready: this.#ensureClient().then((client) =>
          runQuery(client, `LISTEN ${quoted}`, undefined).then(() => {}),
        ),
      };
      this.#channels.set(channel, created);
      // A failed LISTEN must not leave a channel behind that later subscribers would trust.
      created.ready.catch(() => {
        if (this.#channels.get(channel) === created) this.#channels.delete(channel);
      });
      state = created;
    }
    state.callbacks.add(callback);
    try {
      await state.ready;
    } catch (error) {
      state.callbacks.delete(callback);
      throw toStoreError(error);
    }
    const subscribed = state;
    let unsubscribed = false;
    return async () => {
      if (unsubscribed) return;
      unsubscribed = true;
      await this.#unsubscribe(channel, quoted, subscribed, callback);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#channels.clear();
    const client = this.#client;
    this.#client = undefined;
    // A connect in flight ends its own client once it sees #closed; its failure belongs to the
    // subscriber that started it, which receives it.
    await this.#connecting?.catch(() => undefined);
    if (client !== undefined) await client.end();
  }

  async #unsubscribe(
    channel: string,
    quoted: string,
    state: ChannelState,
    callback: (payload: string) => void,
  ): Promise<void> {
    state.callbacks.delete(callback);
    if (state.callbacks.size > 0 || this.#channels.get(channel) !== state) return;
    this.#channels.delete(channel);
    const client = this.#client;
    // Not connected: nothing is listening, and a reconnect only re-LISTENs channels still in the map.
    if (client === undefined) return;
    try {
      await runQuery(client, `UNLISTEN ${quoted}`, undefined);
    } catch (error) {
      // If the connection died meanwhile, its LISTENs died with it: the goal is reached.
      if (this.#client === client) throw error;
    }
  }

  #ensureClient(): Promise<pg.Client> {
    if (this.#closed) return Promise.reject(new StoreError('unavailable', 'The database is closed.'));
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client(this.#config);
    client.on('notification', (message) => this.#deliver(message.channel, message.payload ?? ''));
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, undefined));
    try {
      await client.connect();
      for (const channel of this.#channels.keys()) {
        await client.query(`LISTEN ${quoteIdentifier(channel, 'channel')}`);
      }
    } catch (error) {
      client.end().catch(this.#onError);
      throw toStoreError(error);
    }
    if (this.#closed) {
      await client.end();
      throw new StoreError('unavailable', 'The database is closed.');
    }
    this.#client = client;
    this.#retryAttempt = 0;
    return client;
  }

  #lost(client: pg.Client, error: Error | undefined): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (this.#closed) return;
    this.#onError(
      toStoreError(error ?? new StoreError('unavailable', 'The LISTEN connection ended unexpectedly.')),
    );
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    // With no channel left there is nothing to restore; the next subscribe connects on demand.
    if (this.#closed || this.#retryTimer !== undefined || this.#channels.size === 0) return;
    const delayMs = Math.min(RECONNECT_BASE_MS * 2 ** this.#retryAttempt, RECONNECT_MAX_MS);
    this.#retryAttempt += 1;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#ensureClient().catch((error: unknown) => {
        this.#onError(error);
        this.#scheduleReconnect();
      });
    }, delayMs);
    // Reconnecting must not keep a process alive that is otherwise done.
    this.#retryTimer.unref();
  }

  #deliver(channel: string, payload: string): void {
    const state = this.#channels.get(channel);
    if (state === undefined) return;
    for (const callback of [...state.callbacks]) {
      try {
        callback(payload);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}

/**
 * Connects to PostgreSQL through a `pg.Pool`. Resolves once a first connection worked (and the schema
 * exists); rejects with a StoreError `unavailable` when the server cannot be reached.
 *
 * Each transaction runs on one checked-out connection; concurrent transactions really run in parallel,
 * so contention is handled by PostgreSQL's row locks (`FOR UPDATE`, `SKIP LOCKED`). LISTEN runs on a
 * dedicated connection that reconnects after an error.
 */
export async function createPostgresDatabase(options: PostgresDatabaseOptions): Promise<SqlDatabase> {
  const onError = options.onError ?? reportToConsole;
  const quotedSchema = options.schema === undefined ? undefined : quoteIdentifier(options.schema, 'schema');
  const types = createTypeParsers();
  const connection: pg.ClientConfig = {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    types,
  };

  const pool = new pg.Pool({
    ...connection,
    max: options.max ?? 10,
    // Runs before a new connection is handed out, so no statement ever sees another search_path.
    onConnect:
      quotedSchema === undefined
        ? undefined
        : async (client: pg.ClientBase) => {
            await client.query(`SET search_path TO ${quotedSchema}`);
          },
  });
  // Without a listener, an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => onError(toStoreError(error)));

  try {
    if (quotedSchema === undefined) {
      await pool.query('SELECT 1');
    } else {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quotedSchema}`);
    }
  } catch (error) {
    const storeError = toStoreError(error);
    // Two servers starting together can both pass IF NOT EXISTS and one then hits the catalog's
    // unique index (23505) or 42P06: either way the schema exists now, which is all we need.
    const schemaRace = storeError.sqlState === '23505' || storeError.sqlState === '42P06';
    if (!schemaRace) {
      await pool.end();
      throw storeError;
    }
  }

  const scope = new TransactionScope();
  const listener = new PostgresListener({ ...connection, keepAlive: true }, onError);
  let closing: Promise<void> | undefined;

  const db: SqlDatabase = {
    kind: 'postgres',

    // async throughout: misuse must reject like every other failure, never throw synchronously.
    async query<T extends SqlRow = SqlRow>(text: string, params?: unknown[]): Promise<SqlResult<T>> {
      scope.assertOutside('query');
      return runQuery<T>(pool, text, params);
    },

    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return scope.run<T>(async (body) => {
        let client: pg.PoolClient;
        try {
          client = await pool.connect();
        } catch (error) {
          throw toStoreError(error);
        }
        // A connection that dies while checked out emits 'error' on the client, which would crash the
        // process unheard; the failure itself reaches the caller through the next statement or COMMIT.
        const ignoreCheckedOutError = (): void => {};
        client.on('error', ignoreCheckedOutError);
        // Set to destroy the connection instead of pooling it: its transaction state is unknown.
        let broken: Error | undefined;
        try {
          try {
            await client.query('BEGIN');
          } catch (error) {
            broken = error instanceof Error ? error : new Error(String(error));
            throw error;
          }
          try {
            const result = await body((text, params) => runQuery(client, text, params));
            const commit = await client.query('COMMIT');
            // A transaction that a failed statement aborted (the body caught that failure and went on)
            // answers COMMIT with ROLLBACK and no error; reporting success would lose its writes silently.
            if (commit.command === 'ROLLBACK') throw transactionRolledBack();
            return result;
          } catch (error) {
            try {
              // After a failed COMMIT the transaction is already over; ROLLBACK then only warns.
              await client.query('ROLLBACK');
            } catch (rollbackError) {
              broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
            }
            throw error;
          }
        } finally {
          client.off('error', ignoreCheckedOutError);
          client.release(broken);
        }
      }, fn);
    },

    async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
      scope.assertOutside('listen');
      return listener.subscribe(channel, onPayload);
    },

    async notify(channel: string, payload: string): Promise<void> {
      scope.assertOutside('notify');
      quoteIdentifier(channel, 'channel');
      await runQuery(pool, 'SELECT pg_notify($1, $2)', [channel, payload]);
    },

    close(): Promise<void> {
      closing ??= (async () => {
        try {
          await listener.close();
        } finally {
          await pool.end();
        }
      })().catch((error: unknown) => {
        throw toStoreError(error);
      });
      return closing;
    },
  };
  return registerScope(db, scope);
}
