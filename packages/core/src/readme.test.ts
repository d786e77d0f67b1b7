import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

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

interface Sample {
  file: string;
  readme: string;
  line: number;
  code: string;
}

function samplesOf(readme: string): Sample[] {
  const text = readFileSync(readme, 'utf8');
  const samples: Sample[] = [];
  for (const match of text.matchAll(/^```ts\n([\s\S]*?)^```/gm)) {
    const line = text.slice(0, match.index).split('\n').length + 1;
    const name = readme === join(coreDir, 'README.md') ? 'core' : 'root';
    samples.push({
      file: join(coreDir, `readme-${name}-${line}.sample.ts`),
      readme,
      line,
      // `export {}` makes every sample a module, so samples do not see each other's names.
      code: `${match[1] ?? ''}\nexport {};\n`,
    });
  }
  return samples;
}

function typeCheck(samples: readonly Sample[]): string[] {
  const prelude = join(coreDir, 'readme-prelude.sample.d.ts');
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
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    paths: {
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
      : ts.createSourceFile(fileName, code, language, true);
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
    return `${sample.readme.slice(rootDir.length + 1)}:${sample.line + line}: ${message}`;
  });
}

// A sample that must fail, checked in the same program: proves the check can fail at all.
const broken: Sample = {
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
