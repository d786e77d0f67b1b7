import { createContext } from 'react';
import type { Translator } from './i18n.types';

/** The context behind `useTranslator`; `null` outside a `<TierdeskI18nProvider>` (English is used). */
export const I18nContext = createContext<Translator | null>(null);
I18nContext.displayName = 'TierdeskI18nContext';
