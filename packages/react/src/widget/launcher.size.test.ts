import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The launcher's initial chunk (what a page loads before the widget is opened): launcher.tsx bundled
// with code splitting, peers and the core external, minified; the panel must stay a separate chunk.

const BUDGET_BYTES = 6 * 1024;

describe('launcher chunk size', () => {
  it('keeps the panel in its own chunk and the initial chunk within 6 KB min+gzip', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./launcher.tsx', import.meta.url))],
      bundle: true,
      splitting: true,
      format: 'esm',
      minify: true,
      write: false,
      outdir: '/virtual-out',
      jsx: 'automatic',
      platform: 'browser',
      metafile: true,
      logLevel: 'silent',
      external: ['react', 'react-dom', '@tanstack/react-query', '@tierdesk/core', '@tierdesk/core/*'],
    });
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined);
    expect(entry).toBeDefined();
    const entryOut = outputs[entry as string];
    const dynamic = entryOut?.imports.filter((i) => i.kind === 'dynamic-import') ?? [];
    expect(dynamic).toHaveLength(1);
    const panelChunk = outputs[(dynamic[0] as { path: string }).path];
    expect(Object.keys(panelChunk?.inputs ?? {}).some((input) => input.endsWith('widget/panel.tsx'))).toBe(
      true,
    );
    // The initial chunk: the entry and the chunks it imports statically (never the panel's own code).
    const initial = [
      entry as string,
      ...(entryOut?.imports ?? [])
        .filter((i) => i.kind === 'import-statement' && i.path in outputs)
        .map((i) => i.path),
    ];
    const initialInputs = initial.flatMap((path) => Object.keys(outputs[path]?.inputs ?? {}));
    expect(initialInputs.some((input) => /panel|markdown|use-widget/.test(input))).toBe(false);
    const bytes = initial.reduce((sum, path) => {
      const file = result.outputFiles.find((f) => f.path.endsWith(path.replace(/^.*\//, '')));
      return sum + gzipSync(file?.contents ?? new Uint8Array()).length;
    }, 0);
    console.info(`launcher initial chunk: ${(bytes / 1024).toFixed(2)} KB min+gzip (budget 6 KB)`);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
