import type { TokenOverrides, TokenStyle } from './theme.types';

/**
 * Every design token `styles.css` declares, without the `--td-` prefix. The stylesheet is the
 * source of the values; a test keeps this list and the sheet equal.
 */
export const TOKEN_NAMES = [
  'color-bg',
  'color-surface',
  'color-text',
  'color-text-muted',
  'color-border',
  'color-control-border',
  'color-accent',
  'color-accent-contrast',
  'color-focus',
  'color-danger',
  'color-danger-surface',
  'color-success',
  'color-success-surface',
  'color-warning',
  'color-warning-surface',
  'radius-sm',
  'radius-md',
  'radius-lg',
  'radius-full',
  'space-1',
  'space-2',
  'space-3',
  'space-4',
  'space-5',
  'space-6',
  'font-family',
  'font-size-sm',
  'font-size-md',
  'font-size-lg',
  'font-weight-bold',
  'line-height',
  'shadow-sm',
  'shadow-lg',
  'z-launcher',
  'z-panel',
  'launcher-size',
  'panel-width',
  'panel-height',
] as const;

/**
 * Turns token overrides into an inline style object of CSS custom properties; empty values are
 * dropped. Spread it into a `style` prop (the theme root props already do).
 *
 * @example tokensToStyle({ 'color-accent': '#7a2fd3' }) // { '--td-color-accent': '#7a2fd3' }
 */
export function tokensToStyle(tokens: TokenOverrides | undefined): TokenStyle {
  const style: Record<string, string> = {};
  if (tokens) {
    for (const [name, value] of Object.entries(tokens)) {
      if (typeof value === 'string' && value.trim() !== '') style[`--td-${name}`] = value;
    }
  }
  return style as TokenStyle;
}
