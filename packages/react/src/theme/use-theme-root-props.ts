import { useContext, useMemo } from 'react';
import { I18nContext } from '../i18n/i18n-context';
import type { ThemeRootProps } from './theme.types';
import { ThemeContext } from './theme-context';
import { tokensToStyle } from './tokens';

/**
 * Props for the root element of a kit component: `className` (`td-root` plus `className`), `dir`
 * (the theme's, else the locale's), and unless unstyled `data-td-theme` and the token overrides as
 * inline custom properties. Unstyled roots get only the class names and `dir`.
 */
export function useThemeRootProps(className?: string): ThemeRootProps {
  const theme = useContext(ThemeContext);
  const translator = useContext(I18nContext);
  const dir = theme.dir ?? translator?.dir;
  return useMemo(() => {
    const props: { -readonly [K in keyof ThemeRootProps]: ThemeRootProps[K] } = {
      className: className ? `td-root ${className}` : 'td-root',
    };
    if (dir) props.dir = dir;
    if (!theme.unstyled) {
      props['data-td-theme'] = theme.theme;
      if (theme.tokens) props.style = tokensToStyle(theme.tokens);
    }
    return props;
  }, [className, dir, theme]);
}
