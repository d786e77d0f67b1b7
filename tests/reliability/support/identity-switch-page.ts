import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { type ServedPage, servePage } from '../../../packages/react/tests/browser/support/page-server';

const REACT_ROOT = resolve(import.meta.dirname, '../../../packages/react');

/** A host page whose signed-in user can be switched without a reload. */
export type IdentitySwitchPage = ServedPage;

/**
 * Bundles a host page with the drop-in `<SupportWidget/>` (from `@tierdesk/react/widget`) and its
 * controller, signed in as `ada`. `window.__switchTo(name, reset)` is the host's logout + login: it
 * optionally calls `controller.reset()` (what the README asks hosts to do) and then renders the widget
 * for the other user — same component, same page, new `identity` and token. API requests are proxied
 * to `apiBaseUrl` on the page's origin.
 */
export async function startIdentitySwitchPage(options: {
  apiBaseUrl: string;
  users: Record<string, { id: string; token: string }>;
}): Promise<IdentitySwitchPage> {
  const outdir = await mkdtemp(join(tmpdir(), 'tierdesk-identity-'));
  const entry = `
    import { useState } from 'react';
    import { createRoot } from 'react-dom/client';
    import { createSupportWidgetController, SupportWidget } from '${REACT_ROOT}/src/widget';
    const users = ${JSON.stringify(options.users)};
    const support = createSupportWidgetController();
    let current = 'ada';
    function Host() {
      const [who, setWho] = useState('ada');
      window.__switchTo = (next, withReset) => {
        if (withReset) support.reset();
        current = next;
        setWho(next);
      };
      return (
        <>
          <main><h1>Host page</h1><p>Signed in as {who === 'ada' ? 'the first user' : 'the second user'}</p></main>
          <SupportWidget
            baseUrl={location.origin}
            getToken={() => users[current].token}
            identity={users[who].id}
            controller={support}
            debounceMs={10}
          />
        </>
      );
    }
    createRoot(document.getElementById('root')).render(<Host />);
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
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<style>${css}</style></head><body><div id="root"></div><script type="module" src="/assets/entry.js"></script></body></html>`;
  return servePage({ html, outdir, apiBaseUrl: options.apiBaseUrl });
}
