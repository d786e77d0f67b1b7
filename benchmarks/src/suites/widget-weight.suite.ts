// Suite "Widget weight": what a host page downloads for a support widget, ours beside two open-source
// rivals, all bundled the same way from their published packages, React left out of every one.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { type SuiteContext, type SuiteReport, table } from '../lib/report';
import { fmt } from '../lib/stats';

const ROOT = resolve(import.meta.dirname, '../../..');
const PEERS = resolve(ROOT, 'benchmarks/peers');
const REACT = ['react', 'react-dom', 'react/*', 'react-dom/*'];

interface Bundle {
  name: string;
  /** The module a host page would write, bundled from `resolveDir`. */
  contents: string;
  resolveDir: string;
  /** Which figure counts: the entry chunk and its static imports, or everything reachable. */
  part: 'initial' | 'total';
}

interface Weight {
  name: string;
  part: 'initial' | 'total';
  minBytes: number;
  gzipBytes: number;
  brotliBytes: number;
  chunks: number;
}

/** Bundles like scripts/size.mjs (esbuild, minified, ESM, browser, code splitting) and weighs the chunks. */
async function weigh(bundle: Bundle): Promise<Weight> {
  const result = await build({
    stdin: { contents: bundle.contents, resolveDir: bundle.resolveDir, loader: 'js' },
    bundle: true,
    splitting: true,
    outdir: '/weight',
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    external: REACT,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const outputs: Metafile['outputs'] = result.metafile.outputs;
  const files = new Map(
    result.outputFiles.map((file) => [
      Object.keys(outputs).find((path) => file.path.endsWith(path.replace(/^.*\//, ''))) ?? file.path,
      file.contents,
    ]),
  );
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === '<stdin>');
  const kinds = bundle.part === 'initial' ? ['import-statement'] : ['import-statement', 'dynamic-import'];
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || !(path in outputs)) return;
    seen.add(path);
    for (const i of outputs[path]?.imports ?? []) if (!i.external && kinds.includes(i.kind)) visit(i.path);
  };
  if (entry !== undefined) visit(entry);
  let minBytes = 0;
  let gzipBytes = 0;
  let brotliBytes = 0;
  for (const path of seen) {
    const bytes = files.get(path);
    if (bytes === undefined || !path.endsWith('.js')) continue;
    minBytes += bytes.byteLength;
    gzipBytes += gzipSync(bytes, { level: 9 }).byteLength;
    brotliBytes += brotliCompressSync(bytes).byteLength;
  }
  return { name: bundle.name, part: bundle.part, minBytes, gzipBytes, brotliBytes, chunks: seen.size };
}

/** Installs the rivals into benchmarks/peers (their own lockfile) unless they are there. */
function installPeers(log: (line: string) => void): void {
  if (
    existsSync(resolve(PEERS, 'node_modules/@novu/react')) &&
    existsSync(resolve(PEERS, 'node_modules/@papercups-io/chat-widget'))
  )
    return;
  log('  installing the rival widgets into benchmarks/peers (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PEERS, stdio: 'inherit' });
}

const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`;

/** Weighs our widget and core entry beside @papercups-io/chat-widget and @novu/react's Inbox. */
export async function widgetWeightSuite(ctx: SuiteContext): Promise<SuiteReport> {
  installPeers(ctx.log);
  const ours = (name: string, contents: string, part: Bundle['part']): Bundle => ({
    name,
    contents,
    resolveDir: ROOT,
    part,
  });
  const rival = (name: string, contents: string): Bundle => ({
    name,
    contents,
    resolveDir: PEERS,
    part: 'total',
  });
  const bundles: Bundle[] = [
    ours(
      'Tierdesk `<SupportWidget/>` launcher (initial chunk)',
      "export { SupportWidget } from '@tierdesk/react/widget';",
      'initial',
    ),
    ours(
      'Tierdesk `<SupportWidget/>`, everything once opened',
      "export { SupportWidget } from '@tierdesk/react/widget';",
      'total',
    ),
    ours(
      '`@tierdesk/core` browser entry (everything it exports)',
      "export * from '@tierdesk/core';",
      'total',
    ),
    rival(
      '`@papercups-io/chat-widget` 1.3.1 `ChatWidget`',
      "export { ChatWidget } from '@papercups-io/chat-widget';",
    ),
    rival('`@novu/react` 3.19.2 `Inbox`', "export { Inbox } from '@novu/react';"),
  ];
  const weights: Weight[] = [];
  for (const b of bundles) {
    const w = await weigh(b);
    ctx.log(`  ${b.name}: ${kb(w.minBytes)} min, ${kb(w.gzipBytes)} min+gzip`);
    weights.push(w);
  }
  const whole = weights[1] as Weight;
  const rows = weights.map((w) => [
    w.name,
    w.part === 'initial' ? 'initial chunk' : `all ${w.chunks} chunk${w.chunks === 1 ? '' : 's'}`,
    kb(w.minBytes),
    kb(w.gzipBytes),
    kb(w.brotliBytes),
    `${(w.gzipBytes / whole.gzipBytes).toFixed(2)}×`,
  ]);
  const targets = [
    { w: weights[0] as Weight, limitKb: 6, what: 'launcher initial chunk ≤ 6 KB min+gzip' },
    { w: whole, limitKb: 50, what: 'whole widget ≤ 50 KB min+gzip' },
    { w: weights[2] as Weight, limitKb: 35, what: '`@tierdesk/core` browser entry ≤ 35 KB min+gzip' },
  ];
  const met: string[] = [];
  const missed: string[] = [];
  for (const t of targets) {
    (t.w.gzipBytes <= t.limitKb * 1024 ? met : missed).push(`${t.what} — measured ${kb(t.w.gzipBytes)}`);
  }
  const [papercups, novu] = [weights[3] as Weight, weights[4] as Weight];
  const markdown = `**Method.** Each bundle is what a host page's bundler would make of one import line from the
published package: esbuild, minified, ESM, browser platform, ES2022, code splitting on,
\`process.env.NODE_ENV\` = "production", and \`react\`, \`react-dom\` (and their subpaths, e.g. the JSX
runtime) left out of all of them. Ours are bundled from the built packages (\`dist/\`), as \`npm run size\`
does in CI; the rivals from their npm packages, installed into \`benchmarks/peers/\` with their own
lockfile (dev dependencies of the benchmark only). "Initial chunk" counts the entry chunk and what it
imports statically (what loads before the user opens the widget); the other rows count every chunk
reachable, lazy ones included. gzip at level 9, brotli at its default; sizes in KiB.

${table(['bundle', 'counted', 'min', 'min+gzip', 'min+brotli', 'vs our whole widget (gzip)'], rows)}

Our whole widget (search, articles, ticket form with deflection, conversation, CSAT, offline queue, i18n,
theming) is ${(papercups.gzipBytes / whole.gzipBytes).toFixed(1)}× smaller than Papercups' chat widget and
${(novu.gzipBytes / whole.gzipBytes).toFixed(1)}× smaller than Novu's Inbox by this measure, and the part a
page loads before anyone opens it is ${kb((weights[0] as Weight).gzipBytes)}. The same budgets are enforced in CI by
\`npm run size\` (size-budgets.json).
`;
  return { title: 'Widget weight', markdown, met, missed, data: weights };
}
