import { useContext } from 'react';
import { createTranslator } from './create-translator';
import type { Translator } from './i18n.types';
import { I18nContext } from './i18n-context';

// Created on first use, not at import (SSR: nothing runs while importing).
let english: Translator | undefined;

/** The translator of the nearest `<TierdeskI18nProvider>`; English without one. */
export function useTranslator(): Translator {
  const translator = useContext(I18nContext);
  if (translator) return translator;
  english ??= createTranslator('en');
  return english;
}
