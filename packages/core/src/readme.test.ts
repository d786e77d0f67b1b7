import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type ReadmeSample,
  readmeSamples,
  sampleCompilerOptions,
  typeCheckSamples,
} from './readme.test-support';

// The ```ts samples of the READMEs are type-checked against the source, so a renamed export, a
// changed signature or an event the machine does not know breaks this test instead of a reader's
// first try. Each sample is its own module; `@tierdesk/core` and `@tierdesk/core/machines` map to
// src. The names below are what a sample may assume the reader already has (a session, a ticket
// id, a timeline, …); they are declared, never defined, so only their types matter.

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootDir = resolve(coreDir, '../..');

const READMES = [join(coreDir, 'README.md'), join(rootDir, 'README.md')];

const PRELUDE = `
declare const json: unknown;
declare const session: { identityToken: string };
declare const identityToken: string;
declare const ticketId: string;
declare const version: number;
declare const timeline: import('@tierdesk/core').TimelineEvent[];
declare const changedPolicies: import('@tierdesk/core').SlaPolicy[];
declare const calendars: import('@tierdesk/core').BusinessCalendar[];
declare const from: string;
declare const to: string;
/** The calendar of the root README's first example, used by the next one. */
declare const berlin: import('@tierdesk/core').BusinessCalendar;
`;

function samplesOf(readme: string): ReadmeSample[] {
  const name = readme === join(coreDir, 'README.md') ? 'core' : 'root';
  return readmeSamples(readme, join(coreDir, `readme-${name}`));
}

function typeCheck(samples: readonly ReadmeSample[]): string[] {
  const options = sampleCompilerOptions(
    {
      '@tierdesk/core': [join(coreDir, 'src/index.ts')],
      '@tierdesk/core/machines': [join(coreDir, 'src/machines.ts')],
      '@tierdesk/core/lean': [join(coreDir, 'src/lean.ts')],
      '@tierdesk/core/widget': [join(coreDir, 'src/widget.ts')],
    },
    { noUncheckedIndexedAccess: true },
  );
  return typeCheckSamples(
    samples,
    { file: join(coreDir, 'readme-prelude.sample.d.ts'), code: PRELUDE },
    options,
    rootDir,
  );
}

// A sample that must fail, checked in the same program: proves the check can fail at all.
const broken: ReadmeSample = {
  file: join(coreDir, 'readme-broken.sample.ts'),
  readme: join(coreDir, 'README.md'),
  line: 1,
  code: "import { createClient } from '@tierdesk/core';\ncreateClient({ baseUrl: 1 });\nexport {};\n",
};

describe('README samples', () => {
  const samples = READMES.flatMap(samplesOf);
  let diagnostics: string[] | undefined;
  const check = () => {
    diagnostics ??= typeCheck([...samples, broken]);
    return diagnostics;
  };

  it('finds the samples of both READMEs', () => {
    expect(samples.filter((s) => s.readme === READMES[0]).length).toBeGreaterThanOrEqual(5);
    expect(samples.filter((s) => s.readme === READMES[1]).length).toBeGreaterThanOrEqual(5);
  });

  it('type-check against the source', { timeout: 30_000 }, () => {
    expect(check().filter((d) => !d.startsWith('packages/core/README.md:2:'))).toEqual([]);
  });

  it('would report a sample that does not compile', { timeout: 30_000 }, () => {
    expect(check()).toContain("packages/core/README.md:2: Type 'number' is not assignable to type 'string'.");
  });
});
