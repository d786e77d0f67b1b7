// @vitest-environment node
import { describe, expect, it } from 'vitest';

// The theme and i18n modules are imported and rendered on a server: no browser global exists, so
// any read of one at import or render would throw here.
describe('theme and i18n on the server', () => {
  it('import and render to HTML without window or document', async () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    const { createElement } = await import('react');
    const { renderToString } = await import('react-dom/server');
    const { TierdeskThemeProvider } = await import('./tierdesk-theme-provider');
    const { useThemeRootProps } = await import('./use-theme-root-props');
    const { TierdeskI18nProvider } = await import('../i18n/tierdesk-i18n-provider');
    const { useTranslator } = await import('../i18n/use-translator');
    const { ar } = await import('../i18n/messages/ar');
    function Panel() {
      const { t } = useTranslator();
      return createElement('div', useThemeRootProps(), t('widget.panel.title'));
    }
    const html = renderToString(
      createElement(TierdeskI18nProvider, {
        locale: 'ar',
        messages: ar,
        children: createElement(TierdeskThemeProvider, {
          tokens: { 'color-accent': '#7a2fd3' },
          children: createElement(Panel),
        }),
      }),
    );
    expect(html).toBe(
      '<div class="td-root" dir="rtl" data-td-theme="system" style="--td-color-accent:#7a2fd3">المساعدة</div>',
    );
  });
});
