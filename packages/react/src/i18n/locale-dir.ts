import type { TextDirection } from '../theme/theme.types';

// Languages written right to left (CLDR); a list instead of `Intl.Locale#getTextInfo`, which
// Firefox lacks.
const RTL_LANGUAGES = new Set(['ar', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ps', 'sd', 'ug', 'ur', 'yi']);

/**
 * The writing direction of a locale: `rtl` for Arabic, Hebrew, Persian, Urdu, …, else `ltr`.
 * A script subtag wins over the language (`az-Arab` → `rtl`, `ks-Deva` → `ltr`).
 */
export function localeDir(locale: string): TextDirection {
  const [language = '', script] = locale.toLowerCase().split(/[-_]/);
  if (script !== undefined && script.length === 4) {
    return ['arab', 'hebr', 'thaa', 'syrc', 'nkoo', 'adlm', 'rohg'].includes(script) ? 'rtl' : 'ltr';
  }
  return RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr';
}
