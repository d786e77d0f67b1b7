import { useContext } from 'react';
import type { ThemeValue } from './theme.types';
import { ThemeContext } from './theme-context';

/** The theme of the nearest `<TierdeskThemeProvider>` (system, styled, inherited `dir` without one). */
export function useTierdeskTheme(): ThemeValue {
  return useContext(ThemeContext);
}
