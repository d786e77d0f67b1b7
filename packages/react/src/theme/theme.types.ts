import type { CSSProperties } from 'react';
import type { TOKEN_NAMES } from './tokens';

/** How the kit picks its colours: fixed light, fixed dark, or the user's OS setting. */
export type ThemeMode = 'light' | 'dark' | 'system';

/** Writing direction of the kit's roots; `undefined` inherits the page's. */
export type TextDirection = 'ltr' | 'rtl';

/** A design token of the stylesheet, without its `--td-` prefix (`color-accent` → `--td-color-accent`). */
export type TokenName = (typeof TOKEN_NAMES)[number];

/** Token overrides: a CSS value per token name. */
export type TokenOverrides = Partial<Record<TokenName, string>>;

/**
 * The CSS custom properties `tokensToStyle` produces, e.g. `{ '--td-color-accent': '#7a2fd3' }`;
 * assignable to React's `style` prop.
 */
export type TokenStyle = CSSProperties & { [K in TokenName as `--td-${K}`]?: string };

/** The theme options of `<TierdeskThemeProvider>` (and of `useTierdeskTheme()`). */
export interface ThemeOptions {
  /** `'system'` (default) follows `prefers-color-scheme`. */
  readonly theme?: ThemeMode | undefined;
  /**
   * Render only `td-*` class names: no `data-td-theme`, no inline tokens, so `styles.css` matches
   * nothing and the host styles the kit itself.
   */
  readonly unstyled?: boolean | undefined;
  /** Writing direction; defaults to the direction of the translator's locale (`ar` → `rtl`). */
  readonly dir?: TextDirection | undefined;
  /** Token overrides applied inline on every kit root (both light and dark). */
  readonly tokens?: TokenOverrides | undefined;
}

/** The resolved theme the components read. */
export interface ThemeValue {
  readonly theme: ThemeMode;
  readonly unstyled: boolean;
  readonly dir: TextDirection | undefined;
  readonly tokens: TokenOverrides | undefined;
}

/** Props to spread on the root element of a kit component (widget panel, agent queue, …). */
export interface ThemeRootProps {
  readonly className: string;
  readonly dir?: TextDirection;
  readonly 'data-td-theme'?: ThemeMode;
  readonly style?: TokenStyle;
}
