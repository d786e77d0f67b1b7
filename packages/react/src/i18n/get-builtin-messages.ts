import type { Messages } from './i18n.types';
import { ar } from './messages/ar';
import { de } from './messages/de';
import { en } from './messages/en';

/**
 * The built-in catalog for a locale by its language (`de-AT` → German), or `undefined`. Importing
 * this bundles every built-in catalog; import `de` / `ar` directly to ship only one.
 */
export function getBuiltinMessages(locale: string): Messages | undefined {
  const language = locale.toLowerCase().split(/[-_]/)[0];
  return language === 'en' ? en : language === 'de' ? de : language === 'ar' ? ar : undefined;
}
