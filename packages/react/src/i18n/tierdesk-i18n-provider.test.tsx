// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createTranslator } from './create-translator';
import { de } from './messages/de';
import { TierdeskI18nProvider } from './tierdesk-i18n-provider';
import { useTranslator } from './use-translator';

afterEach(cleanup);

function Unread({ count }: { count: number }) {
  const { t, locale } = useTranslator();
  return <p lang={locale}>{t('widget.launcher.unread', { count })}</p>;
}

describe('TierdeskI18nProvider / useTranslator', () => {
  it('is English without a provider', () => {
    render(<Unread count={1} />);
    expect(screen.getByText('1 new message').getAttribute('lang')).toBe('en');
  });

  it('translates with the locale and catalog it is given', () => {
    render(
      <TierdeskI18nProvider locale="de-DE" messages={de}>
        <Unread count={3} />
      </TierdeskI18nProvider>,
    );
    expect(screen.getByText('3 neue Nachrichten').getAttribute('lang')).toBe('de-DE');
  });

  it('accepts a ready translator', () => {
    const translator = createTranslator('de', {
      'widget.launcher.unread': { one: 'eine', other: '{count} neue' },
    });
    render(
      <TierdeskI18nProvider translator={translator}>
        <Unread count={5} />
      </TierdeskI18nProvider>,
    );
    expect(screen.getByText('5 neue')).toBeTruthy();
  });
});
