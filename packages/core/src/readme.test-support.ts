import { readFileSync } from 'node:fs';
import ts from 'typescript';

// The README sample checker the packages' readme tests share: every ```ts / ```tsx block of a README
// becomes its own module and the lot is type-checked in one program against the sources, so a
// renamed export or prop breaks a test instead of a reader's first try. Test support, not part of
// any entry.

/** One code block of a README, as the module it is checked as. */
export interface ReadmeSample {
  /** The virtual file name the sample is checked under (its extension picks TS or TSX). */
  file: string;
  /** The README it comes from. */
  readme: string;
  /** The README line of the sample's first code line. */
  line: number;
  /** The sample's code, made a module. */
  code: string;
}

/** The samples of `readme` in the languages asked for, each named `${prefix}-${line}.sample.${lang}`. */
export function readmeSamples(
  readme: string,
  prefix: string,
  languages: readonly ('ts' | 'tsx')[] = ['ts'],
): ReadmeSample[] {
  const text = readFileSync(readme, 'utf8');
  const samples: ReadmeSample[] = [];
  for (const match of text.matchAll(/^```(\w+)\n([\s\S]*?)^```/gm)) {
    const lang = match[1] as 'ts' | 'tsx';
    if (!languages.includes(lang)) continue;
    const line = text.slice(0, match.index).split('\n').length + 1;
    samples.push({
      file: `${prefix}-${line}.sample.${lang}`,
      readme,
      line,
      // `export {}` makes every sample a module, so samples do not see each other's names.
      code: `${match[2] ?? ''}\nexport {};\n`,
    });
  }
  return samples;
}

/**
 * Type-checks the samples with a prelude of declared names (what a sample may assume the reader
 * has) and returns each problem as `<readme path from root>:<line>: <message>`.
 */
export function typeCheckSamples(
  samples: readonly ReadmeSample[],
  prelude: { file: string; code: string },
  options: ts.CompilerOptions,
  rootDir: string,
): string[] {
  const virtual = new Map<string, string>([
    [prelude.file, prelude.code],
    ...samples.map((s) => [s.file, s.code] as const),
  ]);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) => {
    const code = virtual.get(fileName);
    if (code === undefined) return getSourceFile(fileName, language, onError, shouldCreate);
    const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    return ts.createSourceFile(fileName, code, language, true, kind);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => virtual.get(fileName) ?? readFile(fileName);

  const program = ts.createProgram([prelude.file, ...samples.map((s) => s.file)], options, host);
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const sample = samples.find((s) => s.file === d.file?.fileName);
    if (!sample || !d.file || d.start === undefined) return `${d.file?.fileName ?? 'program'}: ${message}`;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${sample.readme.slice(rootDir.length + 1)}:${sample.line + line}: ${message}`;
  });
}

/**
 * The compiler options samples are checked with: what a reader's bundler project has (ES2022, DOM,
 * bundler resolution with the `source` condition, strict), with `paths` mapping package names to sources.
 */
export function sampleCompilerOptions(
  paths: Record<string, string[]>,
  extra: ts.CompilerOptions = {},
): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['source'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    paths,
    ...extra,
  };
}
