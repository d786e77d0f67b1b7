// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ar } from '../i18n/messages/ar';
import { TierdeskI18nProvider } from '../i18n/tierdesk-i18n-provider';
import { useTranslator } from '../i18n/use-translator';
import { TierdeskThemeProvider } from './tierdesk-theme-provider';
import { useThemeRootProps } from './use-theme-root-props';
import { useTierdeskTheme } from './use-tierdesk-theme';

afterEach(cleanup);

/** A kit component as the widget and agent components are built: a themed root, translated text. */
function Panel({ children }: { children?: ReactNode }) {
  const root = useThemeRootProps('td-panel');
  const { t } = useTranslator();
  return (
    <section {...root} data-testid="panel" aria-label={t('widget.panel.title')}>
      <button type="button" className="td-button">
        {t('widget.contact')}
      </button>
      {children}
    </section>
  );
}

describe('theme root props', () => {
  it('without providers: system theme, styled, English, inherited direction', () => {
    render(<Panel />);
    const panel = screen.getByTestId('panel');
    expect(panel.className).toBe('td-root td-panel');
    expect(panel.getAttribute('data-td-theme')).toBe('system');
    expect(panel.hasAttribute('dir')).toBe(false);
    expect(panel.hasAttribute('style')).toBe(false);
    expect(panel.getAttribute('aria-label')).toBe('Help');
  });

  it('applies the mode and token overrides inline', () => {
    render(
      <TierdeskThemeProvider theme="dark" tokens={{ 'color-accent': '#7a2fd3', 'radius-md': '2px' }}>
        <Panel />
      </TierdeskThemeProvider>,
    );
    const panel = screen.getByTestId('panel');
    expect(panel.getAttribute('data-td-theme')).toBe('dark');
    expect(panel.style.getPropertyValue('--td-color-accent')).toBe('#7a2fd3');
    expect(panel.style.getPropertyValue('--td-radius-md')).toBe('2px');
  });

  it('unstyled renders only td-* class names: no theme attribute, no inline tokens', () => {
    render(
      <TierdeskThemeProvider unstyled theme="dark" tokens={{ 'color-accent': '#7a2fd3' }}>
        <Panel />
      </TierdeskThemeProvider>,
    );
    const panel = screen.getByTestId('panel');
    expect(panel.getAttribute('data-td-theme')).toBeNull();
    expect(panel.getAttribute('style')).toBeNull();
    expect(panel.className).toBe('td-root td-panel');
    expect(panel.querySelector('[data-td-theme]')).toBeNull();
    expect(screen.getByRole('button').className).toBe('td-button');
  });

  it('takes the direction from the locale, and an explicit dir wins', () => {
    const { rerender } = render(
      <TierdeskI18nProvider locale="ar" messages={ar}>
        <Panel />
      </TierdeskI18nProvider>,
    );
    expect(screen.getByTestId('panel').getAttribute('dir')).toBe('rtl');
    expect(screen.getByRole('button').textContent).toBe('تواصل مع الدعم');
    rerender(
      <TierdeskI18nProvider locale="ar" messages={ar}>
        <TierdeskThemeProvider dir="ltr">
          <Panel />
        </TierdeskThemeProvider>
      </TierdeskI18nProvider>,
    );
    expect(screen.getByTestId('panel').getAttribute('dir')).toBe('ltr');
  });

  it('exposes the theme to components', () => {
    let seen: unknown;
    function Probe() {
      seen = useTierdeskTheme();
      return null;
    }
    render(
      <TierdeskThemeProvider theme="light" dir="rtl">
        <Probe />
      </TierdeskThemeProvider>,
    );
    expect(seen).toEqual({ theme: 'light', unstyled: false, dir: 'rtl', tokens: undefined });
  });
});
