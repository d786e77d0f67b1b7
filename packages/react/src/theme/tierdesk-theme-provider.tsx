import { type ReactNode, useMemo } from 'react';
import type { ThemeOptions, ThemeValue } from './theme.types';
import { ThemeContext } from './theme-context';

/** Props of `<TierdeskThemeProvider>`. */
export interface TierdeskThemeProviderProps extends ThemeOptions {
  readonly children?: ReactNode;
}

/**
 * Sets the theme (light / dark / system), unstyled mode, direction and token overrides for every
 * Tierdesk component below. Renders no element: each component root applies the theme itself
 * (`useThemeRootProps`), so the provider can wrap a whole app. The colours live in
 * `@tierdesk/react/styles.css`, which the host imports once.
 */
export function TierdeskThemeProvider({
  theme,
  unstyled,
  dir,
  tokens,
  children,
}: TierdeskThemeProviderProps) {
  const value = useMemo<ThemeValue>(
    () => ({ theme: theme ?? 'system', unstyled: unstyled ?? false, dir, tokens }),
    [theme, unstyled, dir, tokens],
  );
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}
