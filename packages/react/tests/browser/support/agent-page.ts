import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { type ServedPage, servePage } from './page-server';

const REACT_ROOT = resolve(import.meta.dirname, '../../..');

/** A page serving the bundled agent console and proxying every other path to the API (same origin). */
export type AgentPage = ServedPage;

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

  return servePage({ html, outdir, apiBaseUrl: options.apiBaseUrl });
}
