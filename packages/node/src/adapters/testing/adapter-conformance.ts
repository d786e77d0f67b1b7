import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientDisconnectedError, type FetchHandler } from '../node-exchange';
import { type EchoedRequest, echoHandler } from './echo-handler';
import { deferred, open, type RecordingLogger, recordingLogger, send, within } from './http-client';

/** A fetch handler served over a real socket on 127.0.0.1 by one of the adapters. */
export interface MountedServer {
  /** The absolute URL of a handler path (`/v1/echo`), with the adapter's mount prefix in front. */
  url(path: string): string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Starts an adapter around a handler. */
export type MountAdapter = (handler: FetchHandler, logger: RecordingLogger) => Promise<MountedServer>;

const encoder = new TextEncoder();
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' };
const WAIT_MS = 5_000;

/**
 * The behaviour every Node adapter must show, run against real sockets: request conversion, streamed
 * bodies both ways, disconnects, and failures. Each adapter's test file calls it with its own mount.
 */
export function describeAdapterConformance(name: string, mount: MountAdapter): void {
  describe(`${name}: adapter conformance`, () => {
    let server: MountedServer | undefined;
    let logger: RecordingLogger;

    async function start(handler: FetchHandler): Promise<MountedServer> {
      logger = recordingLogger();
      server = await mount(handler, logger);
      return server;
    }

    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('hands the handler method, path, query, repeated headers, body and peer address', async () => {
      const s = await start(echoHandler);
      const body = JSON.stringify({ subject: 'Printer on fire', tags: ['ü', '🔥'] });
      const res = await send(s.url('/v1/echo?a=1&a=2&b=x%20y'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-multi': ['one', 'two'], 'x-single': 'solo' },
        body,
      });
      expect(res.status).toBe(200);
      expect(res.headers['x-echo']).toBe('yes');
      const echoed = JSON.parse(res.body) as EchoedRequest;
      expect(echoed.method).toBe('POST');
      expect(echoed.path).toBe('/v1/echo');
      expect(echoed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/echo\?a=1&a=2&b=x%20y$/);
      expect(echoed.query).toEqual([
        ['a', '1'],
        ['a', '2'],
        ['b', 'x y'],
      ]);
      expect(echoed.headers['x-multi']).toBe('one, two');
      expect(echoed.headers['x-single']).toBe('solo');
      expect(echoed.headers['content-type']).toBe('application/json');
      expect(echoed.body).toBe(body);
      expect(echoed.remoteAddress).toBe('127.0.0.1');
    });

    it('sends a body that is ready at once in one piece with a Content-Length', async () => {
      const s = await start(echoHandler);
      const res = await send(s.url('/v1/echo'));
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
      expect(res.headers['transfer-encoding']).toBeUndefined();
      expect((JSON.parse(res.body) as EchoedRequest).method).toBe('GET');
    });

    it('answers HEAD with the headers and no body', async () => {
      const s = await start(echoHandler);
      const res = await send(s.url('/v1/echo'), { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers['x-echo']).toBe('yes');
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toBe('');
    });

    it('keeps every Set-Cookie header and the status', async () => {
      const s = await start(async () => {
        const headers = new Headers({ 'content-type': 'text/plain' });
        headers.append('set-cookie', 'a=1; Path=/; Expires=Wed, 21 Oct 2099 07:28:00 GMT');
        headers.append('set-cookie', 'b=2; HttpOnly');
        return new Response('created', { status: 201, headers });
      });
      const res = await send(s.url('/v1/cookies'), { method: 'POST' });
      expect(res.status).toBe(201);
      expect(res.headers['set-cookie']).toEqual([
        'a=1; Path=/; Expires=Wed, 21 Oct 2099 07:28:00 GMT',
        'b=2; HttpOnly',
      ]);
      expect(res.body).toBe('created');
    });

    it('streams a large request body to the handler while the client is still sending', async () => {
      const payload = randomBytes(8 * 1024 * 1024);
      const firstBytesSeen = deferred();
      const s = await start(async (request) => {
        const hash = createHash('sha256');
        let bytes = 0;
        const reader = request.body!.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (bytes === 0) firstBytesSeen.resolve();
          bytes += value.byteLength;
          hash.update(value);
        }
        return Response.json({ bytes, sha256: hash.digest('hex') });
      });
      const answer = deferred<{ status: number; body: string }>();
      const req = httpRequest(
        s.url('/v1/upload'),
        { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            answer.resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      req.on('error', answer.reject);
      const chunkSize = 64 * 1024;
      req.write(payload.subarray(0, chunkSize));
      // Nothing more is sent until the handler has read the first bytes: a buffering adapter hangs here.
      await within(firstBytesSeen.promise, WAIT_MS, 'the handler to read the first uploaded bytes');
      for (let offset = chunkSize; offset < payload.length; offset += chunkSize) {
        if (!req.write(payload.subarray(offset, offset + chunkSize))) {
          await new Promise((resolve) => req.once('drain', resolve));
        }
      }
      req.end();
      const res = await within(answer.promise, WAIT_MS * 2, 'the upload answer');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({
        bytes: payload.length,
        sha256: createHash('sha256').update(payload).digest('hex'),
      });
    });

    it('discards the rest of a body the handler stopped reading, without stalling or crashing', async () => {
      const cancelled = deferred();
      const mayAnswer = deferred();
      const s = await start(async (request) => {
        if (new URL(request.url).pathname === '/v1/ok') return new Response('fine');
        const reader = request.body!.getReader();
        await reader.read();
        const more = reader.read(); // pending: the client has not sent more yet
        // Let the read reach the Node stream (undici relays it asynchronously) before cancelling.
        await new Promise((resolve) => setTimeout(resolve, 20));
        await reader.cancel('too large');
        expect((await more).done).toBe(true);
        cancelled.resolve();
        await mayAnswer.promise;
        return Response.json({ error: { code: 'payload_too_large', message: 'Too large' } }, { status: 413 });
      });
      const answer = deferred<number>();
      const req = httpRequest(s.url('/v1/upload'), { method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', () => answer.resolve(res.statusCode ?? 0));
      });
      req.on('error', answer.reject);
      req.write(Buffer.alloc(1024, 1));
      await within(cancelled.promise, WAIT_MS, 'the handler to cancel the body');
      // More than socket buffers hold: it only all leaves the client if the server keeps reading, and
      // none of it may reach the cancelled stream.
      const chunk = Buffer.alloc(64 * 1024, 2);
      for (let i = 0; i < 127; i++) req.write(chunk);
      await within(
        new Promise((resolve) => req.write(chunk, resolve)),
        WAIT_MS,
        'the server to take the rest of the upload while the handler is still busy',
      );
      mayAnswer.resolve();
      req.end();
      expect(await within(answer.promise, WAIT_MS, 'the 413 answer')).toBe(413);
      expect((await send(s.url('/v1/ok'))).body).toBe('fine');
      expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
    });

    it('delivers each Server-Sent Event as it is written, before the stream ends', async () => {
      const secondMayGo = deferred();
      const s = await start(async () => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('id: 1\ndata: one\n\n'));
            void secondMayGo.promise.then(() => {
              controller.enqueue(encoder.encode('id: 2\ndata: two\n\n'));
              controller.close();
            });
          },
        });
        return new Response(body, { headers: SSE_HEADERS });
      });
      const { res } = await within(open(s.url('/v1/stream')), WAIT_MS, 'the event stream head');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/event-stream');
      expect(res.headers['content-length']).toBeUndefined();
      const received: string[] = [];
      const ended = deferred();
      const firstArrived = deferred();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        received.push(chunk);
        firstArrived.resolve();
      });
      res.on('end', () => ended.resolve());
      // The second event is only produced after the first reached the client: nothing can be batched.
      await within(firstArrived.promise, WAIT_MS, 'the first event to arrive on its own');
      expect(received).toEqual(['id: 1\ndata: one\n\n']);
      secondMayGo.resolve();
      await within(ended.promise, WAIT_MS, 'the event stream to end');
      expect(received.join('')).toBe('id: 1\ndata: one\n\nid: 2\ndata: two\n\n');
    });

    it('aborts the request signal and cancels the response stream when the client disconnects', async () => {
      const aborted = deferred<unknown>();
      const cancelled = deferred<unknown>();
      const s = await start(async (request) => {
        if (new URL(request.url).pathname === '/v1/ok') return new Response('fine');
        request.signal.addEventListener('abort', () => aborted.resolve(request.signal.reason));
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('data: hello\n\n'));
          },
          cancel(reason) {
            cancelled.resolve(reason);
          },
        });
        return new Response(body, { headers: SSE_HEADERS });
      });
      const { req, res } = await within(open(s.url('/v1/stream')), WAIT_MS, 'the event stream head');
      res.once('data', () => req.destroy());
      res.on('error', () => {});
      req.on('error', () => {});
      expect(await within(aborted.promise, WAIT_MS, 'the request signal to abort')).toBeInstanceOf(
        ClientDisconnectedError,
      );
      expect(await within(cancelled.promise, WAIT_MS, 'the response stream to be cancelled')).toBeInstanceOf(
        ClientDisconnectedError,
      );
      // The server carries on.
      expect((await send(s.url('/v1/ok'))).body).toBe('fine');
      expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
    });

    it('aborts the request signal when the client leaves before the handler answered', async () => {
      const started = deferred();
      const s = await start(async (request) => {
        started.resolve();
        await new Promise((_, reject) =>
          request.signal.addEventListener('abort', () => reject(request.signal.reason)),
        );
        return new Response('never');
      });
      const req = httpRequest(s.url('/v1/slow'), { agent: false });
      req.on('error', () => {});
      req.end();
      await within(started.promise, WAIT_MS, 'the handler to start');
      req.destroy();
      await within(
        (async () => {
          while (!logger.records.some((r) => r.level === 'debug'))
            await new Promise((r) => setTimeout(r, 10));
        })(),
        WAIT_MS,
        'the adapter to notice the disconnect',
      );
      expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
    });

    it('answers a throwing handler with a 500 internal error, no details, and keeps serving', async () => {
      const s = await start(async (request) => {
        if (new URL(request.url).pathname === '/v1/ok') return new Response('fine');
        throw new Error('database password is hunter2');
      });
      const res = await send(s.url('/v1/boom'), { method: 'POST', body: 'x' });
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'internal', message: 'Internal error' } });
      expect(res.body).not.toContain('hunter2');
      expect(res.body).not.toContain('at ');
      const logged = logger.records.find((r) => r.level === 'error');
      expect(JSON.stringify(logged?.fields)).toContain('hunter2');
      expect((await send(s.url('/v1/ok'))).body).toBe('fine');
    });

    it('answers a handler that resolves to something other than a Response with a 500', async () => {
      const s = await start((async () => ({ status: 200 })) as unknown as FetchHandler);
      const res = await send(s.url('/v1/odd'));
      expect(res.status).toBe(500);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'internal', message: 'Internal error' } });
    });

    it('cuts the connection when the body fails after the headers went out, and logs it', async () => {
      const s = await start(async (request) => {
        if (new URL(request.url).pathname === '/v1/ok') return new Response('fine');
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('data: partial\n\n'));
            setTimeout(() => controller.error(new Error('upstream broke')), 20);
          },
        });
        return new Response(body, { headers: SSE_HEADERS });
      });
      const { res } = await within(open(s.url('/v1/stream')), WAIT_MS, 'the stream head');
      const closed = deferred<boolean>();
      res.on('data', () => {});
      res.on('error', () => {});
      res.on('close', () => closed.resolve(res.complete));
      expect(await within(closed.promise, WAIT_MS, 'the connection to close')).toBe(false);
      const logged = logger.records.find((r) => r.level === 'error');
      expect(JSON.stringify(logged?.fields)).toContain('upstream broke');
      expect((await send(s.url('/v1/ok'))).body).toBe('fine');
    });
  });
}
