import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { type ServedPage, servePage } from './page-server';

const REACT_ROOT = resolve(import.meta.dirname, '../../..');

/** A page serving the bundled `<SupportWidget/>` and proxying every other path to the API (same origin). */
export type WidgetPage = ServedPage;

/**
 * Bundles a tiny entry rendered with react-dom/client into #root with esbuild, code-split so the panel
 * is a lazy chunk, and serves it with the widget's CSS, proxying API requests to `apiBaseUrl`. By
 * default the widget sits inside `<TierdeskProvider>` with `user` Ada; with `dropIn` it is the
 * `@tierdesk/react/widget` entry given `baseUrl`, `getToken` and `identity` itself, no provider and no
 * `user` (the name comes from the identity token), the way a host drops it into any page.
 */
export async function startWidgetPage(options: {
  apiBaseUrl: string;
  token: string;
  identity: string;
  dropIn?: boolean;
}): Promise<WidgetPage> {
  const outdir = await mkdtemp(join(tmpdir(), 'tierdesk-widget-'));
  const token = JSON.stringify(options.token);
  const identity = JSON.stringify(options.identity);
  const entry = options.dropIn
    ? `
    import { createRoot } from 'react-dom/client';
    import { SupportWidget } from '${REACT_ROOT}/src/widget';
    const token = ${token};
    createRoot(document.getElementById('root')).render(
      <>
        <main><h1>Host page</h1><button type="button">host action</button></main>
        <SupportWidget baseUrl={location.origin} getToken={() => token} identity={${identity}} debounceMs={10} />
      </>,
    );
  `
    : `
    import { createRoot } from 'react-dom/client';
    import { TierdeskProvider } from '${REACT_ROOT}/src/provider/tierdesk-provider';
    import { SupportWidget } from '${REACT_ROOT}/src/widget/support-widget';
    const token = ${token};
    createRoot(document.getElementById('root')).render(
      <TierdeskProvider baseUrl={location.origin} getToken={() => token} identity={${identity}}>
        <main><h1>Host page</h1><button type="button">host action</button></main>
        <SupportWidget debounceMs={10} user={{ id: ${identity}, name: 'Ada' }} />
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

  return servePage({ html, outdir, apiBaseUrl: options.apiBaseUrl });
}
