import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

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

interface Sample {
  file: string;
  line: number;
  code: string;
}

function samplesOf(readme: string): Sample[] {
  const text = readFileSync(readme, 'utf8');
  const samples: Sample[] = [];
  for (const match of text.matchAll(/^```(tsx|ts)\n([\s\S]*?)^```/gm)) {
    const line = text.slice(0, match.index).split('\n').length + 1;
    samples.push({
      file: join(reactDir, `readme-${line}.sample.${match[1]}`),
      line,
      // `export {}` makes every sample a module, so samples do not see each other's names.
      code: `${match[2] ?? ''}\nexport {};\n`,
    });
  }
  return samples;
}

function typeCheck(samples: readonly Sample[]): string[] {
  const prelude = join(reactDir, 'readme-prelude.sample.d.ts');
  const virtual = new Map<string, string>([
    [prelude, PRELUDE],
    ...samples.map((s) => [s.file, s.code] as const),
  ]);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['source'],
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    paths: {
      '@tierdesk/react': [join(reactDir, 'src/index.ts')],
      '@tierdesk/react/widget': [join(reactDir, 'src/widget.ts')],
      '@tierdesk/react/agent': [join(reactDir, 'src/agent/index.ts')],
      '@tierdesk/core': [join(coreDir, 'src/index.ts')],
      '@tierdesk/core/machines': [join(coreDir, 'src/machines.ts')],
      '@tierdesk/core/lean': [join(coreDir, 'src/lean.ts')],
      '@tierdesk/core/widget': [join(coreDir, 'src/widget.ts')],
    },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) => {
    const code = virtual.get(fileName);
    return code === undefined
      ? getSourceFile(fileName, language, onError, shouldCreate)
      : ts.createSourceFile(
          fileName,
          code,
          language,
          true,
          fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
        );
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => virtual.get(fileName) ?? readFile(fileName);
  const program = ts.createProgram([prelude, ...samples.map((s) => s.file)], options, host);
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const sample = samples.find((s) => s.file === d.file?.fileName);
    if (!sample || !d.file || d.start === undefined) return `${d.file?.fileName ?? 'program'}: ${message}`;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `README.md:${sample.line + line}: ${message}`;
  });
}

// A sample that must fail, checked in the same program: proves the check can fail at all.
const broken: Sample = {
  file: join(reactDir, 'readme-broken.sample.tsx'),
  line: 1,
  code: "import { SupportWidget } from '@tierdesk/react/widget';\n<SupportWidget baseUrl={1} />;\nexport {};\n",
};

describe('README samples', () => {
  const samples = samplesOf(README);
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
