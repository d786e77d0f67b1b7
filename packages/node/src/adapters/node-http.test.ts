import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FetchHandler } from './node-exchange';
import { createNodeServer, type NodeServerOptions } from './node-http';
import { describeAdapterConformance, type MountedServer } from './testing/adapter-conformance';
import { type EchoedRequest, echoHandler } from './testing/echo-handler';
import { recordingLogger, send } from './testing/http-client';

async function listen(handler: FetchHandler, options: NodeServerOptions): Promise<MountedServer> {
  const server = createNodeServer(handler, options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeAdapterConformance('node:http', (handler, logger) => listen(handler, { logger }));

describe('node:http adapter', () => {
  let server: MountedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('takes the scheme from X-Forwarded-Proto only when told to trust the proxy', async () => {
    server = await listen(echoHandler, { logger: recordingLogger() });
    const untrusted = await send(server.url('/v1/echo'), { headers: { 'x-forwarded-proto': 'https' } });
    expect((JSON.parse(untrusted.body) as EchoedRequest).url).toMatch(/^http:\/\//);
    await server.close();

    server = await listen(echoHandler, { logger: recordingLogger(), trustProxy: true });
    const trusted = await send(server.url('/v1/echo'), { headers: { 'x-forwarded-proto': 'https, http' } });
    expect((JSON.parse(trusted.body) as EchoedRequest).url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\/echo$/);
    const bogus = await send(server.url('/v1/echo'), { headers: { 'x-forwarded-proto': 'gopher' } });
    expect((JSON.parse(bogus.body) as EchoedRequest).url).toMatch(/^http:\/\//);
  });

  it('keeps a path that starts with two slashes on the requested host', async () => {
    server = await listen(echoHandler, { logger: recordingLogger() });
    const res = await send(server.url('//evil.example/v1/echo'));
    expect(res.status).toBe(404);
    const echoed = await send(server.url('/v1//evil.example'));
    expect(new URL((JSON.parse(echoed.body) as EchoedRequest).url).host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('rejects a Host header that is not an authority with a 400 bad_request', async () => {
    server = await listen(echoHandler, { logger: recordingLogger() });
    const port = new URL(server.url('/')).port;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('GET /v1/echo HTTP/1.1\r\nHost: evil.example/path@x\r\nConnection: close\r\n\r\n');
      });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('"code":"bad_request"');
  });

  it('does not abort the request signal of a request that completed normally', async () => {
    let signal: AbortSignal | undefined;
    server = await listen(
      async (request) => {
        signal = request.signal;
        return new Response('done');
      },
      { logger: recordingLogger() },
    );
    expect((await send(server.url('/v1/x'))).body).toBe('done');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signal?.aborted).toBe(false);
  });
});
