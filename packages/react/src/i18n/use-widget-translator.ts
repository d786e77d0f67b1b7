import { useContext } from 'react';
import { buildTranslator } from './build-translator';
import type { Translator } from './i18n.types';
import { I18nContext } from './i18n-context';
import { enCommon } from './messages/en.common';

// Created on first use, not at import (SSR: nothing runs while importing).
let english: Translator | undefined;

/**
 * The translator of the nearest `<TierdeskI18nProvider>`; without one, English with only the widget's
 * and the shared messages — what `useTranslator` gives, minus the agent console's strings, which the
 * widget never shows and so never downloads.
 */
export function useWidgetTranslator(): Translator {
  const translator = useContext(I18nContext);
  if (translator) return translator;
  english ??= buildTranslator('en', undefined, enCommon);
  return english;
}
