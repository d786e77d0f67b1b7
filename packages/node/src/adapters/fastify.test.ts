import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { tierdeskFastify } from './fastify';
import type { FetchHandler } from './node-exchange';
import { describeAdapterConformance, type MountedServer } from './testing/adapter-conformance';
import { type EchoedRequest, echoHandler } from './testing/echo-handler';
import { type RecordingLogger, recordingLogger, send } from './testing/http-client';

async function serve(app: FastifyInstance, prefix: string): Promise<MountedServer> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: (path) => `${address}${prefix}${path}`, close: () => app.close() };
}

function hostApp(handler: FetchHandler, logger: RecordingLogger, prefix?: string): FastifyInstance {
  const app = Fastify({ forceCloseConnections: true });
  app.get('/status', async () => ({ app: 'host' }));
  // Fastify's own JSON parser must still serve the application's routes.
  app.post('/notes', async (request) => ({ parsed: request.body }));
  app.register(tierdeskFastify, { handler, logger, ...(prefix === undefined ? {} : { prefix }) });
  return app;
}

describeAdapterConformance('fastify (prefix /support)', (handler, logger) =>
  serve(hostApp(handler, logger, '/support'), '/support'),
);

describeAdapterConformance('fastify (no prefix)', (handler, logger) => serve(hostApp(handler, logger), ''));

describe('fastify plugin', () => {
  let server: MountedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves under its prefix with paths relative to it, and leaves the other routes alone', async () => {
    server = await serve(hostApp(echoHandler, recordingLogger(), '/support'), '');
    const echoed = JSON.parse((await send(server.url('/support/v1/tickets?page=2'))).body) as EchoedRequest;
    expect(echoed.path).toBe('/v1/tickets');
    expect(echoed.query).toEqual([['page', '2']]);

    const bare = await send(server.url('/support'));
    expect(bare.status).toBe(404);
    expect(JSON.parse(bare.body)).toEqual({ error: { code: 'not_found', message: 'No such route' } });

    expect(JSON.parse((await send(server.url('/status'))).body)).toEqual({ app: 'host' });
    const notes = await send(server.url('/notes'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(JSON.parse(notes.body)).toEqual({ parsed: { text: 'hi' } });
    // Outside the prefix Fastify's own 404 answers, not Tierdesk.
    const outside = await send(server.url('/v1/tickets'));
    expect(outside.status).toBe(404);
    expect(JSON.parse(outside.body)).toMatchObject({ error: 'Not Found' });
  });

  it('passes the exact bytes of any content type through, JSON included', async () => {
    server = await serve(hostApp(echoHandler, recordingLogger(), '/support'), '');
    const body = '{ "subject" : "spacing kept" }';
    for (const contentType of [
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'x/y',
    ]) {
      const res = await send(server.url('/support/v1/tickets'), {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      const echoed = JSON.parse(res.body) as EchoedRequest;
      expect(echoed.body).toBe(body);
      expect(echoed.headers['content-type']).toBe(contentType);
    }
    const untyped = await send(server.url('/support/v1/tickets'), { method: 'PATCH', body: 'raw' });
    expect((JSON.parse(untyped.body) as EchoedRequest).body).toBe('raw');
  });

  it('takes the scheme from Fastify under its trustProxy setting and the socket address as is', async () => {
    const app = Fastify({ trustProxy: true, forceCloseConnections: true });
    app.register(tierdeskFastify, { handler: echoHandler, logger: recordingLogger() });
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

  it('refuses to register without a handler', async () => {
    const app = Fastify();
    app.register(tierdeskFastify, {} as unknown as { handler: FetchHandler });
    await expect(app.ready()).rejects.toThrow(/handler/);
  });
});
