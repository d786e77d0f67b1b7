import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A served test page: the bundle, its HTML, and every other path proxied to the API (same origin). */
export interface ServedPage {
  /** The page's URL (also the origin the page calls the API on). */
  url: string;
  /** Stops the server and removes the bundle's directory. */
  close(): Promise<void>;
}

/**
 * Serves `html` at `/`, the bundle's chunks from `outdir` at `/assets/*.js`, and proxies everything else
 * to `apiBaseUrl` on the same origin (as a host mounting the API under its own domain would). Responses
 * are piped, not buffered: the event stream never ends, and the live tests need its events as they come.
 */
export async function servePage(options: {
  html: string;
  outdir: string;
  apiBaseUrl: string;
}): Promise<ServedPage> {
  const { html, outdir, apiBaseUrl } = options;
  const server: Server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      if (path.startsWith('/assets/') && /^[\w.-]+\.js$/.test(path.slice(8))) {
        const js = await readFile(join(outdir, path.slice(8)));
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers.set(k, v);
      }
      const upstream = await fetch(apiBaseUrl + (req.url ?? '/'), {
        method: req.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      const out: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (k !== 'content-encoding' && k !== 'content-length' && k !== 'transfer-encoding') out[k] = v;
      });
      res.writeHead(upstream.status, out);
      if (upstream.body) {
        const reader = upstream.body.getReader();
        // The page went away: stop reading upstream (a cancel of an ended stream has nothing to report).
        res.on('close', () => void reader.cancel().catch(() => {}));
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          res.write(value);
        }
      }
      res.end();
    } catch (error) {
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await rm(outdir, { recursive: true, force: true });
    },
  };
}
