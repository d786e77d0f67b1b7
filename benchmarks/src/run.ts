// npm run bench: runs every benchmark suite on this machine, one after the other (never two at once:
// they would measure each other), and rewrites BENCHMARKS.md with the machine, the date, the method and
// the tables. `--only=http,growth` runs some suites and `--quick` shrinks them to check that they work;
// both print and write benchmarks/results/partial.md instead, so BENCHMARKS.md always holds one whole run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { DATABASE_URL, serverVersion } from './lib/databases';
import type { SuiteContext, SuiteReport } from './lib/report';
import { growthSuite } from './suites/growth.suite';
import { httpSuite } from './suites/http.suite';
import { slaTimersSuite } from './suites/sla-timers.suite';
import { widgetSpeedSuite } from './suites/widget-speed.suite';
import { widgetWeightSuite } from './suites/widget-weight.suite';

const ROOT = resolve(import.meta.dirname, '../..');
const SUITES: Record<string, (ctx: SuiteContext) => Promise<SuiteReport>> = {
  http: httpSuite,
  growth: growthSuite,
  'sla-timers': slaTimersSuite,
  'widget-weight': widgetWeightSuite,
  'widget-speed': widgetSpeedSuite,
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
for (const name of only ?? [])
  if (!(name in SUITES)) throw new Error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}`);
const names = only ?? Object.keys(SUITES);

function git(...argv: string[]): string {
  try {
    return execFileSync('git', argv, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const started = new Date();
const startedMs = performance.now();
const machine = {
  cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
  memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB (${(freemem() / 2 ** 30).toFixed(0)} GiB free at start)`,
  loadAtStart: loadavg()
    .map((l) => l.toFixed(2))
    .join(' / '),
  node: process.version,
  postgres: DATABASE_URL === undefined ? 'not configured' : await serverVersion(DATABASE_URL),
  commit: `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') === '' ? '' : ' (with uncommitted changes)'}`,
};

const ctx: SuiteContext = { log: (line) => console.log(line), quick };
const reports: SuiteReport[] = [];
for (const name of names) {
  console.log(`\n=== ${name}${quick ? ' (quick)' : ''} ===`);
  const t0 = performance.now();
  const report = await (SUITES[name] as (ctx: SuiteContext) => Promise<SuiteReport>)(ctx);
  report.elapsedMs = performance.now() - t0;
  console.log(
    `=== ${name} done in ${(report.elapsedMs / 1000).toFixed(0)} s: ${report.met.length} met, ${report.missed.length} missed`,
  );
  reports.push(report);
}
const totalS = (performance.now() - startedMs) / 1000;

const summaryRows = reports.flatMap((r) => [
  ...r.met.map((line) => `| ${r.title} | met | ${line} |`),
  ...r.missed.map((line) => `| ${r.title} | **MISSED** | ${line} |`),
]);
// The analysis of the misses is written by people (benchmarks/notes.md), after reading a run's
// profiles; it is carried into every rewrite, headed as hand-written, so its reasoning is not lost.
const NOTES = resolve(ROOT, 'benchmarks/notes.md');
const analysis = existsSync(NOTES)
  ? `\n## Analysis of the misses (hand-written, benchmarks/notes.md)\n\n${readFileSync(NOTES, 'utf8')
      .replace(/^# .*\n+/, '')
      .trim()}\n`
  : '';
const markdown = `# Benchmarks

Written by \`npm run bench\` (benchmarks/src/run.ts); do not edit by hand — rerun it. Every number below was
measured in the run described here, on this machine; ratios compare figures measured in the same run, since
absolute numbers on a shared 2-core machine mean little on their own.

## The run

| | |
| --- | --- |
| date | ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC |
| machine | ${machine.cpu}, ${machine.memory} |
| load average at start (1/5/15 min) | ${machine.loadAtStart} |
| Node.js | ${machine.node} |
| PostgreSQL | ${machine.postgres} (loopback); PGlite in the server process |
| commit | ${machine.commit} |
| suites | ${reports.map((r) => `${r.title} (${((r.elapsedMs ?? 0) / 1000).toFixed(0)} s)`).join(', ')} |
| total time | ${(totalS / 60).toFixed(1)} min${quick ? ' — **quick mode: sizes shrunk, not for publishing**' : ''} |

## Targets

| suite | result | target |
| --- | --- | --- |
${summaryRows.join('\n')}

${reports.map((r) => `## ${r.title}\n\n${r.markdown.trim()}\n`).join('\n')}${analysis}`;

const full = only === undefined && !quick;
mkdirSync(resolve(ROOT, 'benchmarks/results'), { recursive: true });
writeFileSync(
  resolve(ROOT, full ? 'benchmarks/results/latest.json' : 'benchmarks/results/partial.json'),
  `${JSON.stringify({ machine, started, totalS, reports }, null, 2)}\n`,
);
const out = full ? resolve(ROOT, 'BENCHMARKS.md') : resolve(ROOT, 'benchmarks/results/partial.md');
writeFileSync(out, markdown);
console.log(`\nwrote ${out} (${(totalS / 60).toFixed(1)} min)`);
process.exit(0);
