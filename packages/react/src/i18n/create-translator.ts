import { buildTranslator } from './build-translator';
import type { MessageOverrides, Translator, TranslatorOptions } from './i18n.types';
import { en } from './messages/en';

/**
 * Creates a translator for `locale`: messages with `{name}` interpolation and `Intl.PluralRules`
 * plurals, plus number, date and duration formatting.
 *
 * Messages come from `overrides`, then English. The built-in catalogs are separate exports so only
 * the ones used are bundled: `createTranslator('de', de)`, or a few wording changes over English,
 * `createTranslator('en', { 'widget.panel.title': 'Support' })`. The locale alone sets plurals,
 * numbers and dates, never the language of the messages.
 *
 * @throws {TierdeskI18nError} `invalid_locale` / `invalid_time_zone` for malformed tags or zones.
 */
export function createTranslator(
  locale: string,
  overrides?: MessageOverrides,
  options: TranslatorOptions = {},
): Translator {
  return buildTranslator(locale, overrides, en, options);
}
