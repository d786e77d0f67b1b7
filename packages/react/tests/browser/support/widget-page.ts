import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const REACT_ROOT = resolve(import.meta.dirname, '../../..');

/** A page serving the bundled `<SupportWidget/>` and proxying every other path to the API (same origin). */
export interface WidgetPage {
  /** The page's URL (also the origin the widget calls the API on). */
  url: string;
  close(): Promise<void>;
}

/**
 * Bundles a tiny entry (TierdeskProvider + SupportWidget, rendered with react-dom/client into #root)
 * with esbuild, code-split so the panel is a lazy chunk, and serves it with the widget's CSS on a
 * node:http server that proxies API requests to `apiBaseUrl`.
 */
export async function startWidgetPage(options: {
  apiBaseUrl: string;
  token: string;
  identity: string;
}): Promise<WidgetPage> {
  const outdir = await mkdtemp(join(tmpdir(), 'tierdesk-widget-'));
  const entry = `
    import { createRoot } from 'react-dom/client';
    import { TierdeskProvider } from '${REACT_ROOT}/src/provider/tierdesk-provider';
    import { SupportWidget } from '${REACT_ROOT}/src/widget/support-widget';
    const token = ${JSON.stringify(options.token)};
    createRoot(document.getElementById('root')).render(
      <TierdeskProvider baseUrl={location.origin} getToken={() => token} identity={${JSON.stringify(options.identity)}}>
        <main><h1>Host page</h1><button type="button">host action</button></main>
        <SupportWidget debounceMs={10} user={{ id: ${JSON.stringify(options.identity)}, name: 'Ada' }} />
      </TierdeskProvider>,
    );
  `;
  await build({
    stdin: { contents: entry, loader: 'tsx', resolveDir: REACT_ROOT, sourcefile: 'entry.tsx' },
    bundle: true,
    format: 'esm',
    splitting: true,
    outdir,
    entryNames: 'entry',
    jsx: 'automatic',
    conditions: ['source', 'browser', 'module'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const css =
    (await readFile(join(REACT_ROOT, 'src/theme/styles.css'), 'utf8')) +
    (await readFile(join(REACT_ROOT, 'src/widget/widget.css'), 'utf8'));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget</title>
<style>${css}</style></head><body><div id="root"></div><script type="module" src="/assets/entry.js"></script></body></html>`;

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
      const upstream = await fetch(options.apiBaseUrl + (req.url ?? '/'), {
        method: req.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      const out: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (k !== 'content-encoding' && k !== 'content-length' && k !== 'transfer-encoding') out[k] = v;
      });
      res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
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
