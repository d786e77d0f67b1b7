// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { de } from '../i18n/messages/de';
import { en } from '../i18n/messages/en';
import { TierdeskI18nProvider } from '../i18n/tierdesk-i18n-provider';
import { SupportWidget } from './support-widget';

// The launcher labels itself without the translator (which would pull every catalog into the initial
// chunk): its built-in English must stay the catalog's, and a host's translator must win.

afterEach(cleanup);

describe('launcher labels', () => {
  it('uses the English catalog text without an i18n provider', () => {
    render(<SupportWidget baseUrl="http://127.0.0.1:9" identity="u-label" />);
    expect(screen.getByRole('button', { name: en['widget.launcher.open'] })).toBeTruthy();
  });

  it("uses the host's translator when there is one", () => {
    render(
      <TierdeskI18nProvider locale="de" messages={de}>
        <SupportWidget baseUrl="http://127.0.0.1:9" identity="u-label" />
      </TierdeskI18nProvider>,
    );
    expect(screen.getByRole('button', { name: de['widget.launcher.open'] })).toBeTruthy();
    expect(de['widget.launcher.open']).not.toBe(en['widget.launcher.open']);
  });
});
