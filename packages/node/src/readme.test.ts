import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type ReadmeSample,
  readmeSamples,
  sampleCompilerOptions,
  typeCheckSamples,
} from '../../core/src/readme.test-support';

// The ```ts samples of this package's README are type-checked against the source (the core package's
// checker), so a renamed option or export breaks this test instead of a reader's first try. The
// prelude declares what a sample may assume the reader already has.

const nodeDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const coreDir = resolve(nodeDir, '../core');
const rootDir = resolve(nodeDir, '../..');

const PRELUDE = `
declare const request: Request;
/** The host's own agent authentication (the Mount sample). */
declare const mapMySessionToAgent: import('@tierdesk/node').AuthenticateAgentHook;
/** The host's Express app and Fastify instance. */
declare const app: { use(path: string, handler: unknown): void };
declare const fastify: { register(plugin: unknown, options: unknown): Promise<void> };
`;

function typeCheck(samples: readonly ReadmeSample[]): string[] {
  const options = sampleCompilerOptions(
    {
      '@tierdesk/node': [join(nodeDir, 'src/index.ts')],
      '@tierdesk/core': [join(coreDir, 'src/index.ts')],
      '@tierdesk/core/machines': [join(coreDir, 'src/machines.ts')],
    },
    {
      noUncheckedIndexedAccess: true,
      types: ['node'],
      typeRoots: [join(rootDir, 'node_modules/@types')],
    },
  );
  return typeCheckSamples(
    samples,
    { file: join(nodeDir, 'readme-prelude.sample.d.ts'), code: PRELUDE },
    options,
    rootDir,
  );
}

// A sample that must fail, checked in the same program: proves the check can fail at all.
const broken: ReadmeSample = {
  file: join(nodeDir, 'readme-broken.sample.ts'),
  readme: join(nodeDir, 'readme-broken'),
  line: 1,
  code: "import { createTierdesk } from '@tierdesk/node';\nawait createTierdesk({ email: { from: 1 } });\nexport {};\n",
};

describe('README samples (@tierdesk/node)', () => {
  const samples = readmeSamples(join(nodeDir, 'README.md'), join(nodeDir, 'readme-node'));
  let diagnostics: string[] | undefined;
  const check = () => {
    diagnostics ??= typeCheck([...samples, broken]);
    return diagnostics;
  };

  it('has samples to check', () => {
    expect(samples.length).toBeGreaterThanOrEqual(3);
  });

  it('type-check against the source', () => {
    expect(check().filter((d) => !d.includes('readme-broken'))).toEqual([]);
  }, 60_000);

  it('would report a broken sample', () => {
    expect(check().some((d) => d.includes('readme-broken'))).toBe(true);
  }, 60_000);
});
