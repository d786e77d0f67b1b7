// Size budgets: bundles each entry the way a consumer's bundler would (esbuild, minified, browser
// platform, peer dependencies external), gzips the result and fails when a budget is exceeded.
// Also fails if a forbidden module (full `zod`) ends up in a browser bundle.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const budgetFile = process.argv[2] ?? new URL('../size-budgets.json', import.meta.url);
const budgets = JSON.parse(readFileSync(budgetFile, 'utf8'));
let failed = false;
const rows = [];

for (const budget of budgets) {
  const result = await build({
    stdin: { contents: budget.import, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    external: budget.external ?? [],
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  const gz = gzipSync(code, { level: 9 }).length;
  const limit = budget.limitKb === undefined ? Number.POSITIVE_INFINITY : budget.limitKb * 1024;
  const inputs = Object.keys(result.metafile.inputs);
  const forbidden = (budget.forbid ?? []).flatMap((re) => inputs.filter((i) => new RegExp(re).test(i)));
  const ok = gz <= limit && forbidden.length === 0;
  if (!ok) failed = true;
  rows.push({
    name: budget.name,
    'min (KB)': (code.length / 1024).toFixed(1),
    'min+gzip (KB)': (gz / 1024).toFixed(2),
    'budget (KB)': budget.limitKb ?? '—',
    result: ok ? 'ok' : forbidden.length ? `FORBIDDEN: ${forbidden.slice(0, 3).join(', ')}` : 'OVER BUDGET',
  });
}
console.table(rows);
if (failed) {
  console.error('size: a budget was exceeded or a forbidden module was bundled');
  process.exit(1);
}
