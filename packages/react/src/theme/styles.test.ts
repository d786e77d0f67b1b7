import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TOKEN_NAMES } from './tokens';

const read = (url: URL) => readFileSync(url, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const css = read(new URL('./styles.css', import.meta.url));
// Every stylesheet of the kit (the build concatenates them into dist/styles.css): the RTL and
// unstyled rules below hold for all of them, not only this one.
const srcDir = new URL('../', import.meta.url);
const kitSheets = (readdirSync(fileURLToPath(srcDir), { recursive: true }) as string[])
  .filter((file) => file.endsWith('.css'))
  .map((file) => ({ file, css: read(new URL(file, srcDir)) }));

/** The `--td-*` declarations of the first block whose selector is exactly `selector`. */
function tokensOf(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no block ${selector}`);
  const body = css.slice(css.indexOf('{', start) + 1, css.indexOf('}', start));
  return new Map(
    [...body.matchAll(/--td-([\w-]+):\s*([^;]+);/g)].map((m) => [m[1] as string, (m[2] as string).trim()]),
  );
}

const light = tokensOf(':where([data-td-theme])');
const dark = tokensOf(':where([data-td-theme="dark"])');
const systemDark = tokensOf('  :where([data-td-theme="system"])');

// WCAG 2.x relative luminance and contrast ratio.
function luminance(hex: string): number {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!match) throw new Error(`${hex} is not a #rrggbb colour`);
  const channel = (i: number) => {
    const c = Number.parseInt((match[1] as string).slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// [foreground, background, minimum]: 4.5 for text (WCAG 1.4.3 AA), 3 for control boundaries and
// focus indicators against what they sit on (1.4.11).
const PAIRS: [string, string, number][] = [
  ...['color-bg', 'color-surface'].flatMap((bg): [string, string, number][] => [
    ['color-text', bg, 4.5],
    ['color-text-muted', bg, 4.5],
    ['color-accent', bg, 4.5],
    ['color-danger', bg, 4.5],
    ['color-success', bg, 4.5],
    ['color-warning', bg, 4.5],
    ['color-control-border', bg, 3],
    ['color-focus', bg, 3],
  ]),
  ['color-accent-contrast', 'color-accent', 4.5],
  ['color-danger', 'color-danger-surface', 4.5],
  ['color-success', 'color-success-surface', 4.5],
  ['color-warning', 'color-warning-surface', 4.5],
];

describe('styles.css', () => {
  it('declares exactly the TOKEN_NAMES in the light block', () => {
    expect([...light.keys()].sort()).toEqual([...TOKEN_NAMES].sort());
  });

  it('gives every colour token a dark value, and the system dark block equals the dark block', () => {
    const colours = TOKEN_NAMES.filter((name) => name.startsWith('color-'));
    for (const name of colours) expect(dark.has(name), name).toBe(true);
    for (const name of dark.keys()) expect(TOKEN_NAMES as readonly string[]).toContain(name);
    expect(Object.fromEntries(systemDark)).toEqual(Object.fromEntries(dark));
    expect(css).toMatch(/@media \(prefers-color-scheme: dark\) \{\s*:where\(\[data-td-theme="system"\]\)/);
  });

  for (const [scheme, tokens] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    it(`meets WCAG AA contrast in ${scheme}`, () => {
      const failures = PAIRS.flatMap(([fg, bg, min]) => {
        const ratio = contrast(tokens.get(fg) as string, tokens.get(bg) as string);
        return ratio >= min ? [] : [`${fg} on ${bg}: ${ratio.toFixed(2)} < ${min}`];
      });
      expect(failures).toEqual([]);
    });
  }

  it('the contrast check fails for a pair below AA', () => {
    expect(contrast('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(() => luminance('rgb(0 0 0)')).toThrow();
  });

  it('uses logical properties only in every kit stylesheet, so dir="rtl" mirrors the layout', () => {
    expect(kitSheets.map((sheet) => sheet.file)).toContain('theme/styles.css');
    const physical =
      /(?:^|[\s;{])(?:(?:margin|padding|border)-(?:left|right|top|bottom)|left|right|top|bottom|width|height|min-width|max-width|min-height|max-height)\s*:|text-align:\s*(?:left|right)|float:\s*(?:left|right)/m;
    for (const sheet of kitSheets) expect(sheet.css.match(physical)?.[0], sheet.file).toBeUndefined();
  });

  it('scopes every rule of every kit stylesheet to [data-td-theme], so an unstyled tree matches nothing', () => {
    const selectors = [
      ...kitSheets
        .map((sheet) => sheet.css)
        .join('\n')
        .matchAll(/([^{}]+)\{/g),
    ]
      .map((m) => (m[1] as string).trim())
      .filter((selector) => !selector.startsWith('@'));
    expect(selectors.length).toBeGreaterThan(10);
    for (const group of selectors) {
      for (const selector of group.split(/,(?![^(]*\))/)) {
        expect(selector, group).toContain('[data-td-theme');
      }
    }
  });
});
