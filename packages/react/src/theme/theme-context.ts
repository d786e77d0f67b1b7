import { createContext } from 'react';
import type { ThemeValue } from './theme.types';

/** The theme every kit root reads: system colours, styled, inherited direction, no overrides. */
export const DEFAULT_THEME: ThemeValue = {
  theme: 'system',
  unstyled: false,
  dir: undefined,
  tokens: undefined,
};

/** The context behind `useTierdeskTheme`; the default theme outside a provider. */
export const ThemeContext = createContext<ThemeValue>(DEFAULT_THEME);
ThemeContext.displayName = 'TierdeskThemeContext';
