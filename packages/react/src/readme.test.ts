import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  type ReadmeSample,
  readmeSamples,
  sampleCompilerOptions,
  typeCheckSamples,
} from '../../core/src/readme.test-support';

// The ```tsx and ```ts samples of this package's README are type-checked against the source, as the
// core's are: a renamed prop or export breaks this test instead of a reader's first try. Each sample is
// its own module; the @tierdesk/* entries map to src. The names below are what a sample may assume the
// reader already has (their session, their user, their components); declared, never defined.

const reactDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const coreDir = resolve(reactDir, '../core');
const README = join(reactDir, 'README.md');

const PRELUDE = `
declare const getIdentityToken: () => Promise<string>;
declare const getToken: () => Promise<string>;
declare const user: { id: string; name: string; email: string };
declare const agent: { id: string };
declare const agentApiKey: string;
declare const apiKey: string;
declare const id: string | undefined;
declare const setId: (id: string) => void;
declare const ticketId: string;
declare const error: unknown;
declare const queryClient: import('@tanstack/react-query').QueryClient;
declare const auth: { signOut(): Promise<void> };
declare function MyCrmCard(props: { email: string | undefined }): import('react').ReactElement;
declare function App(): import('react').ReactElement;
declare function Spinner(): import('react').ReactElement;
declare function TicketRow(props: { ticket: import('@tierdesk/core').Ticket }): import('react').ReactElement;
declare function toast(message: string): void;
declare const agentId: string;
/** The CSF story type of the sample about story parameters. */
type Story = { parameters?: Record<string, unknown> };
declare function Admin(): import('react').ReactElement;
`;

function typeCheck(samples: readonly ReadmeSample[]): string[] {
  const options = sampleCompilerOptions(
    {
      '@tierdesk/react': [join(reactDir, 'src/index.ts')],
      '@tierdesk/react/widget': [join(reactDir, 'src/widget.ts')],
      '@tierdesk/react/widget-kit': [join(reactDir, 'src/widget-kit.ts')],
      '@tierdesk/react/agent': [join(reactDir, 'src/agent/index.ts')],
      '@tierdesk/core': [join(coreDir, 'src/index.ts')],
      '@tierdesk/core/machines': [join(coreDir, 'src/machines.ts')],
      '@tierdesk/core/lean': [join(coreDir, 'src/lean.ts')],
      '@tierdesk/core/widget': [join(coreDir, 'src/widget.ts')],
    },
    { jsx: ts.JsxEmit.ReactJSX },
  );
  return typeCheckSamples(
    samples,
    { file: join(reactDir, 'readme-prelude.sample.d.ts'), code: PRELUDE },
    options,
    reactDir,
  );
}

// A sample that must fail, checked in the same program: proves the check can fail at all.
const broken: ReadmeSample = {
  file: join(reactDir, 'readme-broken.sample.tsx'),
  readme: README,
  line: 1,
  code: "import { SupportWidget } from '@tierdesk/react/widget';\n<SupportWidget baseUrl={1} />;\nexport {};\n",
};

describe('README samples', () => {
  const samples = readmeSamples(README, join(reactDir, 'readme'), ['ts', 'tsx']);
  let diagnostics: string[] | undefined;
  const check = () => {
    diagnostics ??= typeCheck([...samples, broken]);
    return diagnostics;
  };

  it('finds the samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(10);
  });

  it('type-check against the source', { timeout: 60_000 }, () => {
    expect(check().filter((d) => !d.startsWith('README.md:2:'))).toEqual([]);
  });

  it('would report a sample that does not compile', { timeout: 60_000 }, () => {
    expect(
      check().some((d) => d.startsWith('README.md:2:') && d.includes("'number' is not assignable")),
    ).toBe(true);
  });
});
