import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { type TierdeskExpressOptions, tierdeskExpress } from './express';
import { describeAdapterConformance, type MountedServer } from './testing/adapter-conformance';
import { type EchoedRequest, echoHandler } from './testing/echo-handler';
import { deferred, open, recordingLogger, send, within } from './testing/http-client';

async function serve(app: Express, prefix: string): Promise<MountedServer> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${prefix}${path}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeAdapterConformance('express (mounted at /support)', (handler, logger) => {
  const app = express();
  app.use('/support', tierdeskExpress(handler, { logger }));
  return serve(app, '/support');
});

describe('express adapter', () => {
  let server: MountedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** An app with its own auth middleware and routes around the mount, as a host application has. */
  function hostApp(options: TierdeskExpressOptions & { jsonFirst?: boolean } = {}): Express {
    const app = express();
    app.disable('x-powered-by');
    if (options.jsonFirst) app.use(express.json());
    app.use((req, _res, next) => {
      // The host's session lookup, handed to Tierdesk as a header its authenticate hook trusts.
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (token === 'alice-session') req.headers['x-host-user'] = 'alice';
      delete req.headers.authorization;
      next();
    });
    app.get('/status', (_req, res) => {
      res.json({ app: 'host' });
    });
    app.use('/support', tierdeskExpress(echoHandler, { logger: recordingLogger(), ...options }));
    app.get('/support/legacy', (_req, res) => {
      res.type('text').send('legacy page');
    });
    app.get('/support/v1/missing/:id', (_req, res) => {
      res.type('text').send('the host took it');
    });
    return app;
  }

  it('shows the handler paths relative to the mount and the headers earlier middleware set', async () => {
    server = await serve(hostApp(), '');
    const res = await send(server.url('/support/v1/tickets?status=open'), {
      headers: { authorization: 'Bearer alice-session' },
    });
    const echoed = JSON.parse(res.body) as EchoedRequest;
    expect(echoed.path).toBe('/v1/tickets');
    expect(echoed.query).toEqual([['status', 'open']]);
    expect(echoed.headers['x-host-user']).toBe('alice');
    expect(echoed.headers.authorization).toBeUndefined();
    expect(echoed.remoteAddress).toBe('127.0.0.1');
    // The host's own routes are untouched.
    expect(JSON.parse((await send(server.url('/status'))).body)).toEqual({ app: 'host' });
  });

  it('answers every request under the mount itself by default, 404s included', async () => {
    server = await serve(hostApp(), '');
    const res = await send(server.url('/support/legacy'));
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'not_found', message: 'No such route' } });
  });

  it('falls through to later routes for paths outside its namespace when asked to', async () => {
    server = await serve(hostApp({ fallthrough: true }), '');
    const legacy = await send(server.url('/support/legacy'));
    expect(legacy.status).toBe(200);
    expect(legacy.body).toBe('legacy page');
    // A 404 inside /v1 is Tierdesk's answer, not a reason to fall through.
    const inside = await send(server.url('/support/v1/missing/t_1'));
    expect(inside.status).toBe(404);
    expect(JSON.parse(inside.body)).toEqual({ error: { code: 'not_found', message: 'No such ticket' } });
    const missing = await send(server.url('/support/elsewhere'));
    expect(missing.status).toBe(404);
    expect(missing.body).not.toContain('not_found'); // Express's own 404 page
  });

  it('lets the next middleware read a body the handler declined without touching', async () => {
    const app = express();
    app.use('/support', tierdeskExpress(echoHandler, { fallthrough: () => true, logger: recordingLogger() }));
    app.post('/support/form', express.text({ type: '*/*' }), (req, res) => {
      res.type('text').send(`got ${String(req.body)}`);
    });
    server = await serve(app, '');
    const res = await send(server.url('/support/form'), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'the body',
    });
    expect(res.body).toBe('got the body');
  });

  it('re-serialises a body express.json() already parsed', async () => {
    server = await serve(hostApp({ jsonFirst: true }), '');
    const res = await send(server.url('/support/v1/tickets'), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ subject: 'Löst?', body: 'x' }),
    });
    expect(res.status).toBe(200);
    const echoed = JSON.parse(res.body) as EchoedRequest;
    expect(JSON.parse(echoed.body)).toEqual({ subject: 'Löst?', body: 'x' });
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(echoed.headers['content-length']).toBe(String(Buffer.byteLength(echoed.body)));
  });

  it('streams bodies express.json() left alone, even when it ran first', async () => {
    server = await serve(hostApp({ jsonFirst: true }), '');
    const res = await send(server.url('/support/v1/upload'), {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: 'a,b\n1,2\n',
    });
    const echoed = JSON.parse(res.body) as EchoedRequest;
    expect(echoed.body).toBe('a,b\n1,2\n');
    expect(echoed.headers['content-type']).toBe('text/csv');
  });

  it('takes the scheme from Express under its trust proxy setting and the socket address as is', async () => {
    const app = express();
    app.set('trust proxy', true);
    app.use(tierdeskExpress(echoHandler, { logger: recordingLogger() }));
    server = await serve(app, '');
    const res = await send(server.url('/v1/echo'), {
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' },
    });
    const echoed = JSON.parse(res.body) as EchoedRequest;
    // The forwarded-for chain is the Tierdesk server's to interpret (its own trustProxy), not the adapter's.
    expect(echoed.remoteAddress).toBe('127.0.0.1');
    expect(echoed.headers['x-forwarded-for']).toBe('203.0.113.7');
    expect(echoed.url).toMatch(/^https:\/\//);
  });

  it('flushes each chunk through a buffering middleware such as compression', async () => {
    const app = express();
    app.use((_req, res, next) => {
      // What `compression` does to a response: bytes are held until flush() or end().
      const held: Buffer[] = [];
      const write = res.write.bind(res) as (chunk: Buffer) => boolean;
      const end = res.end.bind(res) as () => void;
      const flush = (): void => {
        for (const chunk of held.splice(0)) write(chunk);
      };
      Object.assign(res, {
        flush,
        write: (chunk: Uint8Array) => held.push(Buffer.from(chunk)) > 0,
        end: (chunk?: Uint8Array) => {
          if (chunk) held.push(Buffer.from(chunk));
          flush();
          end();
          return res;
        },
      });
      next();
    });
    const later = deferred();
    app.use(
      tierdeskExpress(
        async () =>
          new Response(
            new ReadableStream<Uint8Array>({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('data: first\n\n'));
                void later.promise.then(() => controller.close());
              },
            }),
            { headers: { 'content-type': 'text/event-stream' } },
          ),
        { logger: recordingLogger() },
      ),
    );
    server = await serve(app, '');
    const { res } = await open(server.url('/v1/stream'));
    const first = deferred<string>();
    res.setEncoding('utf8');
    res.once('data', (chunk: string) => first.resolve(chunk));
    expect(await within(first.promise, 5_000, 'the event held by the buffering middleware')).toBe(
      'data: first\n\n',
    );
    later.resolve();
  });
});
