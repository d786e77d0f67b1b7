import { type ReactNode, useMemo } from 'react';
import { createTranslator } from './create-translator';
import type { MessageOverrides, Translator } from './i18n.types';
import { I18nContext } from './i18n-context';

/** Props of `<TierdeskI18nProvider>`: a ready translator, or what to create one from. */
export type TierdeskI18nProviderProps = {
  readonly children?: ReactNode;
} & (
  | {
      /** A translator made with `createTranslator` (shared with code outside React). */
      readonly translator: Translator;
      readonly locale?: never;
      readonly messages?: never;
      readonly timeZone?: never;
    }
  | {
      readonly translator?: never;
      /** BCP 47 locale for plurals, numbers and dates (`'de'`, `'ar-EG'`). */
      readonly locale: string;
      /** The catalog (`de`, `ar`) and/or overrides; English fills the gaps. */
      readonly messages?: MessageOverrides | undefined;
      /** IANA zone for dates and times; the runtime's when omitted. */
      readonly timeZone?: string | undefined;
    }
);

/**
 * Sets the language of every Tierdesk component below.
 *
 * @example <TierdeskI18nProvider locale="de" messages={de}>…</TierdeskI18nProvider>
 * @throws {TierdeskI18nError} for a malformed locale or time zone.
 */
export function TierdeskI18nProvider(props: TierdeskI18nProviderProps) {
  const { translator, locale, messages, timeZone, children } = props;
  const value = useMemo(
    () => translator ?? createTranslator(locale as string, messages, { timeZone }),
    [translator, locale, messages, timeZone],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
