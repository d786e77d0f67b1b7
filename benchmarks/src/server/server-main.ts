// A server process of the benchmarks, so that the load generator (this package's main process) and
// the server never share an event loop. Its configuration comes as JSON in TIERDESK_BENCH_SERVER:
//   { mode: 'tierdesk', options }  createTierdesk(options) on the built @tierdesk/node, node:http adapter
//   { mode: 'hello' }              the same node:http adapter around a fetch handler that answers a
//                                  small JSON object: the ceiling of the HTTP stack itself
// In tierdesk mode a second listener on another port (never the measured one) takes the benchmark's
// own requests: SQL for seeding and reading results (PGlite lives in this process), API keys, and the
// raw-insert ceiling, which runs here so that it uses the same engine instance and pool size.
// It prints `listening <url> control <url>` once it takes traffic and stops on SIGTERM.
import { createServer, type IncomingMessage } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import {
  createApiKey,
  createNodeServer,
  createTierdesk,
  type Logger,
  type Tierdesk,
  type TierdeskOptions,
} from '@tierdesk/node';
import pg from 'pg';
import { type CpuProfile, summariseProfile } from '../lib/cpu-profile';
import { rawInsertCeiling } from './raw-insert';

type ServerConfig = { mode: 'tierdesk'; options: TierdeskOptions } | { mode: 'hello' };

const raw = process.env.TIERDESK_BENCH_SERVER;
if (raw === undefined) throw new Error('TIERDESK_BENCH_SERVER is not set');
const config = JSON.parse(raw) as ServerConfig;

const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message, fields) =>
    process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
  error: (message, fields) =>
    process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`),
};

const hello = { ok: true, service: 'tierdesk', version: 1 };
const tierdesk =
  config.mode === 'tierdesk' ? await createTierdesk({ ...config.options, logger: stderrLogger }) : undefined;
const server = createNodeServer(tierdesk === undefined ? async () => Response.json(hello) : tierdesk.fetch);

async function listen(s: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', resolve);
  });
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) body += (chunk as Buffer).toString();
  return body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
}

// The V8 profiler of this process, started and stopped on request, so a profile covers exactly one
// scenario's load and nothing else (no seeding, no start-up).
let profiler: Session | undefined;

/** The benchmark's own requests (see the header). */
async function control(t: Tierdesk, path: string, body: Record<string, unknown>): Promise<unknown> {
  if (path === '/sql') {
    const { rows } = await t.db.query(body.sql as string, (body.params as unknown[] | undefined) ?? []);
    return { rows };
  }
  if (path === '/profile/start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
    await profiler.post('Profiler.start');
    return { ok: true };
  }
  if (path === '/profile/stop') {
    if (profiler === undefined) throw new Error('no profile is running');
    const { profile } = (await profiler.post('Profiler.stop')) as { profile: CpuProfile };
    profiler.disconnect();
    profiler = undefined;
    return summariseProfile(profile, (body.top as number | undefined) ?? 12);
  }
  if (path === '/api-key') {
    return createApiKey(t.db, { workspaceId: body.workspaceId as string, agentId: body.agentId as string });
  }
  if (path === '/raw-insert') {
    const options = { connections: body.connections as number, durationMs: body.durationMs as number };
    const row = body.row as Record<string, unknown>;
    if (t.db.kind === 'pglite')
      return rawInsertCeiling((sql, params) => t.db.query(sql, params), row, options);
    // PostgreSQL: a plain pg.Pool of the server's own size, beside (not through) the server's store.
    const store = (config as { options: TierdeskOptions }).options.store as {
      connectionString: string;
      max?: number;
    };
    const pool = new pg.Pool({ connectionString: store.connectionString, max: store.max ?? 10 });
    try {
      return await rawInsertCeiling((sql, params) => pool.query(sql, params), row, options);
    } finally {
      await pool.end();
    }
  }
  throw new Error(`unknown control path ${path}`);
}

const controlServer = createServer((req, res) => {
  void (async () => {
    try {
      if (tierdesk === undefined) throw new Error('no control in hello mode');
      const answer = await control(tierdesk, req.url ?? '', await readJson(req));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String((error as Error).stack ?? error));
    }
  })();
});

const url = await listen(server);
const controlUrl = await listen(controlServer);
process.stdout.write(`listening ${url} control ${controlUrl}\n`);

process.once('SIGTERM', () => {
  controlServer.close();
  server.close();
  server.closeIdleConnections();
  void (tierdesk?.close() ?? Promise.resolve()).finally(() => {
    server.closeAllConnections();
    process.exit(0);
  });
});
