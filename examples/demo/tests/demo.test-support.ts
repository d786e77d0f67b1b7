import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');

const BUILT = [
  'packages/core/dist/index.js',
  'packages/node/dist/index.js',
  'packages/react/dist/index.js',
  'examples/widget-host/dist/index.html',
  'examples/agent-console/dist/index.html',
];

/** The demo serves the built packages and apps: builds what is missing (CI builds before testing). */
export function buildDemoIfMissing(): void {
  if (BUILT.every((file) => existsSync(resolve(ROOT, file)))) return;
  execFileSync(
    'npm',
    [
      'run',
      'build',
      ...['core', 'node', 'react', 'example-widget-host', 'example-agent-console'].flatMap((w) => [
        '-w',
        `@tierdesk/${w}`,
      ]),
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
}
