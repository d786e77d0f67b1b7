import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const REACT_ROOT = resolve(import.meta.dirname, '../../..');

/** A page serving the bundled agent console and proxying every other path to the API (same origin). */
export interface AgentPage {
  /** The page's URL (also the origin the console calls the API on). */
  url: string;
  close(): Promise<void>;
}

/** Every stylesheet of the kit in the order the build concatenates them (theme first, then by path). */
async function kitCss(): Promise<string> {
  const files = (await readdir(join(REACT_ROOT, 'src'), { recursive: true }))
    .map((file) => file.split('\\').join('/'))
    .filter((file) => file.endsWith('.css') && file !== 'theme/styles.css')
    .sort();
  const sheets = await Promise.all(
    ['theme/styles.css', ...files].map((file) => readFile(join(REACT_ROOT, 'src', file), 'utf8')),
  );
  return sheets.join('\n');
}

/**
 * Bundles `AgentConsoleExample` (queue, ticket view, metrics) with esbuild, serves it with the kit's
 * CSS on a node:http server that proxies API requests to `apiBaseUrl`, signed in with an agent's
 * API key. `theme` and `dir` go to `<TierdeskThemeProvider>`.
 */
export async function startAgentPage(options: {
  apiBaseUrl: string;
  apiKey: string;
  agentId: string;
  theme?: 'light' | 'dark';
  dir?: 'ltr' | 'rtl';
}): Promise<AgentPage> {
  const outdir = await mkdtemp(join(tmpdir(), 'tierdesk-agent-'));
  const entry = `
    import { createRoot } from 'react-dom/client';
    import { TierdeskProvider } from '${REACT_ROOT}/src/provider/tierdesk-provider';
    import { TierdeskThemeProvider } from '${REACT_ROOT}/src/theme/tierdesk-theme-provider';
    import { AgentConsoleExample } from '${REACT_ROOT}/src/agent';
    const key = ${JSON.stringify(options.apiKey)};
    createRoot(document.getElementById('root')).render(
      <TierdeskProvider baseUrl={location.origin} getToken={() => key} identity={${JSON.stringify(options.agentId)}}>
        <TierdeskThemeProvider theme={${JSON.stringify(options.theme ?? 'light')}} dir={${JSON.stringify(options.dir ?? 'ltr')}}>
          <main><h1>Agent console</h1><AgentConsoleExample currentAgentId={${JSON.stringify(options.agentId)}} /></main>
        </TierdeskThemeProvider>
      </TierdeskProvider>,
    );
  `;
  await build({
    stdin: { contents: entry, loader: 'tsx', resolveDir: REACT_ROOT, sourcefile: 'entry.tsx' },
    bundle: true,
    format: 'esm',
    outdir,
    entryNames: 'entry',
    jsx: 'automatic',
    conditions: ['source', 'browser', 'module'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Agent console</title>
<style>${await kitCss()}</style></head><body><div id="root"></div><script type="module" src="/assets/entry.js"></script></body></html>`;

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
      res.writeHead(upstream.status, out);
      // The event stream never ends: pipe it instead of buffering it.
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
