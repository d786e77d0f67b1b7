// Size budgets: bundles each entry from the built packages the way a consumer's bundler would
// (esbuild, minified, browser platform, code splitting on, the listed externals left out), gzips
// every chunk and fails when a budget is exceeded. Two figures per entry:
//   - initial: the entry chunk and every chunk it imports statically (what the page loads at once);
//   - total:   everything reachable, lazy chunks included (what the entry loads once fully used).
// `limitKb` bounds the total, `initialLimitKb` the initial chunk. Also fails when a forbidden module
// (e.g. full `zod`) ends up in a bundle.
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
    splitting: true,
    outdir: '/size',
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    external: budget.external ?? [],
    logLevel: 'error',
  });
  const outputs = result.metafile.outputs;
  const gzipped = new Map(
    result.outputFiles.map((file) => [
      Object.keys(outputs).find((path) => file.path.endsWith(path.replace(/^.*\//, ''))),
      gzipSync(file.contents, { level: 9 }).length,
    ]),
  );
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint === '<stdin>');
  const reach = (kinds) => {
    const seen = new Set();
    const visit = (path) => {
      if (seen.has(path) || !(path in outputs)) return;
      seen.add(path);
      for (const i of outputs[path].imports) if (!i.external && kinds.includes(i.kind)) visit(i.path);
    };
    visit(entry);
    return seen;
  };
  const sum = (paths) => [...paths].reduce((total, path) => total + (gzipped.get(path) ?? 0), 0);
  const initial = sum(reach(['import-statement']));
  const all = reach(['import-statement', 'dynamic-import']);
  const total = sum(all);
  const inputs = [...all].flatMap((path) => Object.keys(outputs[path].inputs));
  const forbidden = (budget.forbid ?? []).flatMap((re) => inputs.filter((i) => new RegExp(re).test(i)));
  const overTotal = budget.limitKb !== undefined && total > budget.limitKb * 1024;
  const overInitial = budget.initialLimitKb !== undefined && initial > budget.initialLimitKb * 1024;
  const ok = !overTotal && !overInitial && forbidden.length === 0;
  if (!ok) failed = true;
  const kb = (bytes) => (bytes / 1024).toFixed(2);
  rows.push({
    name: budget.name,
    'initial (KB gz)': kb(initial),
    'initial budget': budget.initialLimitKb ?? '—',
    'total (KB gz)': kb(total),
    'total budget': budget.limitKb ?? '—',
    result: ok
      ? 'ok'
      : forbidden.length
        ? `FORBIDDEN: ${[...new Set(forbidden)].slice(0, 3).join(', ')}`
        : 'OVER BUDGET',
  });
}
console.table(rows);
if (failed) {
  console.error('size: a budget was exceeded or a forbidden module was bundled');
  process.exit(1);
}
